// GET /containerLogs: the query as upstream's kubelet reads it, which log
// (current or previous attempt) answers it, and the kubelet's 400 messages
// when there is none.
import type { ServerResponse } from 'node:http'
import { HttpError } from './http-error.ts'
import { readContainerLog, type LogReadOptions } from './log-reader.ts'
import type { ContainerLog, StreamingContainer } from './types.ts'

/** Query booleans: the apiserver sends `1`, kubectl-style clients `true`. */
export function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name)
  return v === '1' || v === 'true'
}

function integer(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  if (!/^-?\d+$/.test(v)) throw new HttpError(400, `invalid ${name} "${v}": must be an integer`)
  const n = Number(v)
  if (n < min) throw new HttpError(400, `invalid ${name} ${n}: must be greater than or equal to ${min}`)
  return n
}

export function parseLogOptions(q: URLSearchParams, now = Date.now()): LogReadOptions & { previous: boolean } {
  const sinceSeconds = integer(q, 'sinceSeconds', 1)
  const sinceTime = q.get('sinceTime')
  let sinceMs: number | undefined
  if (sinceSeconds !== undefined && sinceTime) throw new HttpError(400, 'at most one of sinceTime or sinceSeconds may be specified')
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000
  if (sinceTime) {
    sinceMs = Date.parse(sinceTime)
    if (Number.isNaN(sinceMs)) throw new HttpError(400, `invalid sinceTime "${sinceTime}": must be RFC3339`)
  }
  return {
    follow: flag(q, 'follow'),
    previous: flag(q, 'previous'),
    timestamps: flag(q, 'timestamps'),
    tailLines: integer(q, 'tailLines', 0),
    limitBytes: integer(q, 'limitBytes', 1),
    sinceMs,
  }
}

/** Which log `kubectl logs` reads, with the kubelet's messages when there is none. */
export function chooseLog(container: StreamingContainer, name: string, pod: string, previous: boolean): ContainerLog {
  if (previous) {
    if (!container.previousLog) throw new HttpError(400, `previous terminated container "${name}" in pod "${pod}" not found`)
    return container.previousLog
  }
  const state = container.state
  if (state.state === 'running') return state.log
  if (state.state === 'terminated') {
    const log = state.log ?? container.previousLog
    if (!log) throw new HttpError(400, `container "${name}" in pod "${pod}" is terminated`)
    return log
  }
  if (container.previousLog) return container.previousLog
  if (state.reason === 'ErrImagePull') throw new HttpError(400, `container "${name}" in pod "${pod}" is waiting to start: image can't be pulled`)
  if (state.reason === 'ImagePullBackOff') throw new HttpError(400, `container "${name}" in pod "${pod}" is waiting to start: trying and failing to pull image`)
  throw new HttpError(400, `container "${name}" in pod "${pod}" is waiting to start: ${state.reason}`)
}

/** GET /containerLogs/<ns>/<pod>/<container>: streams the chosen log as text/plain. */
export async function serveContainerLogs(container: StreamingContainer, name: string, pod: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
  const opts = parseLogOptions(query)
  const source = chooseLog(container, name, pod, opts.previous)
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache' })
  // kubectl shows lines as they come: send headers now, not with the first line.
  res.flushHeaders()
  // The response closes when the client goes (or once it is complete): either way, stop reading.
  const abort = new AbortController()
  res.on('close', () => abort.abort())
  try {
    await readContainerLog(source, opts, res, abort.signal)
  } finally {
    res.end()
  }
}
