// Decodes request bodies: JSON and YAML objects, and Kubernetes protobuf
// (kubectl's typed `create` subcommands and `auth can-i`), which becomes the
// same JSON object the client would have sent as JSON.
import { parse as parseYaml } from 'yaml'
import type { KubeObject } from '../../shared/api-types.ts'
import { apiVersionOf } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { decodeProtobufObject, ProtobufDecodeError, protobufMediaType } from '../protobuf/decode-object.ts'

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase()
}

/**
 * Parses a JSON, YAML or protobuf document into a value; malformed input is a 400.
 * `expectedKind`, the kind the URL addresses, only words protobuf errors as upstream does.
 */
export function decodeDocument(body: Buffer | undefined, contentType: string | undefined, expectedKind?: string): unknown {
  const type = mediaType(contentType)
  if (type === protobufMediaType) return decodeProtobufBody(body ?? Buffer.alloc(0), expectedKind)
  const text = body ? body.toString('utf8') : ''
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml') {
    try {
      return parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 }) ?? null
    } catch (err) {
      throw StatusError.badRequest(`error converting YAML to JSON: yaml: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  if (type === '' || type === 'application/json' || type.endsWith('+json')) {
    if (text.trim() === '') throw StatusError.badRequest('the body of the request was empty')
    try {
      return JSON.parse(text)
    } catch (err) {
      throw StatusError.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`)
    }
  }
  throw StatusError.unsupportedMediaType(type)
}

/** A body that must be one Kubernetes object. */
export function decodeObject(body: Buffer | undefined, contentType: string | undefined, expectedKind?: string): Record<string, unknown> & { metadata?: Record<string, unknown> } {
  const value = decodeDocument(body, contentType, expectedKind)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw StatusError.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`)
  }
  const obj = value as Record<string, unknown> & { metadata?: Record<string, unknown> }
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
    throw StatusError.badRequest('metadata must be an object')
  }
  return obj
}

/** The body's apiVersion and kind, when given, must be those of the URL's resource. */
export function checkTypeMeta(def: ResourceDefinition, body: KubeObject): void {
  const want = apiVersionOf(def.group, def.version)
  if (body.apiVersion !== undefined && body.apiVersion !== want && body.kind === def.kind) {
    throw StatusError.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`)
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw StatusError.badRequest(`${body.kind} in version "${def.version}" cannot be handled as a ${def.kind}: no kind "${body.kind}" is registered for version "${want}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`)
  }
}

/**
 * Upstream's create/update handlers wrap a decoding error with the type it
 * was decoded as (transformDecodeError): "<kind> in version ... cannot be
 * handled as a <URL's kind>" once the envelope named a kind, otherwise
 * "the object provided is unrecognized" with the body's first bytes.
 */
function decodeProtobufBody(body: Buffer, expectedKind: string | undefined): unknown {
  try {
    return decodeProtobufObject(body)
  } catch (err) {
    if (!(err instanceof ProtobufDecodeError)) throw err
    const { typeMeta } = err
    if (typeMeta) {
      const version = typeMeta.apiVersion.slice(typeMeta.apiVersion.indexOf('/') + 1)
      throw StatusError.badRequest(`${typeMeta.kind} in version ${JSON.stringify(version)} cannot be handled as a ${expectedKind ?? typeMeta.kind}: ${err.message}`)
    }
    const mustBe = expectedKind ? ` (must be of type ${expectedKind})` : ''
    throw StatusError.badRequest(`the object provided is unrecognized${mustBe}: ${err.message} (${summarizeData(body)})`)
  }
}

/** Upstream's summarizeData: the first 30 bytes, as text for JSON and hex otherwise. */
function summarizeData(body: Buffer): string {
  const max = 30
  if (body.length === 0) return '<empty>'
  const head = body.subarray(0, max)
  const text = body[0] === 0x7b ? head.toString('utf8') : head.toString('hex')
  return body.length > max ? `${text} ...` : text
}
