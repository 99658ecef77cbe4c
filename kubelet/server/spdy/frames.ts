// SPDY/3.1 frames as kubectl's port-forward uses them (draft-mbelshe-httpbis-spdy-00
// plus the 3.1 session WINDOW_UPDATE): encoding and decoding of the fixed
// parts. Header blocks travel compressed; header-compression.ts turns them
// into name/value pairs and back.

export const spdyVersion = 3

export const frameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goaway: 7,
  headers: 8,
  windowUpdate: 9,
} as const

export const flagFin = 0x01
export const flagUnidirectional = 0x02

/** RST_STREAM status codes. */
export const rstStatus = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  cancel: 5,
  internalError: 6,
  streamInUse: 8,
  streamAlreadyClosed: 9,
} as const

/** GOAWAY status codes. */
export const goawayStatus = { ok: 0, protocolError: 1, internalError: 2 } as const

/** The largest payload a frame's 24-bit length can carry. */
export const maxFrameLength = 0xffffff

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; flags: number; payload: Buffer }

/**
 * Splits complete frames off the front of `buf`.
 * Returns the frames and what is left over (an incomplete frame).
 */
export function splitFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = []
  let offset = 0
  while (buf.length - offset >= 8) {
    const length = buf.readUIntBE(offset + 5, 3)
    if (buf.length - offset < 8 + length) break
    const flags = buf[offset + 4]
    const body = buf.subarray(offset + 8, offset + 8 + length)
    if (buf[offset] & 0x80) {
      frames.push({ kind: 'control', type: buf.readUInt16BE(offset + 2), flags, payload: body })
    } else {
      frames.push({ kind: 'data', streamId: buf.readUInt32BE(offset) & 0x7fffffff, flags, data: body })
    }
    offset += 8 + length
  }
  return { frames, rest: buf.subarray(offset) }
}

/** The version a control frame announces (bits 1..15 of its first word). */
export function controlVersion(buf: Buffer): number {
  return buf.readUInt16BE(0) & 0x7fff
}

function header(control: boolean, typeOrStream: number, flags: number, length: number): Buffer {
  const h = Buffer.alloc(8)
  if (control) {
    h.writeUInt16BE(0x8000 | spdyVersion, 0)
    h.writeUInt16BE(typeOrStream, 2)
  } else {
    h.writeUInt32BE(typeOrStream & 0x7fffffff, 0)
  }
  h[4] = flags
  h.writeUIntBE(length, 5, 3)
  return h
}

export function encodeControl(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header(true, type, flags, payload.length), payload])
}

export function encodeData(streamId: number, flags: number, data: Buffer): Buffer {
  return Buffer.concat([header(false, streamId, flags, data.length), data])
}

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4)
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4))
  return b
}

export function encodeSynReply(streamId: number, flags: number, compressedHeaders: Buffer): Buffer {
  return encodeControl(frameType.synReply, flags, Buffer.concat([words(streamId & 0x7fffffff), compressedHeaders]))
}

/** SYN_STREAM: stream id, associated stream id, priority (0 highest..7), header block. */
export function encodeSynStream(streamId: number, flags: number, compressedHeaders: Buffer, priority = 0): Buffer {
  const fixed = Buffer.alloc(10)
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0)
  fixed.writeUInt32BE(0, 4)
  fixed[8] = (priority & 7) << 5
  return encodeControl(frameType.synStream, flags, Buffer.concat([fixed, compressedHeaders]))
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return encodeControl(frameType.rstStream, 0, words(streamId & 0x7fffffff, status))
}

export function encodePing(id: number): Buffer {
  return encodeControl(frameType.ping, 0, words(id))
}

export function encodeGoaway(lastGoodStreamId: number, status: number): Buffer {
  return encodeControl(frameType.goaway, 0, words(lastGoodStreamId & 0x7fffffff, status))
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return encodeControl(frameType.windowUpdate, 0, words(streamId & 0x7fffffff, delta & 0x7fffffff))
}

/** The uncompressed header block: a count, then length-prefixed names and values. */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const entries = Object.entries(headers)
  const parts: Buffer[] = [words(entries.length)]
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8')
    const v = Buffer.from(value, 'utf8')
    parts.push(words(n.length), n, words(v.length), v)
  }
  return Buffer.concat(parts)
}

/**
 * Parses an uncompressed header block. Names are lowercased; several values
 * for one name (NUL-separated on the wire) keep the first.
 * Throws on a truncated block.
 */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {}
  let offset = 0
  const take = (): Buffer => {
    if (offset + 4 > block.length) throw new Error('truncated SPDY header block')
    const len = block.readUInt32BE(offset)
    offset += 4
    if (offset + len > block.length) throw new Error('truncated SPDY header block')
    const out = block.subarray(offset, offset + len)
    offset += len
    return out
  }
  if (block.length < 4) throw new Error('truncated SPDY header block')
  const count = block.readUInt32BE(0)
  offset = 4
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8').toLowerCase()
    const value = take().toString('utf8')
    if (!(name in headers)) headers[name] = value.split('\0')[0]
  }
  return headers
}
