// Splits a watch response body into WatchEvents. The apiserver writes one JSON
// object per line, but the transport cuts chunks anywhere (mid-line, mid UTF-8
// character), so bytes are decoded in streaming mode and lines are only
// parsed once their newline has arrived.
import type { KubeObject, Status, WatchEvent } from '../api-types.ts'
import { ClientStatusError } from './status-error.ts'

export async function* parseWatchStream<T = KubeObject>(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<WatchEvent<T>> {
  const decoder = new TextDecoder()
  let pending = ''
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    let newline: number
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline)
      pending = pending.slice(newline + 1)
      const event = parseLine<T>(line)
      if (event) yield event
    }
  }
  pending += decoder.decode()
  const last = parseLine<T>(pending)
  if (last) yield last
}

function parseLine<T>(line: string): WatchEvent<T> | undefined {
  const text = line.trim()
  if (!text) return undefined
  let event: WatchEvent<T>
  try {
    event = JSON.parse(text) as WatchEvent<T>
  } catch (err) {
    throw new Error(`malformed watch event: ${text.slice(0, 200)}`, { cause: err })
  }
  if (!event || typeof event.type !== 'string') throw new Error(`malformed watch event: ${text.slice(0, 200)}`)
  return event
}

/** The error an ERROR event carries, e.g. 410 Expired when the resourceVersion is too old. */
export function watchEventError(event: WatchEvent<unknown>): ClientStatusError {
  const status = event.object as Partial<Status>
  return new ClientStatusError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError',
    ...status,
  } as Status)
}
