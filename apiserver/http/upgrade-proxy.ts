// Proxies an upgrade request (WebSocket or SPDY) to a kubelet byte for byte:
// the request goes out with a rewritten path, and from then on the two
// sockets are joined, so the kubelet's 101 (or its error) reaches the client
// as sent. The apiserver never looks inside the stream, which keeps exec,
// attach and port-forward protocol-agnostic here.
import { connect } from 'node:net'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Status } from '../../shared/api-types.ts'
import { hostPort, unclassified, type KubeletLocation } from './kubelet-location.ts'

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 503: 'Service Unavailable',
}

/** Answers an upgrade request with a Status instead of switching protocols. */
export function writeStatus(socket: Duplex, status: Status): void {
  const body = JSON.stringify(status)
  socket.end(
    `HTTP/1.1 ${status.code} ${reasonPhrases[status.code] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/** Hop-by-hop headers the proxy sets itself. */
const replaced = new Set(['host', 'content-length', 'transfer-encoding'])

export interface UpgradeTarget {
  kubelet: KubeletLocation
  /** Path and query on the kubelet, e.g. /exec/ns/pod/c?command=sh&stdin=1 */
  path: string
}

/** Joins the client's socket to the kubelet; resolves when both are closed. */
export function proxyUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, target: UpgradeTarget): Promise<void> {
  return new Promise((resolve) => {
    const backend = connect({ host: target.kubelet.host, port: target.kubelet.port })
    let connected = false
    client.on('error', () => backend.destroy())
    backend.once('error', (err) => {
      if (!connected) writeStatus(client, unclassified(500, `error dialing backend: dial tcp ${hostPort(target.kubelet)}: ${err.message}`).status)
      else client.destroy()
    })
    backend.once('connect', () => {
      connected = true
      const lines = [`${req.method} ${target.path} HTTP/1.1`, `Host: ${hostPort(target.kubelet)}`]
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (!replaced.has(req.rawHeaders[i].toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
      }
      backend.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length) backend.write(head)
      backend.pipe(client)
      client.pipe(backend)
    })
    let open = 2
    const closed = () => {
      if (--open === 0) resolve()
    }
    // end(), not destroy(): what one side sent last (exec's exit Status) must still reach the other.
    backend.once('close', () => {
      client.end()
      closed()
    })
    client.once('close', () => {
      backend.end()
      closed()
    })
  })
}
