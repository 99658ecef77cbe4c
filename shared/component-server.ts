// The small HTTP server every control-plane component runs beside its work,
// as upstream's do on their secure ports: /healthz, /livez, /readyz and
// /metrics. Plain HTTP on 127.0.0.1 by default.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { metricsContentType, type Registry } from './metrics.ts'

export interface ComponentServerOptions {
  port: number
  bindAddress?: string
  /** Rendered on /metrics; called per scrape so gauges can be refreshed first. */
  metrics: () => Registry
  /** Whether /readyz answers ok (e.g. caches synced). @default always */
  ready?: () => boolean
}

export interface ComponentServer {
  readonly port: number
  close(): Promise<void>
}

export async function startComponentServer(options: ComponentServerOptions): Promise<ComponentServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed\n')
      return
    }
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok')
    } else if (path === '/readyz') {
      const ready = options.ready?.() ?? true
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(ready ? 'ok' : 'not ready')
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metricsContentType }).end(options.metrics().render())
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.bindAddress ?? '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
