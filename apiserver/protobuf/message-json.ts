// Turns a decoded message into the JSON object Go's encoding/json writes for
// the same Go struct, so a protobuf body becomes exactly what kubectl would
// have sent as JSON. The rules are Go's:
//   - a field that was not sent holds its Go zero value: nil for pointers,
//     slices, maps and []byte; "", 0, false; a zero struct;
//   - omitempty drops false, 0, "", nil and empty slices and maps, but never
//     a struct; omitzero drops a zero value, structs included;
//   - an embedded struct tagged json:",inline" spreads its fields;
//   - map keys are sorted, []byte is base64;
//   - the apimachinery types with their own MarshalJSON (Time, MicroTime,
//     Duration, Quantity, IntOrString, RawExtension, FieldsV1) write what
//     those methods write.
import { formatGoDuration } from './go-duration.ts'
import { messageOf, type Field, type Message } from './message-table.ts'
import { isScalar, ProtobufError, type Decoded } from './wire-decoder.ts'

const empty: Decoded = new Map()

/** Go's zero time (0001-01-01T00:00:00Z) in Unix seconds. */
const zeroTimeSeconds = -62135596800

interface Value {
  json: unknown
  /** What omitempty drops. */
  empty: boolean
  /** What omitzero drops. */
  zero: boolean
}

const nil: Value = { json: null, empty: true, zero: true }

export function messageToJson(message: Message, decoded: Decoded = empty): unknown {
  const custom = customJson[message.name]
  if (custom) return custom(decoded)
  // A Go named slice (`type ExtraValue []string`) is its items, or null when nil.
  if (message.list) return fieldValue(message.fields[0], decoded).json
  const out: Record<string, unknown> = {}
  for (const field of message.fields) {
    if (field.hidden) continue
    if (field.inline) {
      if (field.pointer && !decoded.has(field.number)) continue
      const inner = messageToJson(messageOf(field.type), decoded.get(field.number) as Decoded | undefined)
      if (inner !== null && typeof inner === 'object') Object.assign(out, inner)
      continue
    }
    const value = fieldValue(field, decoded)
    if ((field.omitempty && value.empty) || (field.omitzero && value.zero)) continue
    out[field.json] = value.json
  }
  return out
}

function fieldValue(field: Field, decoded: Decoded): Value {
  const present = decoded.has(field.number)
  const raw = decoded.get(field.number)
  if (field.repeated) {
    if (!present) return nil
    const items = raw as unknown[]
    const json = isScalar(field.type) ? items.map((v) => scalarJson(field.type, v)) : items.map((v) => messageToJson(messageOf(field.type), v as Decoded))
    return { json, empty: json.length === 0, zero: false }
  }
  if (field.map) {
    if (!present) return nil
    const { value: valueType } = field.map
    const entries = [...(raw as Map<unknown, unknown>)].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))
    const json: Record<string, unknown> = {}
    for (const [key, value] of entries) {
      json[String(key)] = isScalar(valueType) ? scalarJson(valueType, value ?? zeroScalar(valueType)) : messageToJson(messageOf(valueType), value as Decoded | undefined)
    }
    return { json, empty: entries.length === 0, zero: false }
  }
  if (field.type === 'bytes') {
    if (!present) return nil
    const bytes = raw as Uint8Array
    return { json: scalarJson('bytes', bytes), empty: bytes.length === 0, zero: false }
  }
  if (field.pointer && !present) return nil
  if (isScalar(field.type)) {
    const value = present ? raw : zeroScalar(field.type)
    const isZero = !field.pointer && value === zeroScalar(field.type)
    return { json: scalarJson(field.type, value), empty: isZero, zero: isZero }
  }
  const message = messageOf(field.type)
  const json = messageToJson(message, raw as Decoded | undefined)
  if (field.pointer) return { json, empty: false, zero: false }
  // A Go named slice is a slice for omitempty; every other message is a struct, never "empty".
  return { json, empty: message.list && (json === null || (json as unknown[]).length === 0), zero: isZeroMessage(message, raw as Decoded | undefined) }
}

/** Go's reflect.Value.IsZero (or the type's IsZero method) for a message-typed value. */
function isZeroMessage(message: Message, decoded: Decoded = empty): boolean {
  if (message.name === timeType || message.name === microTimeType) return timeSeconds(decoded) === undefined
  for (const field of message.fields) {
    if (field.inline) {
      if (decoded.has(field.number) && !isZeroMessage(messageOf(field.type), decoded.get(field.number) as Decoded)) return false
      continue
    }
    if (!fieldValue(field, decoded).zero) return false
  }
  return true
}

function zeroScalar(type: string): unknown {
  return type === 'string' ? '' : type === 'bool' ? false : 0
}

function scalarJson(type: string, value: unknown): unknown {
  if (type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64')
  return value
}

// ---- types with their own MarshalJSON -------------------------------------

const timeType = 'apis/meta/v1.Time'
const microTimeType = 'apis/meta/v1.MicroTime'

/**
 * The Unix seconds of a Time or MicroTime, undefined for Go's zero time.
 * Time.Unmarshal turns an empty message into the zero time; anything sent
 * is time.Unix(seconds, ...), which is zero only at year 1.
 */
function timeSeconds(decoded: Decoded): number | undefined {
  if (decoded.size === 0) return undefined
  const seconds = (decoded.get(1) as number | undefined) ?? 0
  return seconds === zeroTimeSeconds ? undefined : seconds
}

function rfc3339(seconds: number, micros?: number): string {
  const date = new Date(seconds * 1000)
  const year = date.getUTCFullYear()
  if (!Number.isFinite(date.getTime()) || year < 0 || year > 9999) throw new ProtobufError('Time.MarshalJSON: year outside of range [0,9999]')
  const base = date.toISOString().slice(0, 19)
  return micros === undefined ? `${base}Z` : `${base}.${String(micros).padStart(6, '0')}Z`
}

const customJson: Record<string, (decoded: Decoded) => unknown> = {
  // metav1.Time keeps whole seconds: Unmarshal drops nanos, MarshalJSON writes RFC 3339.
  [timeType]: (d) => {
    const seconds = timeSeconds(d)
    return seconds === undefined ? null : rfc3339(seconds)
  },
  // MicroTime keeps microseconds and writes RFC3339Micro.
  [microTimeType]: (d) => {
    const seconds = timeSeconds(d)
    return seconds === undefined ? null : rfc3339(seconds, Math.floor(((d.get(2) as number | undefined) ?? 0) / 1000))
  },
  'apis/meta/v1.Duration': (d) => formatGoDuration((d.get(1) as number | undefined) ?? 0),
  // A Quantity travels as its string form; the zero Quantity prints "0".
  'api/resource.Quantity': (d) => (d.get(1) as string | undefined) || '0',
  'api/resource.QuantityValue': (d) => (d.get(1) as string | undefined) || '0',
  // IntOrString: type 1 is a string, anything else an int.
  'util/intstr.IntOrString': (d) => (d.get(1) === 1 ? ((d.get(3) as string | undefined) ?? '') : ((d.get(2) as number | undefined) ?? 0)),
  // RawExtension and FieldsV1 hold JSON documents as bytes and write them verbatim.
  'runtime.RawExtension': (d) => rawJson(d, 'RawExtension'),
  'apis/meta/v1.FieldsV1': (d) => rawJson(d, 'FieldsV1'),
}

function rawJson(decoded: Decoded, type: string): unknown {
  const raw = decoded.get(1) as Uint8Array | undefined
  if (raw === undefined) return null
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'))
  } catch {
    throw new ProtobufError(`json: error calling MarshalJSON for type ${type}: the raw bytes are not JSON`)
  }
}
