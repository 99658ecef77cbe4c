// One log line per request: who asked for what, and how it went. Watches are
// logged when they end, with how long they lasted. With --log-format flow the
// flow lines (../flow/) take this log's place.
import type { FastifyRequest } from 'fastify'

/** What the request log prints for API requests; set by the resource handler. */
export interface RequestInfo {
  verb: string
  resource: string
  subresource?: string
  namespace?: string
  name?: string
}

export function setRequestInfo(request: FastifyRequest, info: RequestInfo): void {
  ;(request as { apiInfo?: RequestInfo }).apiInfo = info
}

/** What the resource handler said the request addresses; undefined for non-API paths. */
export function requestInfoOf(request: FastifyRequest): RequestInfo | undefined {
  return (request as { apiInfo?: RequestInfo }).apiInfo
}

export function logRequest(request: FastifyRequest, code: number, latencyMs: number): void {
  // Skip building the line when info is off (benchmarks, --log-level warn).
  if (!(request.log as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled('info')) return
  const info = requestInfoOf(request)
  request.log.info(
    {
      verb: info?.verb ?? request.method,
      resource: info ? (info.subresource ? `${info.resource}/${info.subresource}` : info.resource) : undefined,
      namespace: info?.namespace,
      name: info?.name,
      path: info ? undefined : request.url,
      code,
      latencyMs: Math.round(latencyMs * 100) / 100,
      userAgent: request.headers['user-agent'],
    },
    'request',
  )
}
