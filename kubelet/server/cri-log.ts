// The CRI container log format, one entry a line:
//   2024-05-01T10:00:00.123456789Z stdout F hello
// P marks a partial entry (the line continues in the next entry), F a full
// one, which ends with a newline when printed.

export interface CriLogEntry {
  /** As written (RFC3339Nano). */
  timestamp: string
  /** ms since the epoch, for sinceSeconds/sinceTime. */
  time: number
  stream: 'stdout' | 'stderr'
  partial: boolean
  /** The text without the newline. */
  text: Buffer
}

/** Parses one line (without its `\n`); undefined when it is not a CRI log line. */
export function parseCriLine(line: Buffer): CriLogEntry | undefined {
  const s1 = line.indexOf(0x20)
  if (s1 <= 0) return undefined
  const s2 = line.indexOf(0x20, s1 + 1)
  if (s2 < 0) return undefined
  const timestamp = line.subarray(0, s1).toString('latin1')
  const stream = line.subarray(s1 + 1, s2).toString('latin1')
  if (stream !== 'stdout' && stream !== 'stderr') return undefined
  const time = Date.parse(timestamp)
  if (Number.isNaN(time)) return undefined
  // The tag is F or P; older writers had no tag at all.
  let partial = false
  let textStart = s2 + 1
  const s3 = line.indexOf(0x20, s2 + 1)
  const tag = line.subarray(s2 + 1, s3 < 0 ? line.length : s3).toString('latin1')
  if (tag === 'F' || tag === 'P') {
    partial = tag === 'P'
    textStart = s3 < 0 ? line.length : s3 + 1
  }
  return { timestamp, time, stream, partial, text: line.subarray(textStart) }
}

/** Formats an entry as a CRI log line, with its newline (what runtimes write). */
export function formatCriLine(time: Date, stream: 'stdout' | 'stderr', text: string, partial = false): string {
  return `${formatLogTimestamp(time.toISOString())} ${stream} ${partial ? 'P' : 'F'} ${text}\n`
}

/**
 * The timestamp `kubectl logs --timestamps` prints: RFC3339 with exactly nine
 * fractional digits, as the kubelet's `2006-01-02T15:04:05.000000000Z07:00`.
 */
export function formatLogTimestamp(timestamp: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp)
  if (!m) return timestamp
  const fraction = (m[2] ?? '').padEnd(9, '0').slice(0, 9)
  return `${m[1]}.${fraction}${m[3]}`
}
