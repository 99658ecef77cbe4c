// The HTTP front of the apiserver: routing, body limits, the one error
// handler that turns every failure into a Status, and one log line per request
// (or, with a flow recorder listening, one flow line).
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { StatusError, failure } from '../status-error.ts'
import type { Registry } from '../registry/registry.ts'
import type { RestStore } from '../registry/rest-store.ts'
import { versionInfo } from '../version.ts'
import { parseResourcePath } from './request-path.ts'
import { handleResource } from './resource-handlers.ts'
import { logRequest } from './request-log.ts'
import { negotiate, wantsPretty } from './negotiation.ts'
import { sendBody } from './responses.ts'
import { aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts'
import { registerOpenApiRoutes } from './openapi.ts'
import type { WatchSettings } from './watch.ts'
import { registerPodProxyRoutes } from './pod-proxy.ts'
import { registerNodeProxyRoutes } from './node-proxy.ts'
import { handleUpgrade } from './connect-upgrade.ts'
import { FlowRecorder } from '../flow/flow-recorder.ts'
import { recordRequest } from '../flow/request-flow.ts'
import { registerDebugFlowRoute } from '../flow/debug-flow-route.ts'

/** Upstream's limit for request bodies. */
export const maxRequestBodyBytes = 3 * 1024 * 1024

export interface ServerDeps {
  registry: Registry
  rest: RestStore
  logger: Logger
  watch: WatchSettings
  /** Answers /readyz: false until bootstrap is done. */
  ready: () => boolean
  /** Records the flow of requests and watch events (/debug/flow). @default a recorder of its own */
  flow?: FlowRecorder
  /** The JSON request log; off when flow lines replace it (--log-format flow). @default true */
  requestLog?: boolean
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One line per request comes from our own onResponse hook.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: maxRequestBodyBytes,
    // Watches live for a long time; kubectl expects them to stay open.
    requestTimeout: 0,
    keepAliveTimeout: 75_000,
    return503OnClosing: false,
    routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: 1000 },
  })

  // Bodies are decoded by the handlers, which know the media types a verb accepts.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))

  const flow = deps.flow ?? new FlowRecorder()
  const requestLog = deps.requestLog ?? true
  const watch: WatchSettings = { ...deps.watch, flow, requestLog }
  if (requestLog) {
    app.addHook('onResponse', (request, reply, done) => {
      logRequest(request, reply.statusCode, reply.elapsedTime)
      done()
    })
  }
  // As the response leaves, not when it has finished: the watch events a write
  // causes leave a tick later, so its flow line comes first, as it happened.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (flow.active) recordRequest(flow, request, reply.statusCode, payload)
    done(null, payload)
  })

  app.setErrorHandler((err: unknown, request, reply) => {
    let status
    if (err instanceof StatusError) {
      status = err.status
      if (err.headers) reply.headers(err.headers)
    } else {
      const e = err as { statusCode?: number; code?: string; message?: string }
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') status = failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxRequestBodyBytes}`)
      else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) status = failure(e.statusCode, 'BadRequest', e.message ?? 'bad request')
      else {
        request.log.error({ err }, 'internal error')
        status = StatusError.internal(e.message ?? String(err)).status
      }
    }
    if (reply.sent || reply.raw.headersSent) return
    reply.code(status.code).header('content-type', 'application/json').send(JSON.stringify(status))
  })

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).header('content-type', 'application/json').send(JSON.stringify(StatusError.pathNotFound().status))
  })

  const sendJson = (reply: FastifyReply, request: FastifyRequest, body: unknown) => {
    const format = negotiate(request.headers.accept)
    return sendBody(reply, 200, body, undefined, format, wantsPretty(request.query as Record<string, unknown>))
  }

  app.get('/version', (request, reply) => sendJson(reply, request, versionInfo()))
  for (const path of ['/healthz', '/livez']) {
    app.get(path, (_request, reply) => reply.header('content-type', 'text/plain; charset=utf-8').send('ok'))
  }
  app.get('/readyz', (_request, reply) => {
    if (!deps.ready()) return reply.code(503).header('content-type', 'text/plain; charset=utf-8').send('[-]bootstrap failed: not finished\nreadyz check failed')
    return reply.header('content-type', 'text/plain; charset=utf-8').send('ok')
  })

  const discovery = (core: boolean) => (request: FastifyRequest, reply: FastifyReply) => {
    const format = negotiate(request.headers.accept, { discovery: true })
    if (format.type === 'discovery') {
      return reply.header('content-type', aggregatedContentType(format.version)).send(JSON.stringify(aggregatedDiscovery(deps.registry, core, format.version)))
    }
    return sendJson(reply, request, core ? apiVersions(request.headers.host ?? '127.0.0.1') : apiGroupList(deps.registry))
  }
  app.get('/api', discovery(true))
  app.get('/apis', discovery(false))

  registerOpenApiRoutes(app, deps.registry, versionInfo().gitVersion)
  registerDebugFlowRoute(app, flow)

  const api = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0]
    const path = parseResourcePath(pathname)
    if (!path) {
      // /apis/<group>: the group's APIGroup document.
      const m = /^\/apis\/([^/]+)\/?$/.exec(pathname)
      const doc = m && request.method === 'GET' ? apiGroup(deps.registry, m[1]) : undefined
      if (doc) return sendJson(reply, request, doc)
      throw StatusError.pathNotFound()
    }
    if (path.resource === undefined) {
      const doc = request.method === 'GET' ? apiResourceList(deps.registry, path.group, path.version) : undefined
      if (!doc) throw StatusError.pathNotFound()
      return sendJson(reply, request, doc)
    }
    return handleResource({ registry: deps.registry, rest: deps.rest, watch }, path, request, reply)
  }
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
  app.route({ method: [...methods], url: '/api/*', handler: api })
  app.route({ method: [...methods], url: '/apis/*', handler: api })
  // Served by the kubelet: logs and node proxy through fastify, exec/attach/portforward as upgrades.
  registerPodProxyRoutes(app, deps)
  registerNodeProxyRoutes(app, deps)
  app.server.on('upgrade', handleUpgrade(deps, deps.logger, flow))
  return app
}
