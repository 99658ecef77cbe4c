// Kubernetes' protobuf encoding of one object, as client-go's typed clients
// send it (kubectl create <subcommand>, auth can-i): the 4 bytes "k8s\0",
// then a runtime.Unknown {typeMeta {apiVersion, kind}, raw, contentEncoding,
// contentType} whose raw is the object's own message. The result is the JSON
// object the same client would have sent as JSON.
import { findKind, messageOf, type Message } from './message-table.ts'
import { messageToJson } from './message-json.ts'
import { decodeMessage, ProtobufError, type Decoded } from './wire-decoder.ts'

export const protobufMediaType = 'application/vnd.kubernetes.protobuf'

/** "k8s" and the encoding style 0: the rest is a runtime.Unknown. */
const prefix = Uint8Array.of(0x6b, 0x38, 0x73, 0x00)

export interface TypeMeta {
  apiVersion: string
  kind: string
}

/** A body that cannot be decoded; the message follows upstream's serializer. */
export class ProtobufDecodeError extends Error {
  /** The type the envelope named, when the failure came after reading it. */
  readonly typeMeta: TypeMeta | undefined
  constructor(message: string, typeMeta?: TypeMeta) {
    super(message)
    this.typeMeta = typeMeta
  }
}

export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> & TypeMeta {
  if (body.length === 0) throw new ProtobufDecodeError('empty data')
  if (body.length < prefix.length || prefix.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${prefix.join(' ')}]`)
  }
  if (body.length === prefix.length) throw new ProtobufDecodeError('empty body')

  const unknown = messageOf('runtime.Unknown')
  let envelope: Decoded
  try {
    envelope = decodeMessage(unknown, body.subarray(prefix.length))
  } catch (err) {
    throw err instanceof ProtobufError ? new ProtobufDecodeError(err.message) : err
  }
  const typeMetaMessage = messageOf('runtime.TypeMeta')
  const typeMeta = (envelope.get(numberOf(unknown, 'typeMeta')) as Decoded | undefined) ?? new Map()
  const apiVersion = (typeMeta.get(numberOf(typeMetaMessage, 'apiVersion')) as string | undefined) ?? ''
  const kind = (typeMeta.get(numberOf(typeMetaMessage, 'kind')) as string | undefined) ?? ''
  const raw = (envelope.get(numberOf(unknown, 'raw')) as Uint8Array | undefined) ?? new Uint8Array()
  const goTypeMeta = `runtime.TypeMeta{APIVersion:${JSON.stringify(apiVersion)}, Kind:${JSON.stringify(kind)}}`
  if (kind === '') throw new ProtobufDecodeError(`Object 'Kind' is missing in '${goTypeMeta}'`)
  if (apiVersion === '' || apiVersion.endsWith('/')) throw new ProtobufDecodeError(`Object 'apiVersion' is missing in '${goTypeMeta}'`, { apiVersion, kind })

  const message = findKind(apiVersion, kind)
  if (!message) {
    throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`, { apiVersion, kind })
  }
  let object: unknown
  try {
    object = messageToJson(message, decodeMessage(message, raw))
  } catch (err) {
    throw err instanceof ProtobufError ? new ProtobufDecodeError(err.message, { apiVersion, kind }) : err
  }
  // TypeMeta leads the Go struct, so kind and apiVersion lead the JSON.
  return { kind, apiVersion, ...(object as Record<string, unknown>) }
}

function numberOf(message: Message, protoName: string): number {
  const field = message.fields.find((f) => f.protoName === protoName)
  if (!field) throw new Error(`${message.name} has no field ${protoName}`)
  return field.number
}
