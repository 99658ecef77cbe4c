// CronJob schedules in the standard five-field form or as a descriptor
// (@hourly, @every 5m), checked the way upstream's parser (robfig/cron v3,
// ParseStandard) checks them, with its error texts.

interface Bounds { min: number; max: number; names?: Record<string, number> }

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

const fields: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(months.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(days.map((d, i) => [d, i])) },
]

const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'])

/** Go's %s of a []string. */
const goList = (items: string[]) => `[${items.join(' ')}]`

/** The parser's error message, or undefined when the schedule is valid. */
export function cronScheduleError(spec: string): string | undefined {
  const trimmed = spec.trim()
  if (trimmed === '') return 'empty spec string'
  if (trimmed.startsWith('@')) {
    if (descriptors.has(trimmed)) return undefined
    if (trimmed.startsWith('@every ')) {
      const duration = trimmed.slice('@every '.length)
      return /^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/.test(duration) ? undefined : `failed to parse duration ${trimmed}: time: invalid duration "${duration}"`
    }
    return `unrecognized descriptor: ${trimmed}`
  }
  const parts = trimmed.split(/\s+/)
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: ${goList(parts)}`
  for (let i = 0; i < 5; i++) {
    for (const expr of parts[i].split(',')) {
      const err = rangeError(expr, fields[i])
      if (err) return err
    }
  }
  return undefined
}

function parseIntOrName(text: string, names: Record<string, number> | undefined): number | string {
  if (names && Object.hasOwn(names, text.toLowerCase())) return names[text.toLowerCase()]
  if (!/^[+-]?[0-9]+$/.test(text)) return `failed to parse int from ${text}: strconv.Atoi: parsing "${text}": invalid syntax`
  const n = Number(text)
  return n < 0 ? `negative number (${n}) not allowed: ${text}` : n
}

function rangeError(expr: string, bounds: Bounds): string | undefined {
  const [range, ...steps] = expr.split('/')
  if (steps.length > 1) return `too many slashes: ${expr}`
  const ends = range.split('-')
  if (ends.length > 2) return `too many hyphens: ${expr}`
  let start: number
  let end: number
  if (ends[0] === '*' || ends[0] === '?') {
    start = bounds.min
    end = bounds.max
  } else {
    const first = parseIntOrName(ends[0], bounds.names)
    if (typeof first === 'string') return first
    start = first
    end = first
    if (ends.length === 2) {
      const second = parseIntOrName(ends[1], bounds.names)
      if (typeof second === 'string') return second
      end = second
    }
  }
  if (steps.length === 1) {
    const step = parseIntOrName(steps[0], undefined)
    if (typeof step === 'string') return step
    if (step === 0) return `step of range should be a positive number: ${expr}`
    // "N/step" means from N to the field's maximum.
    if (ends.length === 1 && ends[0] !== '*' && ends[0] !== '?') end = bounds.max
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`
  return undefined
}
