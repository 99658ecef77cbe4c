// Decodes request bodies: JSON and YAML objects. Protobuf bodies (kubectl's
// typed `create` subcommands) are decoded by the protobuf module once it exists.
import { parse as parseYaml } from 'yaml'
import type { KubeObject } from '../../shared/api-types.ts'
import { apiVersionOf } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import type { ResourceDefinition } from '../registry/types.ts'

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase()
}

/** Parses a JSON or YAML document into a value; malformed input is a 400. */
export function decodeDocument(body: Buffer | undefined, contentType: string | undefined): unknown {
  const type = mediaType(contentType)
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
export function decodeObject(body: Buffer | undefined, contentType: string | undefined): Record<string, unknown> & { metadata?: Record<string, unknown> } {
  const value = decodeDocument(body, contentType)
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
