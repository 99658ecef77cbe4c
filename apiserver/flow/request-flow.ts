// Flow lines for the apiserver's side of a request: who sent it, what it
// addressed, what the write said and how it ended. Called as the response
// leaves (onSend), so a write's line comes before the watch events it causes,
// which reach their watchers a tick later.
import type { FastifyRequest } from 'fastify'
import { clientName, failureReason, requestLine, requestTarget, responseVersion, writeSummary, type ApiTarget } from '../../shared/flow/flow-line.ts'
import { mediaType } from '../http/request-body.ts'
import { requestInfoOf } from '../http/request-log.ts'
import type { FlowRecorder } from './flow-recorder.ts'

/** Health probes and the flow stream itself would drown the picture. */
const quietPaths = new Set(['/healthz', '/livez', '/readyz', '/metrics', '/debug/flow'])

/** Bodies larger than this are not parsed for a summary. */
const maxParsedBytes = 1024 * 1024

export function isQuietPath(url: string): boolean {
  const q = url.indexOf('?')
  return quietPaths.has(q < 0 ? url : url.slice(0, q))
}

/** The name a flow line gives the sender of `request`. */
export function requesterName(request: FastifyRequest): string {
  return clientName(request.headers['user-agent'], request.socket?.remoteAddress ?? 'unknown')
}

/** Records one finished request; `payload` is the response body as sent, when it is at hand. */
export function recordRequest(flow: FlowRecorder, request: FastifyRequest, code: number, payload: unknown, note?: string): void {
  if (isQuietPath(request.url)) return
  const info = requestInfoOf(request)
  const target: ApiTarget = info ? { resource: info.resource, namespace: info.namespace, name: info.name, subresource: info.subresource } : {}
  const method = request.method
  // Writes and failures are read for their outcome; a read's body says nothing new.
  const response = method !== 'GET' || code >= 400 ? parseJson(payload) : undefined
  const requestBody = target.subresource === 'binding' ? parseRequestBody(request) : undefined
  const meta = response !== null && typeof response === 'object' ? (response as { metadata?: { name?: unknown; namespace?: unknown } }).metadata : undefined
  const name = target.name ?? (method === 'POST' && typeof meta?.name === 'string' ? meta.name : undefined)
  const text = requestLine({
    from: requesterName(request),
    method,
    target: requestTarget(method, request.url),
    detail: code < 400 ? writeSummary(method, target, requestBody, response) : undefined,
    code,
    reason: code >= 400 ? failureReason(response) : undefined,
    rv: code < 400 && method !== 'GET' ? responseVersion(response) : undefined,
    note,
  })
  flow.record(text, target.namespace, name)
}

function parseJson(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length > maxParsedBytes || payload[0] !== '{') return undefined
  try {
    return JSON.parse(payload)
  } catch {
    return undefined
  }
}

function parseRequestBody(request: FastifyRequest): unknown {
  const body = request.body
  if (!Buffer.isBuffer(body) || body.length > maxParsedBytes) return undefined
  const type = mediaType(request.headers['content-type'])
  if (type !== '' && type !== 'application/json') return undefined
  return parseJson(body.toString('utf8'))
}
