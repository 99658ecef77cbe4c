// nodes/<name>/proxy/<path>: any request passed to the node's kubelet as is
// (`kubectl get --raw /api/v1/nodes/n1/proxy/pods`), the answer streamed back.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { setRequestInfo } from './request-log.ts'
import { hostPort, kubeletLocation, unclassified, type ProxyDeps } from './kubelet-location.ts'

/** Connection-level headers a proxy must not forward (RFC 9110 §7.6.1). */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length'])

const verbs: Record<string, string> = { GET: 'get', HEAD: 'get', OPTIONS: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }

/** The kubelet path for the request URL /api/v1/nodes/<name>/proxy[/<rest>][?query]: /<rest>[?query]. */
export function nodeProxyPath(url: string): string {
  const q = url.indexOf('?')
  const pathname = (q < 0 ? url : url.slice(0, q)).replace(/\/{2,}/g, '/')
  const rest = pathname.split('/').slice(6).join('/')
  return `/${rest}${q < 0 ? '' : url.slice(q)}`
}

async function proxy(deps: ProxyDeps, request: FastifyRequest, reply: FastifyReply) {
  const { name } = request.params as { name: string }
  setRequestInfo(request, { verb: verbs[request.method] ?? request.method.toLowerCase(), resource: 'nodes', subresource: 'proxy', name })
  const kubelet = kubeletLocation(deps, name)
  const path = nodeProxyPath(request.url)
  const headers: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(request.headers)) {
    if (v !== undefined && !hopByHop.has(k)) headers[k] = v
  }
  const body = Buffer.isBuffer(request.body) ? request.body : undefined
  if (body) headers['content-length'] = String(body.length)
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: kubelet.host, port: kubelet.port, path, method: request.method, headers }, resolve)
    req.on('error', (err) => reject(unclassified(503, `error trying to reach service: dial tcp ${hostPort(kubelet)}: ${err.message}`)))
    req.end(body)
    reply.raw.once('close', () => req.destroy())
  })
  reply.code(res.statusCode ?? 502)
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined && !hopByHop.has(k)) reply.header(k, v)
  }
  return reply.send(res)
}

export function registerNodeProxyRoutes(app: FastifyInstance, deps: ProxyDeps): void {
  const method = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']
  app.route({ method, url: '/api/v1/nodes/:name/proxy', handler: (request, reply) => proxy(deps, request, reply) })
  app.route({ method, url: '/api/v1/nodes/:name/proxy/*', handler: (request, reply) => proxy(deps, request, reply) })
}
