// Reads a watch (`?watch=true`) over fetch: the chunked body is split into
// lines, one JSON event per line, as the real apiserver writes them.
import type { Json } from './api-client.ts'

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: Json
}

export interface WatchStream {
  /** HTTP status of the watch request. */
  readonly status: number
  readonly headers: Headers
  /** Every event received so far, in order. */
  readonly events: WatchEvent[]
  /** True once the server has ended the stream. */
  readonly ended: boolean
  /** The next event not yet returned by next(); fails if none arrives in `ms` or the stream ends first. */
  next(ms?: number): Promise<WatchEvent>
  /** The next `count` events. */
  take(count: number, ms?: number): Promise<WatchEvent[]>
  /** Skips events until one satisfies `match`, and returns it. */
  until(what: string, match: (event: WatchEvent) => boolean, ms?: number): Promise<WatchEvent>
  /** Resolves when the server ends the stream; fails after `ms`. */
  waitForEnd(ms?: number): Promise<void>
  close(): void
}

/**
 * Opens a watch. A non-200 answer is returned too (with no events), so tests
 * can assert on it; read its body with `errorBody`.
 */
export async function openWatch(url: string | URL, options: { accept?: string } = {}): Promise<WatchStream & { errorBody?: Json }> {
  const controller = new AbortController()
  const res = await fetch(url, { signal: controller.signal, headers: { accept: options.accept ?? 'application/json', 'user-agent': 'kubeling-e2e' } })
  const events: WatchEvent[] = []
  let cursor = 0
  let ended = false
  let failure: unknown
  let wake: () => void = () => {}
  let changed = new Promise<void>((resolve) => (wake = resolve))
  const notify = () => {
    const w = wake
    changed = new Promise<void>((resolve) => (wake = resolve))
    w()
  }

  if (res.status !== 200) {
    const text = await res.text()
    let errorBody: Json
    try {
      errorBody = JSON.parse(text)
    } catch {
      errorBody = text
    }
    ended = true
    const fail = async (): Promise<never> => {
      throw new Error(`watch ${url} answered ${res.status}: ${text}`)
    }
    return {
      status: res.status,
      headers: res.headers,
      events,
      ended,
      errorBody,
      next: fail,
      take: fail,
      until: fail,
      waitForEnd: async () => {},
      close: () => controller.abort(),
    }
  }

  void (async () => {
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    const push = (line: string) => {
      if (line.trim() === '') return
      events.push(JSON.parse(line) as WatchEvent)
    }
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        let newline: number
        while ((newline = buffer.indexOf('\n')) >= 0) {
          push(buffer.slice(0, newline))
          buffer = buffer.slice(newline + 1)
        }
        notify()
      }
      push(buffer + decoder.decode())
    } catch (err) {
      if (!controller.signal.aborted) failure = err
    } finally {
      ended = true
      notify()
    }
  })()

  const describe = () => `received so far: ${JSON.stringify(events.map((e) => `${e.type} ${e.object?.metadata?.name ?? ''}@${e.object?.metadata?.resourceVersion ?? ''}`))}`

  const next = async (ms = 15_000): Promise<WatchEvent> => {
    const deadline = Date.now() + ms
    for (;;) {
      if (cursor < events.length) return events[cursor++]
      if (failure) throw new Error(`watch ${url} failed: ${failure}; ${describe()}`)
      if (ended) throw new Error(`watch ${url} ended before the next event; ${describe()}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out after ${ms}ms waiting for a watch event on ${url}; ${describe()}`)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([changed, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))])
      clearTimeout(timer)
    }
  }

  return {
    status: res.status,
    headers: res.headers,
    events,
    get ended() {
      return ended
    },
    next,
    async take(count, ms = 15_000) {
      const out: WatchEvent[] = []
      for (let i = 0; i < count; i++) out.push(await next(ms))
      return out
    },
    async until(what, match, ms = 15_000) {
      const deadline = Date.now() + ms
      for (;;) {
        const event = await next(Math.max(1, deadline - Date.now())).catch((err: Error) => {
          throw new Error(`waiting for ${what}: ${err.message}`)
        })
        if (match(event)) return event
      }
    },
    async waitForEnd(ms = 15_000) {
      const deadline = Date.now() + ms
      while (!ended) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`timed out after ${ms}ms waiting for the server to end watch ${url}; ${describe()}`)
        let timer: NodeJS.Timeout | undefined
        await Promise.race([changed, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))])
        clearTimeout(timer)
      }
      if (failure) throw new Error(`watch ${url} failed: ${failure}; ${describe()}`)
    },
    close: () => controller.abort(),
  }
}
