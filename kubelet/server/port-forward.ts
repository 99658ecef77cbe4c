// Port-forward over a SPDY session: for each forwarded connection kubectl
// opens an `error` and a `data` stream with the same `requestid` and `port`
// headers. Once both are there we dial podIP:port and copy bytes both ways
// on the data stream; a failure is written on the error stream, which
// kubectl prints (and then drops the whole session, as with upstream).
import { connect } from 'node:net'
import type { Duplex } from 'node:stream'
import { SpdySession, type SpdyStream } from './spdy/session.ts'
import { rstStatus } from './spdy/frames.ts'

export interface PortForwardTarget {
  /** For error messages: `<namespace>/<name>`. */
  pod: string
  uid: string
  /** Dials the pod's port; rejects with the reason when it cannot. */
  dial(port: number): Promise<Duplex>
}

/** A pair whose second stream has not come within this time is given up. */
const pairTimeoutMs = 30_000

interface Pair {
  error?: SpdyStream
  data?: SpdyStream
  timer: NodeJS.Timeout
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined
  const port = Number(value)
  return port >= 1 && port <= 65535 ? port : undefined
}

/** Dials host:port with node:net; resolves once connected. */
export function dialTcp(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** Serves port-forward streams on `transport` (the SPDY byte stream) until the session ends. */
export function servePortForward(transport: Duplex, target: PortForwardTarget): SpdySession {
  const pairs = new Map<string, Pair>()

  const fail = (stream: SpdyStream | undefined, message: string) => {
    if (!stream) return
    stream.end(message)
  }

  const forward = async (port: number, error: SpdyStream, data: SpdyStream) => {
    let conn: Duplex
    try {
      conn = await target.dial(port)
    } catch (err) {
      fail(error, `error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${(err as Error).message}`)
      data.end()
      return
    }
    conn.on('error', () => {})
    // Each side's end half-closes the other, as TCP does; a reset ends both.
    data.pipe(conn)
    conn.pipe(data)
    const cleanup = () => {
      conn.destroy()
      if (!error.writableEnded) error.end()
    }
    conn.once('close', () => {
      if (!data.writableEnded) data.end()
      cleanup()
    })
    data.once('close', cleanup)
  }

  return new SpdySession(transport, {
    onStream(stream) {
      const type = stream.headers.streamtype
      const port = parsePort(stream.headers.port)
      stream.reply()
      if (type !== 'error' && type !== 'data') {
        stream.reset(rstStatus.protocolError)
        return
      }
      const key = stream.headers.requestid ?? `port-${stream.headers.port}`
      let pair = pairs.get(key)
      if (!pair) {
        const timer = setTimeout(() => {
          pairs.delete(key)
          fail(pair!.error, `timed out waiting for the ${pair!.error ? 'data' : 'error'} stream of request ${key}`)
          pair!.data?.reset()
        }, pairTimeoutMs)
        pair = { timer }
        pairs.set(key, pair)
      }
      if (pair[type]) {
        stream.reset(rstStatus.protocolError)
        return
      }
      pair[type] = stream
      if (!pair.error || !pair.data) return
      clearTimeout(pair.timer)
      pairs.delete(key)
      if (port === undefined) {
        fail(pair.error, `unable to parse port "${stream.headers.port ?? ''}"`)
        pair.data.end()
        return
      }
      void forward(port, pair.error, pair.data)
    },
    onClose() {
      for (const pair of pairs.values()) clearTimeout(pair.timer)
      pairs.clear()
    },
  })
}
