import { describe, expect, it } from 'vitest'
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
