// Streams a container's CRI log file as `kubectl logs` shows it: the text of
// each entry (partial entries joined), optionally prefixed with timestamps,
// from the last N lines or a point in time, up to a byte limit, and with
// `follow` on until the container ends or the reader goes away.
import { open, type FileHandle } from 'node:fs/promises'
import { watch, type FSWatcher } from 'node:fs'
import type { Writable } from 'node:stream'
import { formatLogTimestamp, parseCriLine } from './cri-log.ts'
import type { ContainerLog } from './types.ts'

export interface LogReadOptions {
  follow: boolean
  /** Only the last N entries; undefined for all. */
  tailLines?: number
  /** Prefix each line with its RFC3339Nano timestamp. */
  timestamps: boolean
  /** Skip entries written before this time (ms since the epoch). */
  sinceMs?: number
  /** Stop after this many bytes of output. */
  limitBytes?: number
}

const readChunk = 64 * 1024
/** How often `follow` looks at the file when no change notice came. */
const followPollMs = 500

/** Where the last `lines` lines of the file start. */
export async function tailOffset(file: FileHandle, size: number, lines: number): Promise<number> {
  if (lines <= 0) return size
  let end = size
  // The file's last newline ends the last line; it does not start one.
  let newlines = 0
  let skipTrailing = true
  const buf = Buffer.alloc(readChunk)
  while (end > 0) {
    const start = Math.max(0, end - readChunk)
    const { bytesRead } = await file.read(buf, 0, end - start, start)
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) {
        skipTrailing = false
        continue
      }
      if (skipTrailing) {
        skipTrailing = false
        continue
      }
      newlines++
      if (newlines === lines) return start + i + 1
    }
    end = start
  }
  return 0
}

/** Writes one chunk, waiting while the destination is full; false once the destination is gone. */
async function put(out: Writable, chunk: Buffer | string): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return false
  if (out.write(chunk)) return true
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      out.off('drain', onDrain)
      out.off('close', onClose)
      resolve(ok)
    }
    const onDrain = () => done(true)
    const onClose = () => done(false)
    out.on('drain', onDrain)
    out.on('close', onClose)
  })
}

/**
 * Copies the log to `out` (not ended here). Resolves when done: at the end of
 * the file, or with `follow` once the container has ended and everything it
 * wrote was sent, or when `signal` aborts or `out` closes.
 * A missing file reads as empty.
 */
export async function readContainerLog(log: ContainerLog, options: LogReadOptions, out: Writable, signal: AbortSignal): Promise<void> {
  let ended = false
  let wake: (() => void) | undefined
  const onEnded = () => {
    ended = true
    wake?.()
  }
  log.ended.then(onEnded, onEnded)
  let file: FileHandle
  try {
    file = await open(log.path, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  let watcher: FSWatcher | undefined
  const onAbort = () => wake?.()
  signal.addEventListener('abort', onAbort)
  out.on('close', onAbort)
  try {
    const { size } = await file.stat()
    let position = options.tailLines === undefined ? 0 : await tailOffset(file, size, options.tailLines)
    let left = options.limitBytes ?? Infinity
    let carry = Buffer.alloc(0)
    // A partial entry's timestamp is printed once, before the first piece of its line.
    let atLineStart = true
    const buf = Buffer.alloc(readChunk)

    /** Sends what the file holds past `position`; false once the reader should stop. */
    const drain = async (): Promise<boolean> => {
      for (;;) {
        const { bytesRead } = await file.read(buf, 0, buf.length, position)
        if (bytesRead === 0) return true
        position += bytesRead
        const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead))
        let start = 0
        const pieces: Buffer[] = []
        for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
          const entry = parseCriLine(data.subarray(start, nl))
          start = nl + 1
          if (!entry) continue
          if (options.sinceMs !== undefined && entry.time < options.sinceMs) continue
          if (options.timestamps && atLineStart) pieces.push(Buffer.from(`${formatLogTimestamp(entry.timestamp)} `))
          pieces.push(entry.text)
          if (!entry.partial) pieces.push(Buffer.from('\n'))
          atLineStart = !entry.partial
        }
        carry = Buffer.from(data.subarray(start))
        let chunk = Buffer.concat(pieces)
        if (chunk.length >= left) chunk = chunk.subarray(0, left)
        left -= chunk.length
        if (chunk.length > 0 && !(await put(out, chunk))) return false
        if (left <= 0 || signal.aborted) return false
      }
    }

    if (!(await drain()) || !options.follow) return
    watcher = watch(log.path, () => wake?.())
    watcher.on('error', () => {})
    while (!signal.aborted && !out.destroyed) {
      if (ended) {
        // The container is gone: whatever it wrote last is already in the file.
        await drain()
        return
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), followPollMs)
        const done = () => {
          clearTimeout(timer)
          wake = undefined
          resolve()
        }
        wake = done
      })
      if (!(await drain())) return
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    out.off('close', onAbort)
    watcher?.close()
    await file.close()
  }
}
