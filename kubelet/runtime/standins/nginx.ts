// The nginx image's entrypoint, served from inside the kubelet: an HTTP
// server on the pod IP and each TCP containerPort (80 when none), serving the
// welcome page, or the host directory mounted at /usr/share/nginx/html, with
// nginx's headers, error pages and access log (the image's `main` format, to
// stdout; notices to stderr, as the image's log symlinks do). STOPSIGNAL is
// SIGQUIT, as in the image: a graceful shutdown that exits 0.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, posix } from 'node:path'
import { exitCodeForSignal } from '../container-task.ts'
import type { Mount } from '../types.ts'
import { errorPage50x, nginxVersion, statusPage, welcomePage } from './nginx-pages.ts'
import { standInTask, type InProcessStandIn } from './stand-in.ts'

const htmlRoot = '/usr/share/nginx/html'
const serverHeader = `nginx/${nginxVersion}`
// The image's index.html is dated with the image build; a fixed date keeps ETags stable.
const builtinMtime = Date.UTC(2024, 3, 16, 14, 29, 59)

const contentTypes: Record<string, string> = {
  '.html': 'text/html', '.htm': 'text/html', '.css': 'text/css', '.js': 'application/javascript',
  '.json': 'application/json', '.txt': 'text/plain', '.xml': 'text/xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon', '.webp': 'image/webp', '.woff2': 'font/woff2', '.wasm': 'application/wasm',
}

// errno and strerror as nginx prints them for a failed bind().
const bindErrors: Record<string, string> = {
  EADDRINUSE: '98: Address already in use',
  EACCES: '13: Permission denied',
  EADDRNOTAVAIL: '99: Cannot assign requested address',
}
const statusTexts: Record<number, string> = { 301: 'Moved Permanently', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed' }
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const pad = (n: number) => String(n).padStart(2, '0')

/** error_log time: 2026/11/23 18:00:00 (the container's zone is UTC). */
function errorLogTime(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

/** $time_local: 23/Nov/2026:18:00:00 +0000 */
function accessLogTime(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/** The host directory seen at /usr/share/nginx/html, through the deepest mount that covers it. */
export function htmlRootOf(mounts: readonly Mount[]): string | undefined {
  let best: Mount | undefined
  for (const m of mounts) {
    const at = posix.normalize(m.containerPath).replace(/\/+$/, '') || '/'
    if (at !== htmlRoot && !htmlRoot.startsWith(at === '/' ? '/' : `${at}/`)) continue
    if (!best || at.length > best.containerPath.length) best = { ...m, containerPath: at }
  }
  return best && join(best.hostPath, posix.relative(best.containerPath, htmlRoot))
}

/** nginx answers 400 to a path whose dot segments climb above the root. */
function escapesRoot(path: string): boolean {
  let depth = 0
  for (const seg of path.split('/')) {
    if (seg === '..') depth--
    else if (seg && seg !== '.') depth++
    if (depth < 0) return true
  }
  return false
}

interface Listing {
  status: number
  headers: Record<string, string | number>
  body?: string | { path: string }
  size: number
}

function errorResponse(status: number): Listing {
  const body = statusPage(status, statusTexts[status] ?? 'Error')
  return { status, headers: { 'Content-Type': 'text/html' }, body, size: Buffer.byteLength(body) }
}

function fileHeaders(path: string, size: number, mtimeMs: number): Record<string, string | number> {
  return {
    'Content-Type': contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    'Last-Modified': new Date(mtimeMs).toUTCString(),
    ETag: `"${Math.floor(mtimeMs / 1000).toString(16)}-${size.toString(16)}"`,
    'Accept-Ranges': 'bytes',
  }
}

/** What nginx's default.conf (root + index index.html index.htm; error_page 50x) answers for a path. */
async function lookup(root: string | undefined, urlPath: string, host: string | undefined): Promise<Listing> {
  if (root === undefined) {
    const builtin = urlPath === '/' || urlPath === '/index.html' ? welcomePage : urlPath === '/50x.html' ? errorPage50x : undefined
    if (builtin === undefined) return errorResponse(404)
    const size = Buffer.byteLength(builtin)
    return { status: 200, headers: fileHeaders('x.html', size, builtinMtime), body: builtin, size }
  }
  const target = join(root, urlPath)
  try {
    let s = await stat(target)
    let file = target
    if (s.isDirectory()) {
      if (!urlPath.endsWith('/')) {
        const res = errorResponse(301)
        res.headers.Location = `http://${host ?? 'localhost'}${urlPath}/`
        return res
      }
      for (const index of ['index.html', 'index.htm']) {
        try {
          s = await stat(join(target, index))
          if (s.isFile()) {
            file = join(target, index)
            break
          }
        } catch {
          // Try the next index name.
        }
      }
      if (file === target) return errorResponse(403)
    }
    if (!s.isFile()) return errorResponse(403)
    return { status: 200, headers: fileHeaders(file, s.size, s.mtimeMs), body: { path: file }, size: s.size }
  } catch (err) {
    return errorResponse((err as NodeJS.ErrnoException).code === 'EACCES' ? 403 : 404)
  }
}

export const nginxStandIn: InProcessStandIn = {
  stopSignal: 'SIGQUIT',
  async start({ podIP, config, log, clock }) {
    const notice = (level: string, text: string) => log.writeLine('stderr', `${errorLogTime(clock.now())} [${level}] 1#1: ${text}`)
    for (const line of [
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
      '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
      '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
      '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
      '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
      '/docker-entrypoint.sh: Configuration complete; ready for start up',
    ]) log.writeLine('stdout', line)

    const root = htmlRootOf(config.mounts)
    const ports = [
      ...new Set(config.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP' && p.containerPort).map((p) => p.containerPort!)),
    ]
    if (!ports.length) ports.push(80)

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      let listing: Listing
      const rawPath = (req.url ?? '/').split('?')[0]
      let path: string | undefined
      try {
        path = decodeURIComponent(rawPath)
      } catch {
        path = undefined
      }
      if (path === undefined || !path.startsWith('/') || path.includes('\0')) listing = errorResponse(400)
      else if (escapesRoot(path)) listing = errorResponse(400)
      else if (req.method !== 'GET' && req.method !== 'HEAD') listing = errorResponse(405)
      else listing = await lookup(root, posix.normalize(path), req.headers.host)
      res.statusCode = listing.status
      res.setHeader('Server', serverHeader)
      for (const [k, v] of Object.entries(listing.headers)) res.setHeader(k, v)
      if (!res.hasHeader('Content-Length')) res.setHeader('Content-Length', listing.size)
      const sent = req.method === 'HEAD' ? 0 : listing.size
      res.once('finish', () => {
        const h = (name: string) => {
          const v = req.headers[name]
          return (Array.isArray(v) ? v.join(', ') : v) || '-'
        }
        log.writeLine(
          'stdout',
          `${req.socket.remoteAddress ?? '-'} - - [${accessLogTime(clock.now())}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${res.statusCode} ${sent} "${h('referer')}" "${h('user-agent')}" "${h('x-forwarded-for')}"`,
        )
      })
      if (req.method === 'HEAD' || listing.body === undefined) res.end()
      else if (typeof listing.body === 'string') res.end(listing.body)
      else createReadStream(listing.body.path).on('error', () => res.destroy()).pipe(res)
    }

    const servers: Server[] = []
    const { task, end } = standInTask((signal) => {
      if (signal === 'SIGKILL') {
        for (const s of servers) {
          s.close()
          s.closeAllConnections()
        }
        end({ exitCode: exitCodeForSignal('SIGKILL'), signal: 'SIGKILL' })
        return
      }
      if (signal === 'SIGQUIT') notice('notice', 'signal 3 (SIGQUIT) received, shutting down')
      else if (signal === 'SIGTERM' || signal === 'SIGINT') notice('notice', `signal ${signal === 'SIGTERM' ? 15 : 2} (${signal}) received, exiting`)
      else return
      // Graceful: stop accepting, let requests in flight finish (SIGKILL cuts them after the grace period).
      void Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve())
              s.closeIdleConnections()
            }),
        ),
      ).then(() => {
        notice('notice', 'exit')
        end({ exitCode: 0 })
      })
    })

    for (const port of ports) {
      const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
        handle(req, res).catch(() => res.destroy())
      })
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject)
          server.listen(port, podIP, () => {
            server.off('error', reject)
            resolve()
          })
        })
        servers.push(server)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO'
        const text = `bind() to ${podIP}:${port} failed (${bindErrors[code] ?? `5: ${code}`})`
        notice('emerg', text)
        log.writeLine('stderr', `nginx: [emerg] ${text}`)
        for (const s of servers) s.close()
        end({ exitCode: 1 })
        return task
      }
    }
    notice('notice', 'using the "epoll" event method')
    notice('notice', serverHeader)
    notice('notice', 'built by gcc 12.2.0 (Debian 12.2.0-14)')
    notice('notice', 'OS: Linux')
    notice('notice', 'start worker processes')
    notice('notice', 'start worker process 29')
    return task
  },
}
