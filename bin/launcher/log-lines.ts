// One readable line per component log line: the component's name, then the
// pino JSON turned into `time level msg key=value …` (other text as it is).
const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const skipped = new Set(['level', 'time', 'pid', 'hostname', 'component', 'msg'])

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v
  if (v && typeof v === 'object' && 'message' in v && typeof (v as { message: unknown }).message === 'string') return JSON.stringify((v as { message: string }).message)
  return JSON.stringify(v)
}

export function formatLogLine(component: string, line: string, width = 20): string {
  const name = component.padEnd(width)
  if (!line.startsWith('{')) return `${name} | ${line}`
  try {
    const entry = JSON.parse(line) as Record<string, unknown>
    const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : ''
    const level = levels[Number(entry.level)] ?? String(entry.level ?? '')
    const fields = Object.entries(entry).filter(([k]) => !skipped.has(k)).map(([k, v]) => `${k}=${value(v)}`)
    return `${name} | ${time} ${level.padEnd(5)} ${entry.msg ?? ''}${fields.length ? ` ${fields.join(' ')}` : ''}`
  } catch {
    return `${name} | ${line}`
  }
}
