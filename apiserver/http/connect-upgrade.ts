// Upgrade requests (WebSocket, SPDY) never reach fastify's routes: Node hands
// them to the server's 'upgrade' event. This routes them: pods/exec,
// pods/attach, pods/portforward and nodes/<n>/proxy go to the kubelet,
// anything else gets a 404 Status.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { StatusError } from '../status-error.ts'
import { kubeletLocation, type ProxyDeps } from './kubelet-location.ts'
import { nodeProxyPath } from './node-proxy.ts'
import { podConnectTarget, type PodConnect } from './pod-proxy.ts'
import { proxyUpgrade, writeStatus, type UpgradeTarget } from './upgrade-proxy.ts'
import type { FlowRecorder } from '../flow/flow-recorder.ts'
import { clientName, requestLine } from '../../shared/flow/flow-line.ts'

const podConnectPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/
const nodeProxyPathPattern = /^\/api\/v1\/nodes\/([^/]+)\/proxy(?:\/.*)?$/

function target(deps: ProxyDeps, req: IncomingMessage): { target: UpgradeTarget; info: Record<string, string> } {
  const url = new URL(req.url ?? '/', 'http://apiserver')
  const pathname = url.pathname.replace(/\/{2,}/g, '/')
  let m = podConnectPath.exec(pathname)
  if (m) {
    if (req.method !== 'GET' && req.method !== 'POST') throw StatusError.methodNotAllowed()
    const [namespace, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])]
    const kind = m[3] as PodConnect
    return { target: podConnectTarget(deps, kind, namespace, name, url.searchParams), info: { resource: `pods/${kind}`, namespace, name } }
  }
  m = nodeProxyPathPattern.exec(pathname)
  if (m) {
    const name = decodeURIComponent(m[1])
    return { target: { kubelet: kubeletLocation(deps, name), path: nodeProxyPath(req.url ?? '/') }, info: { resource: 'nodes/proxy', name } }
  }
  throw StatusError.pathNotFound()
}

export function handleUpgrade(deps: ProxyDeps, logger: Logger, flow?: FlowRecorder) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {})
    const started = Date.now()
    let info: Record<string, string> = { path: req.url ?? '' }
    // exec, attach and port-forward in the flow: a line as the stream opens and one as it ends.
    const flowLine = (code: number | string, note?: string, reason?: string) => {
      if (!flow?.active) return
      const path = (req.url ?? '/').split('?')[0]
      flow.record(requestLine({ from: clientName(req.headers['user-agent'], req.socket.remoteAddress ?? 'unknown'), method: req.method ?? 'GET', target: path, code, reason, note }), info.namespace, info.name)
    }
    try {
      const routed = target(deps, req)
      info = routed.info
      flowLine(101, `${req.headers.upgrade ?? 'upgrade'} stream opened`)
      void proxyUpgrade(req, socket, head, routed.target).then(() => {
        logger.info({ verb: 'create', ...info, upgrade: req.headers.upgrade, ms: Date.now() - started, userAgent: req.headers['user-agent'] }, 'stream closed')
        flowLine(101, `stream closed after ${((Date.now() - started) / 1000).toFixed(1)} s`)
      })
    } catch (err) {
      const status = err instanceof StatusError ? err.status : StatusError.internal((err as Error).message).status
      if (!(err instanceof StatusError)) logger.error({ err, ...info }, 'internal error')
      logger.info({ verb: 'create', ...info, code: status.code, userAgent: req.headers['user-agent'] }, 'request')
      flowLine(status.code, undefined, status.reason)
      writeStatus(socket, status)
    }
  }
}
