import { describe, expect, it, vi } from 'vitest'
import { parseDurationSeconds, parseFlags } from './flags.ts'

describe('parseDurationSeconds', () => {
  it('reads Go-style durations and bare seconds', () => {
    expect(parseDurationSeconds('15')).toBe(15)
    expect(parseDurationSeconds('500ms')).toBe(0.5)
    expect(parseDurationSeconds('15s')).toBe(15)
    expect(parseDurationSeconds('1m30s')).toBe(90)
    expect(parseDurationSeconds('1h')).toBe(3600)
  })

  it('refuses anything else', () => {
    for (const bad of ['', 's', '15x', '-1s', '1m 30s']) expect(() => parseDurationSeconds(bad)).toThrow(RangeError)
  })
})

describe('parseFlags', () => {
  const specs = {
    port: { type: 'string' as const, default: '8080', description: 'port' },
    'leader-elect': { type: 'boolean' as const, default: true, description: 'elect' },
  }

  it('prefers the flag, then the environment, then the default', () => {
    expect(parseFlags(['--port', '1'], specs, { KUBELING_PORT: '2' }).port).toBe('1')
    expect(parseFlags([], specs, { KUBELING_PORT: '2' }).port).toBe('2')
    expect(parseFlags([], specs, {}).port).toBe('8080')
  })

  it('turns a boolean off with --flag=false or the environment', () => {
    expect(parseFlags(['--leader-elect=false'], specs, {})['leader-elect']).toBe(false)
    expect(parseFlags([], specs, { KUBELING_LEADER_ELECT: 'false' })['leader-elect']).toBe(false)
  })
})

describe('parseFlags on a mistyped flag', () => {
  it('says which flag in one line and exits 2', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`)
    }) as never)
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      expect(() => parseFlags(['--nope'], { port: { type: 'string', description: 'port' } }, {})).toThrow('exit 2')
      expect(String(write.mock.calls[0][0])).toBe("error: Unknown option '--nope' (--help lists the flags)\n")
    } finally {
      exit.mockRestore()
      write.mockRestore()
    }
  })
})
