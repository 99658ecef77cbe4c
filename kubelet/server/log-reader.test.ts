import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatCriLine, formatLogTimestamp, parseCriLine } from './cri-log.ts'
import { readContainerLog, type LogReadOptions } from './log-reader.ts'
import type { ContainerLog } from './types.ts'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kubeling-log-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s))
const defaults: LogReadOptions = { follow: false, timestamps: false }

function write(lines: string): string {
  const path = join(dir, '0.log')
  writeFileSync(path, lines)
  return path
}

async function read(log: ContainerLog, options: Partial<LogReadOptions> = {}, signal = new AbortController().signal): Promise<string> {
  const out = new PassThrough()
  const parts: Buffer[] = []
  out.on('data', (d: Buffer) => parts.push(d))
  await readContainerLog(log, { ...defaults, ...options }, out, signal)
  return Buffer.concat(parts).toString()
}

const done = Promise.resolve()
const sample = () =>
  write(formatCriLine(t(0), 'stdout', 'one') + formatCriLine(t(1), 'stderr', 'two') + formatCriLine(t(2), 'stdout', 'thr', true) + formatCriLine(t(2), 'stdout', 'ee') + formatCriLine(t(3), 'stdout', 'four'))

describe('CRI log lines', () => {
  it('parses full and partial entries, and rejects other lines', () => {
    expect(parseCriLine(Buffer.from('2024-01-01T00:00:00.123456789Z stdout F hello world'))).toMatchObject({ stream: 'stdout', partial: false, text: Buffer.from('hello world') })
    expect(parseCriLine(Buffer.from('2024-01-01T00:00:00Z stderr P ab'))).toMatchObject({ stream: 'stderr', partial: true, text: Buffer.from('ab') })
    expect(parseCriLine(Buffer.from('2024-01-01T00:00:00Z stdout F '))?.text.length).toBe(0)
    expect(parseCriLine(Buffer.from('garbage'))).toBeUndefined()
    expect(parseCriLine(Buffer.from('yesterday stdout F x'))).toBeUndefined()
  })

  it('prints timestamps with nine fractional digits', () => {
    expect(formatLogTimestamp('2024-01-01T00:00:00.5Z')).toBe('2024-01-01T00:00:00.500000000Z')
    expect(formatLogTimestamp('2024-01-01T00:00:00Z')).toBe('2024-01-01T00:00:00.000000000Z')
  })
})

describe('readContainerLog', () => {
  it('joins partial entries and ends full ones with a newline', async () => {
    expect(await read({ path: sample(), ended: done })).toBe('one\ntwo\nthree\nfour\n')
  })

  it('reads the last N entries with tailLines', async () => {
    const path = sample()
    expect(await read({ path, ended: done }, { tailLines: 1 })).toBe('four\n')
    // Entries are lines of the file: a partial entry counts as one.
    expect(await read({ path, ended: done }, { tailLines: 2 })).toBe('ee\nfour\n')
    expect(await read({ path, ended: done }, { tailLines: 0 })).toBe('')
    expect(await read({ path, ended: done }, { tailLines: 100 })).toBe('one\ntwo\nthree\nfour\n')
  })

  it('finds the tail across read chunks', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => formatCriLine(t(i % 60), 'stdout', `line ${i} ${'x'.repeat(40)}`)).join('')
    const out = await read({ path: write(lines), ended: done }, { tailLines: 3 })
    expect(out.split('\n').slice(0, 3).map((l) => l.split(' ')[1])).toEqual(['4997', '4998', '4999'])
  })

  it('prefixes timestamps once per line', async () => {
    expect(await read({ path: sample(), ended: done }, { timestamps: true, tailLines: 3 })).toBe(
      '2024-01-01T00:00:02.000000000Z thr' + 'ee\n' + '2024-01-01T00:00:03.000000000Z four\n',
    )
  })

  it('skips entries before sinceMs', async () => {
    expect(await read({ path: sample(), ended: done }, { sinceMs: t(2).getTime() })).toBe('three\nfour\n')
  })

  it('stops at limitBytes', async () => {
    expect(await read({ path: sample(), ended: done }, { limitBytes: 6 })).toBe('one\ntw')
  })

  it('reads a missing file as empty', async () => {
    expect(await read({ path: join(dir, 'none.log'), ended: done })).toBe('')
  })

  it('follows new entries until the container ends', async () => {
    const path = write(formatCriLine(t(0), 'stdout', 'first'))
    let end!: () => void
    const ended = new Promise<void>((resolve) => (end = resolve))
    const out = new PassThrough()
    let text = ''
    const seen: Array<() => void> = []
    out.on('data', (d: Buffer) => {
      text += d
      seen.splice(0).forEach((f) => f())
    })
    const until = (s: string) => new Promise<void>((resolve) => {
      const check = () => (text.includes(s) ? resolve() : seen.push(check))
      check()
    })
    const reading = readContainerLog({ path, ended }, { ...defaults, follow: true }, out, new AbortController().signal)
    await until('first\n')
    appendFileSync(path, formatCriLine(t(1), 'stdout', 'second'))
    await until('second\n')
    appendFileSync(path, formatCriLine(t(2), 'stdout', 'last words'))
    end()
    await reading
    expect(text).toBe('first\nsecond\nlast words\n')
  })

  it('stops following when aborted', async () => {
    const abort = new AbortController()
    const reading = read({ path: sample(), ended: new Promise(() => {}) }, { follow: true }, abort.signal)
    abort.abort()
    expect(await reading).toBe('one\ntwo\nthree\nfour\n')
  })
})
