import { describe, expect, it } from 'vitest'
import { formatRfc3339InZone, isValidTimeZone, parseGoDuration, parseSchedule } from './cron-schedule.ts'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms).toISOString()

describe('parseSchedule', () => {
  it('gives the next activation strictly after t', () => {
    const s = parseSchedule('*/15 * * * *', 'UTC')
    expect(iso(s.next(at('2025-01-01T10:07:30Z')))).toBe('2025-01-01T10:15:00.000Z')
    expect(iso(s.next(at('2025-01-01T10:15:00Z')))).toBe('2025-01-01T10:30:00.000Z')
  })

  it('understands descriptors, @midnight included', () => {
    const t = at('2025-03-15T10:30:00Z')
    expect(iso(parseSchedule('@hourly', 'UTC').next(t))).toBe('2025-03-15T11:00:00.000Z')
    expect(iso(parseSchedule('@daily', 'UTC').next(t))).toBe('2025-03-16T00:00:00.000Z')
    expect(iso(parseSchedule('@midnight', 'UTC').next(t))).toBe('2025-03-16T00:00:00.000Z')
    expect(iso(parseSchedule('@weekly', 'UTC').next(t))).toBe('2025-03-16T00:00:00.000Z')
    expect(iso(parseSchedule('@monthly', 'UTC').next(t))).toBe('2025-04-01T00:00:00.000Z')
    expect(iso(parseSchedule('@yearly', 'UTC').next(t))).toBe('2026-01-01T00:00:00.000Z')
  })

  it('@every adds the delay to the second', () => {
    const s = parseSchedule('@every 1m30s')
    expect(iso(s.next(at('2025-01-01T00:00:10.500Z')))).toBe('2025-01-01T00:01:40.000Z')
    expect(parseGoDuration('1.5h')).toBe(5_400_000)
    expect(() => parseGoDuration('5x')).toThrow(/invalid duration/)
  })

  it('evaluates in spec.timeZone', () => {
    const s = parseSchedule('0 9 * * *', 'Europe/Berlin')
    expect(iso(s.next(at('2025-01-01T00:00:00Z')))).toBe('2025-01-01T08:00:00.000Z')
    expect(iso(s.next(at('2025-07-01T00:00:00Z')))).toBe('2025-07-01T07:00:00.000Z')
    expect(isValidTimeZone('Europe/Berlin')).toBe(true)
    expect(isValidTimeZone('Mars/Olympus')).toBe(false)
  })

  it('rejects what is not a schedule', () => {
    expect(() => parseSchedule('* * *', 'UTC')).toThrow(/expected exactly 5 fields/)
    expect(() => parseSchedule('@fortnightly', 'UTC')).toThrow(/unrecognized descriptor/)
  })

  it('formats RFC 3339 with the zone offset', () => {
    expect(formatRfc3339InZone(at('2025-07-01T07:00:00Z'), 'Europe/Berlin')).toBe('2025-07-01T09:00:00+02:00')
    expect(formatRfc3339InZone(at('2025-07-01T07:00:00Z'), 'UTC')).toBe('2025-07-01T07:00:00Z')
  })
})
