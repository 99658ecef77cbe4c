// One pino root per process, JSON to stdout. Components take children of it
// (`log.child({ component: 'scheduler' })`); messages are fixed phrases and
// data goes in fields, so a pod's path through the system can be grepped.
//
// `--log-format flow` is for watching the system work: the process prints
// flow lines (shared/flow/) for its API traffic, and its log messages become
// short text lines (`12:04:05.123 WARN  message key=value`) beside them.
import { pino, type Logger, type LevelWithSilent } from 'pino'
import { flowTime } from './flow/flow-line.ts'
import { printClientFlow } from './flow/client-flow.ts'

export const logLevels: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
export const logFormats = ['json', 'flow'] as const
export type LogFormat = (typeof logFormats)[number]

export function parseLogFormat(format: string): LogFormat {
  if (!(logFormats as readonly string[]).includes(format)) throw new RangeError(`--log-format must be one of ${logFormats.join(', ')}; got ${JSON.stringify(format)}`)
  return format as LogFormat
}

/** A line to stdout; flow lines and text log lines share the stream, so they stay in order. */
export function printLine(line: string): void {
  process.stdout.write(`${line}\n`)
}

export function createLogger(component: string, level: string = 'info', format: string = 'json'): Logger {
  if (!logLevels.includes(level as LevelWithSilent)) {
    throw new RangeError(`--log-level must be one of ${logLevels.join(', ')}; got ${JSON.stringify(level)}`)
  }
  if (parseLogFormat(format) === 'flow') {
    // This process's clients print their requests and watch events.
    printClientFlow(printLine)
    return pino({ level, base: { component, pid: process.pid }, timestamp: pino.stdTimeFunctions.epochTime }, { write: (json: string) => printLine(textLogLine(json)) })
  }
  return pino({ level, base: { component, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime })
}

const levelNames: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
/** Fields every line of a process shares: the launcher's prefix or the reader already knows them. */
const implied = new Set(['level', 'time', 'pid', 'hostname', 'component', 'msg'])

function fieldValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v
  if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') return JSON.stringify((v as { message: string }).message)
  return JSON.stringify(v) ?? String(v)
}

/** One pino JSON line as `12:04:05.123 WARN  message key=value …`. */
export function textLogLine(json: string): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.trimEnd()
  }
  const time = typeof entry.time === 'number' ? flowTime(entry.time) : flowTime(Date.now())
  const level = (levelNames[Number(entry.level)] ?? String(entry.level ?? '')).padEnd(5)
  let line = `${time} ${level} ${typeof entry.msg === 'string' ? entry.msg : ''}`
  for (const [k, v] of Object.entries(entry)) if (!implied.has(k) && v !== undefined) line += ` ${k}=${fieldValue(v)}`
  return line
}

export type { Logger }
