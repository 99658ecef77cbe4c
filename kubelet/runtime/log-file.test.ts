import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../shared/clock.ts'
import { containerLogPath, formatLogTimestamp, LogFileWriter, parseCriLine, readLog, readLogText } from './log-file.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-log-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const t0 = Date.UTC(2026, 10, 23, 18, 0, 0, 123)

describe('LogFileWriter', () => {
  it('writes CRI records, full and partial, at <podDir>/logs/<container>/<attempt>.log', async () => {
    const path = containerLogPath(dir, 'web', 2)
    expect(path).toBe(join(dir, 'logs', 'web', '2.log'))
    const w = new LogFileWriter(path, { clock: new FakeClock(t0) })
    w.write('stdout', 'hello\nwor')
    w.write('stdout', 'ld\r\n')
    w.write('stderr', 'oops\nno newline')
    await w.close()
    expect(await readFile(path, 'utf8')).toBe(
      [
        '2026-11-23T18:00:00.123000000Z stdout F hello',
        '2026-11-23T18:00:00.123000000Z stdout F world',
        '2026-11-23T18:00:00.123000000Z stderr F oops',
        '2026-11-23T18:00:00.123000000Z stderr P no newline',
        '',
      ].join('\n'),
    )
  })

  it('splits lines longer than 16 KiB into P records', async () => {
    const path = join(dir, 'long.log')
    const w = new LogFileWriter(path, { clock: new FakeClock(t0) })
    w.write('stdout', `${'x'.repeat(20_000)}\n`)
    await w.close()
    const records = (await readFile(path)).toString().trimEnd().split('\n').map((l) => parseCriLine(Buffer.from(l))!)
    expect(records.map((r) => [r.partial, r.content.length])).toEqual([
      [true, 16_384],
      [false, 20_000 - 16_384],
    ])
    expect(await readLogText(path)).toBe(`${'x'.repeat(20_000)}\n`)
  })

  it('timestamps have nine fraction digits with the real clock', async () => {
    const path = join(dir, 'real.log')
    const w = new LogFileWriter(path)
    w.writeLine('stdout', 'x')
    await w.close()
    expect(await readFile(path, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F x\n$/)
    expect(formatLogTimestamp(t0, 456_789)).toBe('2026-11-23T18:00:00.123456789Z')
  })
})

describe('readLog', () => {
  async function sample(): Promise<string> {
    const path = join(dir, 'sample.log')
    await writeFile(
      path,
      [
        '2026-11-23T18:00:01.5Z stdout F one',
        '2026-11-23T18:00:02.000000001Z stderr F two',
        'garbage line',
        '2026-11-23T18:00:03Z stdout P thr',
        '2026-11-23T18:00:03.1Z stdout F ee',
        '2026-11-23T18:00:04Z stdout F four',
        '2026-11-23T18:00:05Z stdout F ',
        '',
      ].join('\n'),
    )
    return path
  }

  it('reads all, without timestamps', async () => {
    expect(await readLogText(await sample())).toBe('one\ntwo\nthree\nfour\n\n')
  })

  it('prefixes timestamps at the start of each line, fixed to nine digits', async () => {
    expect(await readLogText(await sample(), { timestamps: true, tailLines: 3 })).toBe(
      '2026-11-23T18:00:03.000000000Z three\n2026-11-23T18:00:04.000000000Z four\n2026-11-23T18:00:05.000000000Z \n',
    )
  })

  it('tails lines as the user sees them', async () => {
    const path = await sample()
    expect(await readLogText(path, { tailLines: 0 })).toBe('')
    expect(await readLogText(path, { tailLines: 2 })).toBe('four\n\n')
    expect(await readLogText(path, { tailLines: 3 })).toBe('three\nfour\n\n')
    expect(await readLogText(path, { tailLines: 100 })).toBe('one\ntwo\nthree\nfour\n\n')
    expect(await readLogText(path, { tailLines: 1, stream: 'stderr' })).toBe('two\n')
  })

  it('filters by time and stream, and limits bytes', async () => {
    const path = await sample()
    expect(await readLogText(path, { sinceTime: Date.UTC(2026, 10, 23, 18, 0, 2) })).toBe('two\nthree\nfour\n\n')
    expect(await readLogText(path, { stream: 'stdout' })).toBe('one\nthree\nfour\n\n')
    expect(await readLogText(path, { limitBytes: 6 })).toBe('one\ntw')
  })

  it('reads a missing file as empty', async () => {
    expect(await readLogText(join(dir, 'nope.log'))).toBe('')
  })

  it('follows a growing file until the container exits and the file is drained', async () => {
    const path = join(dir, 'follow.log')
    const w = new LogFileWriter(path)
    w.writeLine('stdout', 'first')
    await w.flushed()
    let exit!: () => void
    const exited = new Promise<void>((r) => (exit = r))
    const it = readLog(path, { follow: true, exited, pollMs: 20 })
    expect((await it.next()).value?.toString()).toBe('first\n')
    const next = it.next()
    w.writeLine('stdout', 'second')
    expect((await next).value?.toString()).toBe('second\n')
    w.writeLine('stderr', 'last words')
    await w.close()
    exit()
    const rest: string[] = []
    for (;;) {
      const r = await it.next()
      if (r.done) break
      rest.push(r.value.toString())
    }
    expect(rest).toEqual(['last words\n'])
  })

  it('ends a follow when aborted', async () => {
    const path = join(dir, 'abort.log')
    const ac = new AbortController()
    const it = readLog(path, { follow: true, signal: ac.signal, pollMs: 20 })
    const next = it.next()
    ac.abort()
    expect((await next).done).toBe(true)
  })

  it('stops a follow at limitBytes', async () => {
    const path = join(dir, 'limit.log')
    const w = new LogFileWriter(path)
    w.writeLine('stdout', 'abcdef')
    await w.flushed()
    const chunks: string[] = []
    for await (const c of readLog(path, { follow: true, limitBytes: 3 })) chunks.push(c.toString())
    expect(chunks).toEqual(['abc'])
  })
})
