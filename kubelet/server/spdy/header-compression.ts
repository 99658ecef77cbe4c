// SPDY/3 header compression: one zlib stream per direction for the whole
// session, primed with the SPDY dictionary, each header block ending in a
// sync flush so the peer can decode it at once. zlib streams are async, so
// calls are serialized: blocks must be (de)compressed in frame order.
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib'
import { spdy3Dictionary } from './dictionary.ts'

/** Header blocks above this size (compressed or not) are refused: kubectl's are tens of bytes. */
const maxHeaderBlockBytes = 256 * 1024

function syncFlush(z: Deflate | Inflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxHeaderBlockBytes) return finish(new Error('SPDY header block too large'))
      parts.push(chunk)
    }
    const onError = (err: Error) => finish(err)
    const finish = (err?: Error) => {
      z.off('data', onData)
      z.off('error', onError)
      if (err) reject(err)
      else resolve(Buffer.concat(parts))
    }
    z.on('data', onData)
    z.on('error', onError)
    z.write(input)
    // Output may still be queued for emission when the flush completes: let it drain first.
    z.flush(constants.Z_SYNC_FLUSH, () => setImmediate(() => finish()))
  })
}

export class HeaderCompression {
  private readonly deflate = createDeflate({ dictionary: spdy3Dictionary })
  private readonly inflate = createInflate({ dictionary: spdy3Dictionary })
  private deflating: Promise<unknown> = Promise.resolve()
  private inflating: Promise<unknown> = Promise.resolve()

  constructor() {
    // Errors reach the caller through syncFlush; keep the emitters from throwing.
    this.deflate.on('error', () => {})
    this.inflate.on('error', () => {})
  }

  /** Compresses one header block; results come back in call order. */
  compress(block: Buffer): Promise<Buffer> {
    const next = this.deflating.then(() => syncFlush(this.deflate, block))
    this.deflating = next.catch(() => {})
    return next
  }

  /** Decompresses one header block; results come back in call order. */
  decompress(block: Buffer): Promise<Buffer> {
    if (block.length > maxHeaderBlockBytes) return Promise.reject(new Error('SPDY header block too large'))
    const next = this.inflating.then(() => syncFlush(this.inflate, block))
    this.inflating = next.catch(() => {})
    return next
  }

  close(): void {
    this.deflate.destroy()
    this.inflate.destroy()
  }
}
