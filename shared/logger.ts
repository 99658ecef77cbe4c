// One pino root per process, JSON to stdout. Components take children of it
// (`log.child({ component: 'scheduler' })`); messages are fixed phrases and
// data goes in fields, so a pod's path through the system can be grepped.
import { pino, type Logger, type LevelWithSilent } from 'pino'

export const logLevels: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export function createLogger(component: string, level: string = 'info'): Logger {
  if (!logLevels.includes(level as LevelWithSilent)) {
    throw new RangeError(`--log-level must be one of ${logLevels.join(', ')}; got ${JSON.stringify(level)}`)
  }
  return pino({ level, base: { component, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime })
}

export type { Logger }
