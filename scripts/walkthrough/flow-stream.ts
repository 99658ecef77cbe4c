// A subscriber to the apiserver's /debug/flow stream: one readable line per
// API request and per watch event delivered, collected while a command runs.
// The stream is plain text (one line per event) or server-sent events
// (`data: <line>`); both are read here.

export interface FlowSubscription {
  /** The lines received so far. */
  readonly lines: readonly string[]
  /** Resolves with the first line (already received or to come) matching pattern. */
  waitForLine(pattern: RegExp, ms?: number): Promise<string>
  /** Resolves once no line has arrived for quietMs (or after maxMs in all). */
  settle(quietMs: number, maxMs?: number): Promise<void>
  close(): void
}

/** Thrown when the apiserver does not serve /debug/flow, so the walkthrough cannot show the flow. */
export class FlowUnavailableError extends Error {}

export async function subscribeFlow(serverUrl: string, query: Record<string, string>): Promise<FlowSubscription> {
  const url = `${serverUrl}/debug/flow?${new URLSearchParams(query)}`
  const abort = new AbortController()
  let response: Response
  try {
    response = await fetch(url, { signal: abort.signal, headers: { accept: 'text/plain, text/event-stream' } })
  } catch (err) {
    throw new FlowUnavailableError(`cannot reach ${url}: ${(err as Error).message}`)
  }
  if (!response.ok || !response.body) {
    abort.abort()
    throw new FlowUnavailableError(`GET ${url} answered ${response.status}: the apiserver does not serve the flow stream`)
  }

  const lines: string[] = []
  const listeners = new Set<() => void>()
  let lastLineAt = Date.now()
  let ended = false
  const take = (raw: string) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    // Server-sent events: keep the data, drop comments, event names and blank separators.
    if (line.startsWith('data:')) lines.push(line.slice(5).replace(/^ /, ''))
    else if (line === '' || line.startsWith(':') || /^(event|id|retry):/.test(line)) return
    else lines.push(line)
    lastLineAt = Date.now()
    listeners.forEach((l) => l())
  }
  void (async () => {
    const decoder = new TextDecoder()
    let buffered = ''
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true })
        let nl: number
        while ((nl = buffered.indexOf('\n')) >= 0) {
          take(buffered.slice(0, nl))
          buffered = buffered.slice(nl + 1)
        }
      }
    } catch {
      // aborted by close(), or the server went away
    } finally {
      ended = true
      listeners.forEach((l) => l())
    }
  })()

  return {
    lines,
    waitForLine: (pattern, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => pattern.test(l))
          if (found !== undefined) finish(undefined, found)
          else if (ended) finish(new Error(`the flow stream ended before a line matching ${pattern}; it had:\n${lines.join('\n')}`))
        }
        const finish = (err?: Error, line?: string) => {
          clearTimeout(timer)
          listeners.delete(check)
          if (err) reject(err)
          else resolve(line!)
        }
        const timer = setTimeout(() => finish(new Error(`no flow line matching ${pattern} within ${ms} ms; the stream had:\n${lines.join('\n')}`)), ms)
        listeners.add(check)
        check()
      }),
    settle: async (quietMs, maxMs = 5_000) => {
      const end = Date.now() + maxMs
      while (!ended && Date.now() < end && Date.now() - lastLineAt < quietMs) await new Promise((r) => setTimeout(r, 50))
    },
    close: () => abort.abort(),
  }
}
