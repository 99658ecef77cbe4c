// Runs one exec or attach over an upgraded WebSocket: client stdin and
// resize messages go to the session, its stdout and stderr come back on
// their channels, and the end is a Status on the error channel followed by
// a normal close. The session is killed when the client goes away.
import type { Readable } from 'node:stream'
import type { WebSocket, RawData } from 'ws'
import type { ExecSession } from '../runtime/types.ts'
import {
  channel, decodeChannelMessage, encodeChannelMessage, exitCodeStatus, failureStatus, parseResize, successStatus,
  type ChannelProtocol, type StreamStatus,
} from './channel-protocol.ts'

export interface StreamRequest {
  protocol: ChannelProtocol
  stdin: boolean
  stdout: boolean
  stderr: boolean
  tty: boolean
  /** The exec command, for the exit Status message; undefined for attach (which always ends in Success). */
  command?: readonly string[]
}

/** Above this many queued bytes the session's output is paused until the socket catches up. */
const maxBufferedBytes = 1024 * 1024

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}

/** Forwards a session output to a channel; resolves when it ends. */
function pump(ws: WebSocket, source: Readable | undefined, ch: number, wanted: boolean): Promise<void> {
  if (!source) return Promise.resolve()
  return new Promise((resolve) => {
    source.on('data', (chunk: Buffer) => {
      if (!wanted || ws.readyState !== ws.OPEN) return
      ws.send(encodeChannelMessage(ch, chunk), () => {
        if (source.isPaused() && ws.bufferedAmount < maxBufferedBytes) source.resume()
      })
      if (ws.bufferedAmount >= maxBufferedBytes) source.pause()
    })
    source.on('end', resolve)
    source.on('close', resolve)
    source.on('error', resolve)
  })
}

/**
 * Serves the stream until the session ends or the client leaves.
 * `open` starts the session; its rejection becomes a Failure Status.
 */
export async function serveExecStream(ws: WebSocket, request: StreamRequest, open: () => Promise<ExecSession>): Promise<void> {
  // Messages may arrive before the session exists (kubectl sends stdin at once): hold them.
  const early: Buffer[] = []
  let session: ExecSession | undefined
  let clientGone = false
  const onMessage = (data: RawData, isBinary: boolean) => {
    const msg = toBuffer(data)
    if (!isBinary && msg.length === 0) return
    if (session) deliver(session, msg)
    else early.push(msg)
  }
  const deliver = (s: ExecSession, msg: Buffer) => {
    const decoded = decodeChannelMessage(msg)
    if (!decoded) return
    if (decoded.channel === channel.stdin) {
      if (request.stdin && s.stdin && !s.stdin.writableEnded) s.stdin.write(decoded.payload)
    } else if (decoded.channel === channel.resize) {
      const size = parseResize(decoded.payload)
      if (size) s.resize(size.width, size.height)
    } else if (decoded.channel === channel.close && request.protocol === 'v5.channel.k8s.io') {
      if (decoded.payload[0] === channel.stdin) s.stdin?.end()
    }
  }
  ws.on('message', onMessage)
  ws.on('error', () => {})
  const closed = new Promise<void>((resolve) => ws.once('close', () => {
    clientGone = true
    resolve()
  }))

  const finish = (status: StreamStatus) => {
    if (ws.readyState !== ws.OPEN) return
    ws.send(encodeChannelMessage(channel.error, JSON.stringify(status)))
    ws.close(1000)
  }

  try {
    session = await open()
  } catch (err) {
    finish(failureStatus((err as Error).message))
    return
  }
  if (clientGone) {
    session.kill()
    return
  }
  session.stdin?.on('error', () => {})
  if (!request.stdin) session.stdin?.end()
  for (const msg of early.splice(0)) deliver(session, msg)

  const outputs = Promise.all([
    pump(ws, session.stdout, channel.stdout, request.stdout),
    pump(ws, session.stderr, channel.stderr, request.stderr),
  ])
  const ended = Promise.all([session.exited, outputs]).then(
    ([code]) => (request.command === undefined || code === 0 ? successStatus : exitCodeStatus(request.command, code)),
    (err: Error) => failureStatus(err.message),
  )
  const status = await Promise.race([ended, closed.then(() => undefined)])
  if (!status) {
    session.kill()
    return
  }
  finish(status)
}
