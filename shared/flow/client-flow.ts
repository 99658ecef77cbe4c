// A component's own side of the flow (--log-format flow): each request its
// client makes and each watch event it receives, as flow lines. Off unless a
// process turns it on (shared/logger.ts does, for --log-format flow); the
// transport asks once, when it is made, so the normal path only checks for
// undefined.
import { apiTarget, clientName, failureReason, flowTime, requestLine, requestTarget, responseVersion, watchLine, writeSummary } from './flow-line.ts'

export interface ClientFlow {
  /** This process, as the apiserver names it (`scheduler`, `kubelet(node-1)`). */
  readonly self: string
  /**
   * One request: its method, URL path with query, and outcome: an HTTP status
   * (with the parsed body, when read) or a connection error's code.
   */
  request(method: string, path: string, code: number | string, requestBody?: unknown, response?: unknown, note?: string): void
  /** One watch event received; bookmarks are left out. */
  watchEvent(type: string, object: unknown, fallbackKind: string): void
}

let output: ((line: string) => void) | undefined

/** Turns the process's client flow on (a line printer) or off (undefined). */
export function printClientFlow(print: ((line: string) => void) | undefined): void {
  output = print
}

/** The flow of clients with this User-Agent, or undefined while the process prints none. */
export function clientFlowFor(userAgent: string): ClientFlow | undefined {
  const print = output
  if (print === undefined) return undefined
  const self = clientName(userAgent)
  const emit = (text: string) => print(`${flowTime(Date.now())} ${text}`)
  return {
    self,
    request(method, path, code, requestBody, response, note) {
      const failed = typeof code === 'string' || code >= 400
      emit(requestLine({
        from: self,
        method,
        target: requestTarget(method, path),
        detail: failed ? undefined : writeSummary(method, apiTarget(path), requestBody, response),
        code,
        reason: failed ? failureReason(response) : undefined,
        rv: failed || method === 'GET' ? undefined : responseVersion(response),
        note,
      }))
    },
    watchEvent(type, object, fallbackKind) {
      if (type === 'BOOKMARK' || type === 'ERROR') return
      const o = (object ?? {}) as { kind?: unknown; metadata?: { namespace?: string; name?: string; resourceVersion?: string } }
      const kind = typeof o.kind === 'string' ? o.kind.toLowerCase() : fallbackKind
      emit(watchLine({ to: self, type, kind, namespace: o.metadata?.namespace, name: o.metadata?.name ?? '', rv: o.metadata?.resourceVersion }))
    },
  }
}
