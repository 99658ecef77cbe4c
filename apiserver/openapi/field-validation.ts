// Server-side field validation, as upstream's strict decoding: a write whose
// body has fields the kind's schema does not know, or a key twice, is
// rejected (`fieldValidation=Strict`), answered with one `Warning` header per
// field (`Warn`, the default when the parameter is absent), or accepted
// silently (`Ignore`). Unless rejected, unknown fields are dropped, as the Go
// decoder drops what its structs have no field for.
//
// Where upstream reports what (staging/src/k8s.io/apiserver/pkg/endpoints/handlers):
// - create and update (create.go, update.go): 400 BadRequest
//   `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", ...`;
// - JSON, merge and strategic merge patches (patch.go): the patched object is
//   decoded strictly, duplicates are looked for in the patch itself; a 422
//   Invalid on the field `patch` whose value is the patched JSON (JSON and merge
//   patches) or the Go rendering of the patch (strategic merge);
// - apply patches are checked by server-side apply itself, not here.
// Warnings read `unknown field "spec.foo"` / `duplicate field "spec.replicas"`.
import { StatusError } from '../status-error.ts'
import { fieldErrors } from '../validation/field-error.ts'
import { formatGoValue } from '../patch/go-format.ts'
import type { GroupVersionKind } from './definitions.ts'
import { schemaFor, type KindSchema, type SchemaNode } from './kind-schema.ts'
import { duplicateFields } from './duplicate-fields.ts'
import { firstTypeError } from './type-errors.ts'

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore'

/** The options kind whose validation rejects a bad `fieldValidation` value. */
export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'

const supportedValues = ['', 'Ignore', 'Strict', 'Warn']

/** The `fieldValidation` query parameter; absent or empty means Warn, as upstream. */
export function parseFieldValidation(value: string | undefined, options: WriteOptionsKind): FieldValidation {
  if (value === undefined || value === '') return 'Warn'
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value
  throw StatusError.invalid('meta.k8s.io', options, '', [fieldErrors.notSupported('fieldValidation', value, supportedValues)])
}

/**
 * Unknown fields of `value` against `node`, as `unknown field "<path>"`, in
 * document order. With `prune`, each unknown field is deleted from `value`.
 */
export function unknownFields(node: SchemaNode, value: unknown, prune: boolean): string[] {
  const found: string[] = []
  walk(node, value, '', found, prune)
  return found
}

function walk(node: SchemaNode, value: unknown, path: string, found: string[], prune: boolean): void {
  if (value === null || typeof value !== 'object') return
  if (node.type === 'list') {
    if (!Array.isArray(value) || !needsWalk(node.items!)) return
    for (let i = 0; i < value.length; i++) walk(node.items!, value[i], `${path}[${i}]`, found, prune)
    return
  }
  if (Array.isArray(value)) return
  const obj = value as Record<string, unknown>
  if (node.type === 'map') {
    if (!needsWalk(node.values!)) return
    for (const key in obj) walk(node.values!, obj[key], path ? `${path}.${key}` : key, found, prune)
    return
  }
  if (node.type !== 'object') return
  const properties = node.properties!
  for (const key in obj) {
    const child = properties.get(key) ?? node.values
    if (child) {
      if (needsWalk(child)) walk(child, obj[key], path ? `${path}.${key}` : key, found, prune)
      continue
    }
    if (node.preserveUnknownFields) continue
    found.push(`unknown field "${path ? `${path}.${key}` : key}"`)
    if (prune) delete obj[key]
  }
}

function needsWalk(node: SchemaNode): boolean {
  return node.type === 'object' || node.type === 'list' || node.type === 'map'
}

/** The strict decoding errors of a request object: unknown fields (pruned unless Strict), then duplicates in its JSON text. */
function strictErrors(schema: KindSchema | undefined, directive: FieldValidation, obj: unknown, json: string | undefined): string[] {
  const errors = schema ? unknownFields(schema.root, obj, directive !== 'Strict') : []
  if (directive !== 'Ignore' && json !== undefined && json.length > 0) {
    for (const path of duplicateFields(json)) errors.push(`duplicate field "${path}"`)
  }
  return errors
}

/**
 * Checks the object of a create or update against its kind's schema. Returns
 * the warnings to send (Warn); throws the upstream 400 (Strict).
 * @param json the request body, when it was JSON: duplicates are found there
 */
export function validateRequestObject(gvk: GroupVersionKind, directive: FieldValidation, obj: unknown, json?: string): string[] {
  const schema = schemaFor(gvk)
  // A value of the wrong JSON type fails decoding upstream, whatever fieldValidation says.
  const typeError = schema && firstTypeError(schema.root, obj, gvk.kind)
  if (typeError) throw StatusError.badRequest(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${typeError}`)
  const errors = strictErrors(schema, directive, obj, json)
  if (errors.length === 0 || directive === 'Ignore') return []
  if (directive === 'Warn') return errors
  throw StatusError.badRequest(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: strict decoding error: ${errors.join(', ')}`)
}

/**
 * Checks the result of a JSON, merge or strategic merge patch. Returns the
 * warnings to send (Warn); throws upstream's 422 on the field `patch` (Strict).
 * @param patch the decoded patch document (its Go rendering names a strategic merge patch)
 * @param patchText the patch body, searched for duplicate keys
 */
export function validatePatchedObject(gvk: GroupVersionKind, directive: FieldValidation, patched: unknown, patchType: string, patch: unknown, patchText?: string): string[] {
  if (patchType === 'application/apply-patch+yaml') return []
  const schema = schemaFor(gvk)
  const typeError = schema && firstTypeError(schema.root, patched, gvk.kind)
  if (typeError) throw StatusError.invalid('', '', '', [fieldErrors.invalid('patch', JSON.stringify(patched), typeError)])
  if (directive === 'Ignore') {
    if (schema) unknownFields(schema.root, patched, true)
    return []
  }
  const duplicates = patchText ? duplicateFields(patchText).map((p) => `duplicate field "${p}"`) : []
  const unknown = schema ? unknownFields(schema.root, patched, directive !== 'Strict') : []
  const errors = [...duplicates, ...unknown]
  if (errors.length === 0 || directive === 'Warn') return errors
  const value = patchType === 'application/strategic-merge-patch+json' ? formatGoValue(patch) : JSON.stringify(patched)
  throw StatusError.invalid('', '', '', [fieldErrors.invalid('patch', value, `strict decoding error: ${errors.join(', ')}`)])
}

/** The text of a JSON request body (where duplicate keys are looked for); undefined for other media types. */
export function jsonText(body: unknown, contentType: string | undefined): string | undefined {
  if (!Buffer.isBuffer(body)) return undefined
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase()
  return type === '' || type === 'application/json' || type.endsWith('+json') ? body.toString('utf8') : undefined
}

/** Adds one `Warning` header per message, as upstream's warning recorder does (deduplicated). */
/** Adds `Warning` headers, keeping those already set on the reply; each text once. */
export function addWarnings(reply: { header(name: string, value: string[]): unknown; getHeader(name: string): unknown }, warnings: readonly string[] | undefined): void {
  if (!warnings || warnings.length === 0) return
  const present = reply.getHeader('warning')
  const existing = present === undefined ? [] : Array.isArray(present) ? present.map(String) : [String(present)]
  const added = [...new Set(warnings)].map(warningHeader).filter((h) => !existing.includes(h))
  if (added.length > 0) reply.header('warning', [...existing, ...added])
}

/** A `Warning` response header value: `299 - "text"`, quotes and backslashes escaped. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}
