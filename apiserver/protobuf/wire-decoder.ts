// Reads one protobuf message off the wire by its table, the way gogo's
// generated Unmarshal does: fields in any order, the last value of a scalar
// wins, a repeated message field appends, a singular one merges, packed and
// unpacked repeated numbers both accepted, unknown fields skipped.
import { BinaryReader } from '@bufbuild/protobuf/wire'
import { messageOf, type Field, type Message } from './message-table.ts'

/** A message's fields as read, by number; a field that was not sent is missing. */
export type Decoded = Map<number, unknown>

/** The body is not a valid encoding of the message; the text follows gogo's errors. */
export class ProtobufError extends Error {}

// Go's protobuf has no nesting limit of its own, but its stack does; Kubernetes
// messages nest about a dozen deep, so this only stops hostile input.
const maxDepth = 100

const varint = 0
const bit64 = 1
const lengthDelimited = 2
const endGroup = 4
const bit32 = 5

function wireTypeOf(scalar: string): number {
  switch (scalar) {
    case 'string':
    case 'bytes':
      return lengthDelimited
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return bit64
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return bit32
    default:
      return varint
  }
}

function readScalar(reader: BinaryReader, scalar: string): unknown {
  switch (scalar) {
    case 'string':
      return reader.string()
    case 'bytes':
      return reader.bytes()
    case 'bool':
      return reader.bool()
    case 'int32':
      return reader.int32()
    case 'uint32':
      return reader.uint32()
    case 'sint32':
      return reader.sint32()
    case 'fixed32':
      return reader.fixed32()
    case 'sfixed32':
      return reader.sfixed32()
    case 'int64':
      return Number(reader.int64())
    case 'uint64':
      return Number(reader.uint64())
    case 'sint64':
      return Number(reader.sint64())
    case 'fixed64':
      return Number(reader.fixed64())
    case 'sfixed64':
      return Number(reader.sfixed64())
    case 'double':
      return reader.double()
    case 'float':
      return reader.float()
  }
  throw new Error(`unknown protobuf scalar type ${scalar}`)
}

export function isScalar(type: string): boolean {
  return !type.includes('.') && type !== 'map'
}

/**
 * Decodes `bytes` as `message`, into `into` when merging a second occurrence
 * of a singular message field. Throws ProtobufError on malformed input.
 */
export function decodeMessage(message: Message, bytes: Uint8Array, into: Decoded = new Map(), depth = 0): Decoded {
  if (depth > maxDepth) throw new ProtobufError('proto: exceeded maximum nesting depth')
  try {
    readFields(message, new BinaryReader(bytes), into, depth)
  } catch (err) {
    if (err instanceof ProtobufError) throw err
    // The reader throws RangeError past the end of the buffer and "invalid
    // varint" past ten bytes: gogo's io.ErrUnexpectedEOF and ErrIntOverflow.
    if (err instanceof RangeError) throw new ProtobufError('unexpected EOF')
    if (err instanceof Error) throw new ProtobufError(err.message === 'invalid varint' ? 'proto: integer overflow' : `proto: ${err.message}`)
    throw err
  }
  return into
}

function readFields(message: Message, reader: BinaryReader, into: Decoded, depth: number): void {
  while (reader.pos < reader.len) {
    const tag = reader.uint32()
    const number = tag >>> 3
    const wireType = tag & 7
    if (wireType === endGroup) throw new ProtobufError(`proto: ${shortName(message)}: wiretype end group for non-group`)
    if (wireType > bit32) throw new ProtobufError(`proto: illegal wireType ${wireType}`)
    if (number <= 0) throw new ProtobufError(`proto: ${shortName(message)}: illegal tag ${number} (wire type ${wireType})`)
    const field = message.byNumber.get(number)
    if (!field) {
      reader.skip(wireType, number)
      continue
    }
    if (field.map) {
      expectWireType(field, wireType, lengthDelimited)
      const [key, value] = readMapEntry(field, reader.bytes(), depth)
      let map = into.get(number) as Map<unknown, unknown> | undefined
      if (!map) into.set(number, (map = new Map()))
      map.set(key, value)
    } else if (isScalar(field.type)) {
      const expected = wireTypeOf(field.type)
      if (!field.repeated) {
        expectWireType(field, wireType, expected)
        into.set(number, readScalar(reader, field.type))
        continue
      }
      let list = into.get(number) as unknown[] | undefined
      if (!list) into.set(number, (list = []))
      if (wireType === lengthDelimited && expected !== lengthDelimited) {
        const packed = new BinaryReader(reader.bytes())
        while (packed.pos < packed.len) list.push(readScalar(packed, field.type))
      } else {
        expectWireType(field, wireType, expected)
        list.push(readScalar(reader, field.type))
      }
    } else {
      expectWireType(field, wireType, lengthDelimited)
      const data = reader.bytes()
      const type = messageOf(field.type)
      if (field.repeated) {
        let list = into.get(number) as Decoded[] | undefined
        if (!list) into.set(number, (list = []))
        list.push(decodeMessage(type, data, new Map(), depth + 1))
      } else {
        into.set(number, decodeMessage(type, data, (into.get(number) as Decoded | undefined) ?? new Map(), depth + 1))
      }
    }
  }
  if (reader.pos > reader.len) throw new ProtobufError('unexpected EOF')
}

/** A map entry is a message {1: key, 2: value}; either may be left out and is then its zero value. */
function readMapEntry(field: Field, bytes: Uint8Array, depth: number): [unknown, unknown] {
  const { key: keyType, value: valueType } = field.map!
  const reader = new BinaryReader(bytes)
  let key: unknown
  let value: unknown
  while (reader.pos < reader.len) {
    const tag = reader.uint32()
    const number = tag >>> 3
    const wireType = tag & 7
    if (number === 1) {
      expectWireType(field, wireType, wireTypeOf(keyType))
      key = readScalar(reader, keyType)
    } else if (number === 2) {
      if (isScalar(valueType)) {
        expectWireType(field, wireType, wireTypeOf(valueType))
        value = readScalar(reader, valueType)
      } else {
        expectWireType(field, wireType, lengthDelimited)
        value = decodeMessage(messageOf(valueType), reader.bytes(), new Map(), depth + 1)
      }
    } else {
      if (wireType === endGroup || number <= 0) throw new ProtobufError(`proto: illegal tag ${number} (wire type ${wireType})`)
      reader.skip(wireType, number)
    }
  }
  if (reader.pos > reader.len) throw new ProtobufError('unexpected EOF')
  return [key ?? (keyType === 'string' ? '' : 0), value]
}

function expectWireType(field: Field, got: number, want: number): void {
  if (got !== want) throw new ProtobufError(`proto: wrong wireType = ${got} for field ${field.protoName}`)
}

function shortName(message: Message): string {
  return message.name.slice(message.name.lastIndexOf('.') + 1)
}
