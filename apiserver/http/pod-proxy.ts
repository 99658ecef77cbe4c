// The pod subresources the kubelet serves: pods/log (a streamed GET), and
// pods/exec, pods/attach, pods/portforward (upgrades, joined to the kubelet
// by upgrade-proxy.ts). Here: validating the request as upstream does,
// picking the container, and building the kubelet URL.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { StatusError, failure } from '../status-error.ts'
import { fieldErrors, type FieldError } from '../validation/field-error.ts'
import { setRequestInfo } from './request-log.ts'
import { getPod, hostPort, kubeletLocation, resolveContainer, unclassified, type ProxyDeps } from './kubelet-location.ts'
import type { UpgradeTarget } from './upgrade-proxy.ts'

/** Error bodies from the kubelet are read up to this size. */
const maxErrorBody = 64 * 1024

/** Go's strconv.ParseBool, which the parameter codec uses. */
function parseBool(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  throw StatusError.badRequest(`invalid value for ${name}: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`)
}

function parseInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^-?\d+$/.test(value)) throw StatusError.badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`)
  return Number(value)
}

function last(q: URLSearchParams, name: string): string | undefined {
  const all = q.getAll(name)
  return all.length ? all[all.length - 1] : undefined
}

/** PodLogOptions from the query, validated as upstream (422 Invalid), as the kubelet's query string. */
export function kubeletLogQuery(q: URLSearchParams, podName: string): URLSearchParams {
  const follow = parseBool('follow', last(q, 'follow'))
  const previous = parseBool('previous', last(q, 'previous'))
  const timestamps = parseBool('timestamps', last(q, 'timestamps'))
  const tailLines = parseInteger('tailLines', last(q, 'tailLines'))
  const limitBytes = parseInteger('limitBytes', last(q, 'limitBytes'))
  const sinceSeconds = parseInteger('sinceSeconds', last(q, 'sinceSeconds'))
  const sinceTime = last(q, 'sinceTime')
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw StatusError.badRequest(`invalid value for sinceTime: parsing time ${JSON.stringify(sinceTime)} as RFC3339: cannot parse`)
  const errors: FieldError[] = []
  if (tailLines !== undefined && tailLines < 0) errors.push(fieldErrors.invalid('tailLines', tailLines, 'must be greater than or equal to 0'))
  if (limitBytes !== undefined && limitBytes < 1) errors.push(fieldErrors.invalid('limitBytes', limitBytes, 'must be greater than 0'))
  if (sinceSeconds !== undefined && sinceTime) errors.push(fieldErrors.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'))
  else if (sinceSeconds !== undefined && sinceSeconds < 1) errors.push(fieldErrors.invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'))
  if (errors.length) throw StatusError.invalid('', 'PodLogOptions', podName, errors)
  const out = new URLSearchParams()
  if (follow) out.set('follow', 'true')
  if (previous) out.set('previous', 'true')
  if (timestamps) out.set('timestamps', 'true')
  if (tailLines !== undefined) out.set('tailLines', String(tailLines))
  if (limitBytes !== undefined) out.set('limitBytes', String(limitBytes))
  if (sinceSeconds !== undefined) out.set('sinceSeconds', String(sinceSeconds))
  if (sinceTime) out.set('sinceTime', sinceTime)
  return out
}

/** A kubelet's error answer as the Status upstream's response checker makes of it. */
export function kubeletErrorStatus(code: number, body: string, podName: string): StatusError {
  const text = body.trim()
  if (code === 400) return StatusError.badRequest(text)
  if (code === 500) return StatusError.internal(text)
  if (code === 404) return new StatusError(failure(404, 'NotFound', text || 'the server could not find the requested resource', { name: podName, kind: 'pods/log' }))
  return unclassified(code, text || `the server responded with the status code ${code} but did not return more information`)
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = []
    let size = 0
    res.on('data', (chunk: Buffer) => {
      if (size < maxErrorBody) parts.push(chunk)
      size += chunk.length
    })
    res.on('end', () => resolve(Buffer.concat(parts).toString('utf8').slice(0, maxErrorBody)))
    res.on('error', () => resolve(Buffer.concat(parts).toString('utf8')))
  })
}

async function serveLog(deps: ProxyDeps, request: FastifyRequest, reply: FastifyReply) {
  const { namespace, name } = request.params as { namespace: string; name: string }
  setRequestInfo(request, { verb: 'get', resource: 'pods', subresource: 'log', namespace, name })
  const q = new URL(request.url, 'http://apiserver').searchParams
  const pod = getPod(deps, namespace, name)
  const query = kubeletLogQuery(q, name)
  const container = resolveContainer(pod, last(q, 'container'))
  const nodeName = pod.spec?.nodeName
  // Upstream: a pod with no node yet has no logs, and that is not an error.
  if (!nodeName) return reply.code(200).header('content-type', 'text/plain').send('')
  const kubelet = kubeletLocation(deps, nodeName)
  const path = `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}${query.size ? `?${query}` : ''}`
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: kubelet.host, port: kubelet.port, path, method: 'GET' }, resolve)
    req.on('error', (err) => reject(unclassified(500, `Get "http://${hostPort(kubelet)}${path}": ${err.message}`)))
    req.end()
    // A client that leaves before the kubelet answers takes the kubelet request with it.
    reply.raw.once('close', () => req.destroy())
  })
  const code = res.statusCode ?? 500
  if (code < 200 || code > 206) throw kubeletErrorStatus(code, await readBody(res), name)
  return reply.code(200).header('content-type', 'text/plain').send(res)
}

export function registerPodProxyRoutes(app: FastifyInstance, deps: ProxyDeps): void {
  app.get('/api/v1/namespaces/:namespace/pods/:name/log', (request, reply) => serveLog(deps, request, reply))
  // Without an upgrade these cannot be served; the upgrade path is in connect-upgrade.ts.
  for (const sub of ['exec', 'attach', 'portforward']) {
    app.route({
      method: ['GET', 'POST'],
      url: `/api/v1/namespaces/:namespace/pods/:name/${sub}`,
      handler: (request) => {
        const { namespace, name } = request.params as { namespace: string; name: string }
        setRequestInfo(request, { verb: request.method === 'GET' ? 'get' : 'create', resource: 'pods', subresource: sub, namespace, name })
        getPod(deps, namespace, name)
        throw StatusError.badRequest('Upgrade request required')
      },
    })
  }
}

export type PodConnect = 'exec' | 'attach' | 'portforward'

/** Where an exec/attach/portforward upgrade goes on the kubelet; throws the Status to answer instead. */
export function podConnectTarget(deps: ProxyDeps, kind: PodConnect, namespace: string, name: string, q: URLSearchParams): UpgradeTarget {
  const pod = getPod(deps, namespace, name)
  const nodeName = pod.spec?.nodeName
  if (kind === 'portforward') {
    if (!nodeName) throw StatusError.badRequest(`pod ${name} does not have a host assigned`)
    const query = q.size ? `?${q}` : ''
    return { kubelet: kubeletLocation(deps, nodeName), path: `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}${query}` }
  }
  const container = resolveContainer(pod, last(q, 'container'))
  if (!nodeName) throw StatusError.badRequest(`pod ${name} does not have a host assigned`)
  const out = new URLSearchParams()
  if (kind === 'exec') for (const c of q.getAll('command')) out.append('command', c)
  for (const flag of ['stdin', 'stdout', 'stderr', 'tty']) {
    if (parseBool(flag, last(q, flag))) out.set(flag, '1')
  }
  const path = `/${kind}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${out}`
  return { kubelet: kubeletLocation(deps, nodeName), path }
}
