// The kubelet's HTTP API for the apiserver's proxy and `nodes/<n>/proxy`:
//   GET  /healthz                                   ok
//   GET  /pods                                      PodList of this node's pods
//   GET  /containerLogs/<ns>/<pod>/<container>      text/plain, streamed
//   GET|POST /exec/<ns>/<pod>/<container>?command=… WebSocket v5/v4.channel.k8s.io
//   GET|POST /attach/<ns>/<pod>/<container>         same, without command
//   GET|POST /portForward/<ns>/<pod>                WebSocket SPDY/3.1+portforward.k8s.io,
//                                                   or a plain `Upgrade: SPDY/3.1`
// Plain HTTP, as every kubeling component. Errors before an upgrade are
// plain text with upstream's codes and wording: the apiserver turns them into
// Status, and kubectl prints them after "unable to upgrade connection:".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws'
import type { Logger } from 'pino'
import { channelProtocols, type ChannelProtocol } from './channel-protocol.ts'
import { serveExecStream } from './exec-stream.ts'
import { flag, serveContainerLogs } from './container-logs.ts'
import { HttpError } from './http-error.ts'
import { dialTcp, servePortForward } from './port-forward.ts'
import type { ExecSession } from '../runtime/types.ts'
import type { StreamingBackend, StreamingContainer, StreamingPod } from './types.ts'

export const portForwardProtocol = 'SPDY/3.1+portforward.k8s.io'

export interface KubeletServerOptions {
  backend: StreamingBackend
  logger: Logger
  /** @default 0 (a free port) */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** Port-forward connections go here instead of podIP:port (tests, or a runtime with its own network). */
  dial?: (pod: StreamingPod, port: number) => Promise<Duplex>
}

export interface KubeletServer {
  readonly server: Server
  readonly port: number
  close(): Promise<void>
}

interface Route {
  kind: 'containerLogs' | 'exec' | 'attach' | 'portForward'
  namespace: string
  pod: string
  container: string
}

function parseRoute(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter((p) => p !== '')
  let decoded: string[]
  try {
    decoded = parts.map(decodeURIComponent)
  } catch {
    return undefined
  }
  const [kind, namespace, pod, ...rest] = decoded
  if (kind === 'portForward' && namespace && pod && rest.length <= 1) return { kind, namespace, pod, container: '' }
  if ((kind === 'containerLogs' || kind === 'exec' || kind === 'attach') && namespace && pod) {
    // Upstream also accepts /exec/<ns>/<pod>/<uid>/<container>: the container is always last.
    if (rest.length === 1 || (rest.length === 2 && kind !== 'containerLogs')) return { kind, namespace, pod, container: rest[rest.length - 1] }
  }
  return undefined
}

function findPod(backend: StreamingBackend, route: Route): StreamingPod {
  const pod = backend.findPod(route.namespace, route.pod)
  if (!pod) throw new HttpError(404, `pod "${route.pod}" does not exist`)
  return pod
}

function findContainer(pod: StreamingPod, route: Route): StreamingContainer {
  const container = pod.container(route.container)
  if (!container) throw new HttpError(404, `container "${route.container}" not found in pod "${route.pod}"`)
  return container
}

function sendText(res: ServerResponse, code: number, text: string) {
  if (res.headersSent) return void res.destroy()
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Answers an upgrade request with an error, on the raw socket. */
function rejectUpgrade(socket: Duplex, code: number, text: string) {
  const body = Buffer.from(text)
  const reason = code === 404 ? 'Not Found' : code === 400 ? 'Bad Request' : code === 405 ? 'Method Not Allowed' : 'Internal Server Error'
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
}

function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '')
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<KubeletServer> {
  const { backend } = options
  const log = options.logger.child({ component: 'kubelet-server' })
  // We pick the subprotocol before handleUpgrade and hide the offer from ws:
  // it rejects `SPDY/3.1+portforward.k8s.io` ('/' is not an RFC 6455 token
  // character), which would push kubectl to its SPDY fallback.
  const chosenProtocol = new WeakMap<IncomingMessage, string>()
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  wss.on('headers', (headers: string[], req: IncomingMessage) => {
    const protocol = chosenProtocol.get(req)
    if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`)
  })
  const acceptWebSocket = (req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, serve: (ws: WebSocket) => void) => {
    chosenProtocol.set(req, protocol)
    delete req.headers['sec-websocket-protocol']
    wss.handleUpgrade(req, socket, head, serve)
  }
  const dial = options.dial ?? ((pod: StreamingPod, port: number) => {
    if (!pod.podIP) return Promise.reject(new Error('pod has no IP yet'))
    return dialTcp(pod.podIP, port)
  })

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kubelet')
    const route = parseRoute(url.pathname)
    const handle = async () => {
      if (url.pathname === '/healthz') return sendText(res, 200, 'ok')
      if (url.pathname === '/pods' || url.pathname === '/pods/') {
        const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: backend.listPods() })
        res.writeHead(200, { 'content-type': 'application/json' })
        return void res.end(body)
      }
      if (!route) throw new HttpError(404, '404 page not found')
      if (route.kind === 'containerLogs') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `method ${req.method} not allowed`)
        const container = findContainer(findPod(backend, route), route)
        return serveContainerLogs(container, route.container, route.pod, url.searchParams, res)
      }
      throw new HttpError(400, 'Upgrade request required')
    }
    handle().catch((err: unknown) => {
      if (err instanceof HttpError) return sendText(res, err.code, err.message)
      log.error({ err, path: url.pathname }, 'request failed')
      sendText(res, 500, (err as Error).message)
    })
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://kubelet')
    try {
      const route = parseRoute(url.pathname)
      if (!route || route.kind === 'containerLogs') throw new HttpError(404, '404 page not found')
      if (req.method !== 'GET' && req.method !== 'POST') throw new HttpError(405, `method ${req.method} not allowed`)
      const pod = findPod(backend, route)
      const upgrade = (req.headers.upgrade ?? '').toLowerCase()
      const offered = offeredProtocols(req)

      if (route.kind === 'portForward') {
        const target = { pod: `${route.namespace}/${route.pod}`, uid: pod.uid, dial: (port: number) => dial(pod, port) }
        if (upgrade === 'websocket') {
          if (!offered.includes(portForwardProtocol)) throw new HttpError(400, `unable to negotiate a port-forward protocol: client offered [${offered.join(' ')}], server supports [${portForwardProtocol}]`)
          acceptWebSocket(req, socket, head, portForwardProtocol, (ws) => {
            const stream = createWebSocketStream(ws, { allowHalfOpen: false })
            stream.on('error', () => {})
            servePortForward(stream, target)
          })
          return
        }
        if (upgrade === 'spdy/3.1') {
          // kubectl's fallback: the upgraded connection itself carries SPDY.
          socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n')
          if (head.length) socket.unshift(head)
          servePortForward(socket, target)
          return
        }
        throw new HttpError(400, 'Upgrade request required')
      }

      // Validate first: kubectl retries a failed WebSocket upgrade with SPDY and prints that answer.
      const container = findContainer(pod, route)
      if (container.state.state !== 'running') throw new HttpError(404, `container not found ("${route.container}")`)
      const q = url.searchParams
      const tty = flag(q, 'tty')
      const request = { stdin: flag(q, 'stdin'), stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr') && !tty, tty }
      if (!request.stdin && !request.stdout && !request.stderr) throw new HttpError(400, 'you must specify at least 1 of stdin, stdout, stderr')
      let open: () => Promise<ExecSession>
      let command: string[] | undefined
      if (route.kind === 'exec') {
        command = q.getAll('command')
        if (command.length === 0) throw new HttpError(400, 'you must specify at least one command for the container')
        const argv = command
        open = () => container.exec({ command: argv, tty, stdin: request.stdin })
      } else {
        const attach = container.attach
        if (!attach) throw new HttpError(400, `attach is not supported for container "${route.container}" in pod "${route.pod}" by this runtime`)
        open = () => attach.call(container, { stdin: request.stdin, tty })
      }
      if (upgrade !== 'websocket') throw new HttpError(400, `${upgrade || 'this'} upgrade is not supported for ${route.kind}: use a WebSocket (${channelProtocols.join(', ')})`)
      const protocol = channelProtocols.find((p) => offered.includes(p)) as ChannelProtocol | undefined
      if (!protocol) throw new HttpError(400, `unable to negotiate a streaming protocol: client offered [${offered.join(' ')}], server supports [${channelProtocols.join(' ')}]`)
      acceptWebSocket(req, socket, head, protocol, (ws) => {
        void serveExecStream(ws, { ...request, protocol, command }, open).catch((err: unknown) => {
          log.error({ err, path: url.pathname }, 'stream failed')
          ws.terminate()
        })
      })
    } catch (err) {
      if (err instanceof HttpError) return rejectUpgrade(socket, err.code, err.message)
      log.error({ err, path: url.pathname }, 'upgrade failed')
      rejectUpgrade(socket, 500, (err as Error).message)
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  log.info({ port }, 'kubelet server listening')
  return {
    server,
    port,
    async close() {
      for (const ws of wss.clients) ws.terminate()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      wss.close()
    },
  }
}
