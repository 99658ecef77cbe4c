// The server side of a SPDY/3.1 session over any byte duplex (a WebSocket
// stream or an upgraded socket): the peer opens streams, we reply to them and
// exchange DATA. kubectl's SPDY library (moby/spdystream) does no flow
// control, so neither do we: WINDOW_UPDATE is ignored and never sent, and
// backpressure comes from the transport alone.
import { Duplex } from 'node:stream'
import {
  controlVersion, decodeHeaderBlock, encodeData, encodeGoaway, encodeHeaderBlock, encodePing, encodeRstStream, encodeSynReply,
  flagFin, flagUnidirectional, frameType, goawayStatus, rstStatus, spdyVersion, splitFrames, type Frame,
} from './frames.ts'
import { HeaderCompression } from './header-compression.ts'

/** DATA frames are cut at this size, so one stream cannot hold the session for long. */
const maxDataChunk = 64 * 1024

/** One stream the peer opened: a Duplex of its DATA; `end()` half-closes with FIN. */
export class SpdyStream extends Duplex {
  readonly id: number
  /** The SYN_STREAM headers, names lowercased. */
  readonly headers: Readonly<Record<string, string>>
  private readonly session: SpdySession
  private replied = false
  /** We sent FIN or RST: nothing more goes out. */
  private localClosed: boolean
  /** The peer sent FIN or RST. */
  remoteClosed: boolean

  constructor(session: SpdySession, id: number, headers: Record<string, string>, remoteFin: boolean, unidirectional: boolean) {
    super({ allowHalfOpen: true })
    this.session = session
    this.id = id
    this.headers = headers
    this.remoteClosed = remoteFin
    this.localClosed = unidirectional
    if (remoteFin) this.push(null)
  }

  /** Sends SYN_REPLY; the peer's CreateStream waits for it. Idempotent. */
  reply(headers: Record<string, string> = {}): void {
    if (this.replied || this.localClosed) return
    this.replied = true
    this.session.sendHeaders((block) => encodeSynReply(this.id, 0, block), headers)
  }

  /** Aborts the stream with RST_STREAM. */
  reset(status: number = rstStatus.cancel): void {
    if (!this.localClosed || !this.remoteClosed) this.session.send(() => encodeRstStream(this.id, status))
    this.localClosed = true
    this.remoteClosed = true
    this.session.forget(this.id)
    this.destroy()
  }

  /** Called by the session for each DATA frame. */
  receive(data: Buffer, fin: boolean): void {
    if (data.length > 0) this.push(data)
    if (fin) this.receiveFin()
  }

  receiveFin(): void {
    if (this.remoteClosed) return
    this.remoteClosed = true
    this.push(null)
    this.settle()
  }

  /** Called by the session on RST_STREAM or when the session ends. */
  abort(): void {
    this.localClosed = true
    this.remoteClosed = true
    this.destroy()
  }

  override _read(): void {
    // No flow control: DATA is pushed as it arrives.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.localClosed) return callback(new Error(`SPDY stream ${this.id} is closed`))
    this.reply()
    const sends: Promise<void>[] = []
    for (let offset = 0; offset < chunk.length; offset += maxDataChunk) {
      const part = chunk.subarray(offset, offset + maxDataChunk)
      sends.push(this.session.send(() => encodeData(this.id, 0, part)))
    }
    Promise.all(sends).then(() => callback(), callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.localClosed) return callback()
    this.reply()
    this.localClosed = true
    this.session.send(() => encodeData(this.id, flagFin, Buffer.alloc(0))).then(() => {
      this.settle()
      callback()
    }, callback)
  }

  private settle(): void {
    if (this.localClosed && this.remoteClosed) this.session.forget(this.id)
  }
}

export interface SpdySessionOptions {
  /** Called for each stream the peer opens, in order; reply() or reset() it. */
  onStream(stream: SpdyStream): void
  /** Called once when the session ends, with the reason if it failed. */
  onClose?(err?: Error): void
}

export class SpdySession {
  private readonly transport: Duplex
  private readonly options: SpdySessionOptions
  private readonly compression = new HeaderCompression()
  private readonly streams = new Map<number, SpdyStream>()
  private pending: Buffer = Buffer.alloc(0)
  private receiving: Promise<void> = Promise.resolve()
  private sending: Promise<void> = Promise.resolve()
  private lastStreamId = 0
  private goingAway = false
  private closed = false

  constructor(transport: Duplex, options: SpdySessionOptions) {
    this.transport = transport
    this.options = options
    transport.on('data', (chunk: Buffer) => this.onBytes(chunk))
    transport.on('end', () => this.close())
    transport.on('close', () => this.close())
    transport.on('error', (err: Error) => this.close(err))
  }

  /** Queues a frame; frames leave in queue order. Resolves once the transport took it. */
  send(build: () => Buffer | Promise<Buffer>): Promise<void> {
    const next = this.sending.then(async () => {
      if (this.closed) throw new Error('SPDY session is closed')
      const frame = await build()
      if (!this.transport.write(frame)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            this.transport.off('drain', done)
            this.transport.off('close', done)
            resolve()
          }
          this.transport.on('drain', done)
          this.transport.on('close', done)
        })
      }
    })
    this.sending = next.catch(() => {})
    return next
  }

  /** Queues a frame carrying a header block, compressed in queue order. */
  sendHeaders(build: (compressed: Buffer) => Buffer, headers: Record<string, string>): void {
    const compressed = this.compression.compress(encodeHeaderBlock(headers))
    this.send(async () => build(await compressed)).catch(() => {})
  }

  forget(id: number): void {
    this.streams.delete(id)
  }

  /** Ends the session: GOAWAY (when `goaway`), then closes the transport and every stream. */
  close(err?: Error, goaway = false): void {
    if (this.closed) return
    if (goaway) {
      const frame = encodeGoaway(this.lastStreamId, err ? goawayStatus.protocolError : goawayStatus.ok)
      this.send(() => frame).catch(() => {})
    }
    this.closed = true
    for (const stream of this.streams.values()) stream.abort()
    this.streams.clear()
    this.compression.close()
    // Let queued frames (the GOAWAY) go out before the transport ends.
    this.sending.finally(() => this.transport.end())
    this.options.onClose?.(err)
  }

  private onBytes(chunk: Buffer): void {
    if (this.closed) return
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    if (this.pending.length >= 8 && this.pending[0] & 0x80 && controlVersion(this.pending) !== spdyVersion) {
      return this.close(new Error(`unsupported SPDY version ${controlVersion(this.pending)}`), true)
    }
    const { frames, rest } = splitFrames(this.pending)
    this.pending = rest
    for (const frame of frames) {
      this.receiving = this.receiving.then(() => this.handle(frame)).catch((err: Error) => this.close(err, true))
    }
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return
    if (frame.kind === 'data') {
      const stream = this.streams.get(frame.streamId)
      if (!stream) {
        // Late DATA for a stream we already closed is harmless; anything else is a protocol error.
        if (frame.streamId > this.lastStreamId) this.send(() => encodeRstStream(frame.streamId, rstStatus.invalidStream)).catch(() => {})
        return
      }
      if (stream.remoteClosed) {
        stream.reset(rstStatus.streamAlreadyClosed)
        return
      }
      stream.receive(frame.data, (frame.flags & flagFin) !== 0)
      return
    }
    const p = frame.payload
    switch (frame.type) {
      case frameType.synStream: {
        if (p.length < 10) throw new Error('short SYN_STREAM')
        const id = p.readUInt32BE(0) & 0x7fffffff
        // Always inflate: the zlib stream spans the session.
        const headers = decodeHeaderBlock(await this.compression.decompress(p.subarray(10)))
        if (id % 2 === 0 || id <= this.lastStreamId) throw new Error(`invalid stream id ${id}`)
        this.lastStreamId = id
        if (this.goingAway) {
          this.send(() => encodeRstStream(id, rstStatus.refusedStream)).catch(() => {})
          return
        }
        const stream = new SpdyStream(this, id, headers, (frame.flags & flagFin) !== 0, (frame.flags & flagUnidirectional) !== 0)
        stream.on('error', () => {})
        this.streams.set(id, stream)
        this.options.onStream(stream)
        return
      }
      case frameType.headers:
      case frameType.synReply:
        // Nothing for us in them, but the zlib stream must see every block.
        if (p.length >= 4) await this.compression.decompress(p.subarray(4))
        return
      case frameType.rstStream: {
        if (p.length < 8) throw new Error('short RST_STREAM')
        const stream = this.streams.get(p.readUInt32BE(0) & 0x7fffffff)
        if (stream) {
          this.streams.delete(stream.id)
          stream.abort()
        }
        return
      }
      case frameType.ping: {
        if (p.length < 4) throw new Error('short PING')
        const id = p.readUInt32BE(0)
        // Odd ids are the client's: echo them. Even ids would answer pings of ours; we send none.
        if (id % 2 === 1) this.send(() => encodePing(id)).catch(() => {})
        return
      }
      case frameType.goaway:
        this.goingAway = true
        if (this.streams.size === 0) this.close()
        return
      default:
        // SETTINGS, WINDOW_UPDATE and unknown control frames: nothing to do (SPDY says ignore unknown types).
        return
    }
  }
}
