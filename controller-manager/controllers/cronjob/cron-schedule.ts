// A CronJob's schedule as something that answers "when next, after t?".
// Five-field specs and @hourly/@daily/@weekly/@monthly/@yearly go to
// cron-parser, evaluated in spec.timeZone (IANA, via Intl) or else in the
// controller's local zone, as upstream evaluates them in time.Local;
// "@every <duration>" is a constant delay as in robfig/cron: t + d,
// truncated to the second.
import { CronExpressionParser } from 'cron-parser'

export interface Schedule {
  /** The first activation strictly after t (ms since the epoch). */
  next(t: number): number
}

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

const durationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Go's time.ParseDuration for the forms cron specs use ("90s", "1h30m", "1.5h"). */
export function parseGoDuration(text: string): number {
  const re = /([0-9]*\.?[0-9]*)(ns|us|µs|ms|s|m|h)/y
  let ms = 0
  let at = 0
  while (at < text.length) {
    re.lastIndex = at
    const m = re.exec(text)
    if (!m || m[1] === '' || m[1] === '.') throw new RangeError(`time: invalid duration "${text}"`)
    ms += Number(m[1]) * durationUnits[m[2]]
    at = re.lastIndex
  }
  if (text === '') throw new RangeError(`time: invalid duration "${text}"`)
  return ms
}

/** Whether Intl knows the zone (upstream: time.LoadLocation). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Throws with the reason when the spec cannot be parsed. */
export function parseSchedule(spec: string, timeZone: string = localTimeZone()): Schedule {
  const trimmed = spec.trim()
  if (trimmed.startsWith('@every ')) {
    // robfig/cron: below a second means a second; otherwise whole seconds.
    const raw = parseGoDuration(trimmed.slice('@every '.length).trim())
    const delay = raw < 1000 ? 1000 : Math.floor(raw / 1000) * 1000
    return { next: (t) => Math.floor(t / 1000) * 1000 + delay }
  }
  const expression = descriptors[trimmed] ?? trimmed
  if (trimmed.startsWith('@') && !descriptors[trimmed]) throw new RangeError(`unrecognized descriptor: ${trimmed}`)
  if (expression.split(/\s+/).length !== 5) throw new RangeError(`expected exactly 5 fields, found ${expression.split(/\s+/).length}: [${expression}]`)
  // Validate once; next() parses again from each start time (cheap, stateless).
  CronExpressionParser.parse(expression, { currentDate: new Date(0), tz: timeZone })
  return {
    next(t) {
      return CronExpressionParser.parse(expression, { currentDate: new Date(t), tz: timeZone }).next().getTime()
    },
  }
}

/** RFC 3339 in the zone, with its offset ("2024-05-01T10:00:00+02:00"; "Z" for UTC), as Go's Format(time.RFC3339). */
export function formatRfc3339InZone(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]))
  // Go writes a zero offset as "Z", whatever the zone.
  const offset = parts.timeZoneName === 'GMT' || parts.timeZoneName === 'GMT+00:00' ? 'Z' : parts.timeZoneName.replace('GMT', '')
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`
}
