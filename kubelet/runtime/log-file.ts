// Container log files in the CRI format containerd writes and the kubelet
// reads: one record a line, `<RFC3339Nano> <stdout|stderr> <F|P> <text>`,
// where P marks a piece of a longer line (split at 16 KiB, or cut off when
// the stream ended without a newline). One file per container attempt, at
// <podDir>/logs/<container>/<attempt>.log. No HTTP here: the log server
// turns the reader's chunks into a response.
import { watch, type FSWatcher } from 'node:fs'
import { appendFile, mkdir, open, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { realClock, type Clock } from '../../shared/clock.ts'

export type LogStream = 'stdout' | 'stderr'

/** Queued bytes past which write() asks its caller to pause. */
const highWaterMark = 1024 * 1024

/** containerd's default max_container_log_line_size. */
const maxLineBytes = 16 * 1024

/** Where the kubelet keeps a container attempt's log. */
export function containerLogPath(podDir: string, container: string, attempt: number): string {
  return join(podDir, 'logs', container, `${attempt}.log`)
}

/** RFC3339 with a fixed nine-digit fraction, as the kubelet's RFC3339NanoFixed. */
export function formatLogTimestamp(ms: number, subMsNanos = 0): string {
  const iso = new Date(ms).toISOString() // 2026-11-23T18:00:00.123Z
  return `${iso.slice(0, 23)}${String(Math.floor(subMsNanos)).padStart(6, '0')}Z`
}

/** Milliseconds and nanoseconds within the millisecond; real time gets microseconds from performance.now(). */
function timestampOf(clock: Clock): string {
  if (clock !== realClock) return formatLogTimestamp(clock.now())
  const now = performance.timeOrigin + performance.now()
  const ms = Math.floor(now)
  return formatLogTimestamp(ms, Math.min(999_999, Math.round((now - ms) * 1e6)))
}

export interface LogFileWriterOptions {
  /** @default realClock */
  clock?: Clock
}

/**
 * Appends a container's output to its log file. Writes are queued and
 * appended in order without holding a file descriptor between flushes, so
 * thousands of sim containers cost no open files.
 */
export class LogFileWriter {
  readonly path: string
  #clock: Clock
  #partial: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] }
  #partialBytes: Record<LogStream, number> = { stdout: 0, stderr: 0 }
  #queue: string[] = []
  #queuedBytes = 0
  #flushing: Promise<void> | undefined
  #dirReady = false
  #closed = false
  #error: unknown

  constructor(path: string, options: LogFileWriterOptions = {}) {
    this.path = path
    this.#clock = options.clock ?? realClock
  }

  /**
   * Raw output from the container: split into lines; an unfinished line waits
   * for the rest. Returns false when more than 1 MiB waits for the disk: the
   * caller should pause its source until flushed() resolves.
   */
  write(stream: LogStream, data: string | Uint8Array): boolean {
    if (this.#closed) return true
    let buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    for (;;) {
      const nl = buf.indexOf(10)
      if (nl < 0) break
      this.#append(stream, buf.subarray(0, nl), true)
      buf = buf.subarray(nl + 1)
    }
    if (buf.length) this.#append(stream, buf, false)
    return this.#queuedBytes < highWaterMark
  }

  /** One whole line (no newline inside expected). */
  writeLine(stream: LogStream, text: string): void {
    this.write(stream, `${text}\n`)
  }

  #append(stream: LogStream, piece: Buffer, ends: boolean): void {
    const parts = this.#partial[stream]
    if (piece.length) {
      parts.push(Buffer.from(piece)) // the caller may reuse its buffer
      this.#partialBytes[stream] += piece.length
    }
    while (this.#partialBytes[stream] > maxLineBytes) {
      const all = Buffer.concat(parts)
      this.#record(stream, 'P', all.subarray(0, maxLineBytes))
      parts.length = 0
      parts.push(all.subarray(maxLineBytes))
      this.#partialBytes[stream] = all.length - maxLineBytes
    }
    if (ends) {
      let line = Buffer.concat(parts)
      if (line.length && line[line.length - 1] === 13) line = line.subarray(0, -1) // \r\n, as bufio.ReadLine
      this.#record(stream, 'F', line)
      parts.length = 0
      this.#partialBytes[stream] = 0
    }
  }

  #record(stream: LogStream, tag: 'F' | 'P', content: Buffer): void {
    const record = `${timestampOf(this.#clock)} ${stream} ${tag} ${content.toString('utf8')}\n`
    this.#queue.push(record)
    this.#queuedBytes += record.length
    this.#flushing ??= this.#flush()
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length) {
        const data = this.#queue.join('')
        this.#queue.length = 0
        this.#queuedBytes = 0
        if (!this.#dirReady) {
          await mkdir(dirname(this.path), { recursive: true })
          this.#dirReady = true
        }
        await appendFile(this.path, data)
      }
    } catch (err) {
      // A vanished pod dir (pod deleted) must not crash the kubelet; the first error is kept for flushed().
      this.#error ??= err
      this.#queue.length = 0
    } finally {
      this.#flushing = undefined
    }
  }

  /** Resolves when everything written so far is in the file; rejects with the first write error. */
  async flushed(): Promise<void> {
    while (this.#flushing) await this.#flushing
    if (this.#error) throw this.#error
  }

  /** Ends both streams: an unfinished line is written as P, as containerd does at EOF. Resolves once on disk. */
  async close(): Promise<void> {
    if (!this.#closed) {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (this.#partialBytes[stream]) this.#record(stream, 'P', Buffer.concat(this.#partial[stream]))
        this.#partial[stream] = []
        this.#partialBytes[stream] = 0
      }
      this.#closed = true
    }
    await this.flushed()
  }
}

export interface CriLogRecord {
  /** ms since the epoch */
  time: number
  /** The timestamp as written. */
  timestamp: string
  stream: LogStream
  partial: boolean
  content: Buffer
}

const criLine = /^(\S+) (stdout|stderr) ([FP])(?: |$)/

/** Parses an RFC3339 timestamp with any fraction (Date.parse keeps milliseconds only). */
function parseTimestamp(ts: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts)
  if (!m) return NaN
  const ms = m[2] ? Number(m[2].slice(0, 3).padEnd(3, '0')) : 0
  return Date.parse(`${m[1]}${m[3]}`) + ms
}

/** One line of the file (without its newline); undefined when it is not a CRI record. */
export function parseCriLine(line: Buffer): CriLogRecord | undefined {
  const head = criLine.exec(line.subarray(0, 64).toString('latin1'))
  if (!head) return undefined
  const time = parseTimestamp(head[1])
  if (Number.isNaN(time)) return undefined
  return {
    time,
    timestamp: head[1],
    stream: head[2] as LogStream,
    partial: head[3] === 'P',
    content: line.subarray(Math.min(line.length, head[0].length)),
  }
}

export interface ReadLogOptions {
  /** Only the last n lines (counted as the user sees them: a P… F run is one line). */
  tailLines?: number
  /** Only records at or after this time, ms since the epoch (sinceSeconds is now - s). */
  sinceTime?: number
  /** Stop after this many bytes of output. */
  limitBytes?: number
  /** Prefix each line with its RFC3339Nano timestamp, as kubectl logs --timestamps. */
  timestamps?: boolean
  /** @default 'all' */
  stream?: LogStream | 'all'
  /** Keep reading as the file grows. */
  follow?: boolean
  /** With follow: once this resolves (the container exited) the rest of the file is read and the iteration ends. */
  exited?: Promise<unknown>
  /** Ends a follow (and any read) early. */
  signal?: AbortSignal
  /** With follow: how often to look at the file when no change notification came. @default 250 */
  pollMs?: number
}

/** Splits complete lines off data; returns the lines and the unfinished rest. */
function splitLines(data: Buffer): [Buffer[], Buffer] {
  const lines: Buffer[] = []
  let start = 0
  for (;;) {
    const nl = data.indexOf(10, start)
    if (nl < 0) break
    lines.push(data.subarray(start, nl))
    start = nl + 1
  }
  return [lines, data.subarray(start)]
}

/** Index of the first record of the last n user-visible lines. */
function tailStart(records: CriLogRecord[], n: number): number {
  if (n <= 0) return records.length
  let lines = 0
  for (let i = records.length - 1; i >= 0; i--) {
    // A line ends at an F record, or at a trailing P with nothing after it.
    if (!records[i].partial || i === records.length - 1) {
      if (lines === n) return i + 1
      lines++
    }
  }
  return 0
}

/** Turns records into output chunks, keeping line and byte limits across calls. */
class LogFormatter {
  #opts: ReadLogOptions
  #remaining: number
  // After a P record the next piece of that stream continues the same line: no timestamp prefix.
  #midLine: Record<LogStream, boolean> = { stdout: false, stderr: false }

  constructor(opts: ReadLogOptions) {
    this.#opts = opts
    this.#remaining = opts.limitBytes !== undefined && opts.limitBytes >= 0 ? opts.limitBytes : Infinity
  }

  get done(): boolean {
    return this.#remaining <= 0
  }

  format(r: CriLogRecord): Buffer | undefined {
    const { stream = 'all', sinceTime, timestamps } = this.#opts
    if (this.done) return undefined
    if (stream !== 'all' && r.stream !== stream) return undefined
    if (sinceTime !== undefined && r.time < sinceTime) return undefined
    const parts: Buffer[] = []
    if (timestamps && !this.#midLine[r.stream]) parts.push(Buffer.from(`${normalizeTimestamp(r.timestamp)} `))
    parts.push(r.content)
    if (!r.partial) parts.push(Buffer.from('\n'))
    this.#midLine[r.stream] = r.partial
    let out = Buffer.concat(parts)
    if (out.length > this.#remaining) out = out.subarray(0, this.#remaining)
    this.#remaining -= out.length
    return out
  }
}

/** Any RFC3339 fraction to the fixed nine digits the kubelet prints. */
function normalizeTimestamp(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts)
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z` : ts
}

/**
 * Reads a container log as the kubelet's log endpoint serves it: the record
 * contents with their newlines, filtered and optionally followed. Yields
 * Buffers, one per record. A missing file reads as empty (a container that
 * has not written yet); with follow it is waited for.
 */
export async function* readLog(path: string, options: ReadLogOptions = {}): AsyncGenerator<Buffer> {
  const { signal, follow } = options
  const formatter = new LogFormatter(options)
  let data: Buffer
  try {
    data = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    data = Buffer.alloc(0)
  }
  let offset = data.length
  const [lines, rest] = splitLines(data)
  let pending = rest
  const records = lines.map(parseCriLine).filter((r): r is CriLogRecord => r !== undefined)
  const selected = options.stream && options.stream !== 'all' ? records.filter((r) => r.stream === options.stream) : records
  const first = options.tailLines !== undefined && options.tailLines >= 0 ? tailStart(selected, options.tailLines) : 0
  for (let i = first; i < selected.length; i++) {
    if (signal?.aborted) return
    const out = formatter.format(selected[i])
    if (out?.length) yield out
  }
  if (!follow || formatter.done) return

  let exited = false
  options.exited?.then(
    () => (exited = true),
    () => (exited = true),
  )
  let wake: (() => void) | undefined
  const poke = () => wake?.()
  let watcher: FSWatcher | undefined
  const startWatch = () => {
    if (watcher) return
    try {
      watcher = watch(path, { persistent: false }, poke)
      watcher.on('error', () => undefined)
    } catch {
      // Not there yet, or no inotify: polling covers it.
    }
  }
  startWatch()
  signal?.addEventListener('abort', poke, { once: true })
  options.exited?.then(poke, poke)
  try {
    for (;;) {
      if (signal?.aborted) return
      // Read whatever was appended; `exited` is sampled first so that a last write before the exit is not missed.
      const wasExited = exited
      const grown = await readFrom(path, offset)
      if (grown.length) {
        offset += grown.length
        const [more, tail] = splitLines(pending.length ? Buffer.concat([pending, grown]) : grown)
        pending = tail
        for (const line of more) {
          if (signal?.aborted) return
          const r = parseCriLine(line)
          const out = r && formatter.format(r)
          if (out?.length) yield out
          if (formatter.done) return
        }
        continue
      }
      if (wasExited) return
      startWatch()
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.pollMs ?? 250)
        function done() {
          clearTimeout(timer)
          wake = undefined
          resolve()
        }
        wake = done
      })
    }
  } finally {
    watcher?.close()
    signal?.removeEventListener('abort', poke)
  }
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw err
  }
  try {
    const { size } = await fh.stat()
    if (size <= offset) return Buffer.alloc(0)
    const buf = Buffer.alloc(size - offset)
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

/** The whole (non-follow) output as a string: tests and small callers. */
export async function readLogText(path: string, options: Omit<ReadLogOptions, 'follow'> = {}): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of readLog(path, options)) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}
