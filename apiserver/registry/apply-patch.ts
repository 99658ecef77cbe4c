// Applies a PATCH body of one of the four patch types to the current object.
// Which list items merge by which key comes from the kind's patch schema.
// Server-side apply proper (field ownership, conflicts, removal of dropped
// fields) is RestStore.apply; here an apply body is only merged the way apply
// merges, for callers that patch a view of the object (the scale subresource)
// or have not moved to RestStore.apply yet.
import type { KubeObject } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import { PatchError } from '../patch/patch-error.ts'
import { applyJsonPatch } from '../patch/json-patch.ts'
import { applyMergePatch } from '../patch/merge-patch.ts'
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.ts'
import { schemaFor } from '../patch/patch-meta.ts'
import type { JsonValue } from '../patch/json-value.ts'
import { isJsonObject } from '../patch/json-value.ts'
import { deducedSchema } from '../apply/apply-type.ts'
import { merge, removeAppliedNulls } from '../apply/merge.ts'
import { applySchemaFor } from '../apply/openapi-schema.ts'
import { TypedValueError } from '../apply/path-element.ts'

export const patchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
]

export function applyPatch(target: { group: string; version?: string; kind: string }, object: KubeObject, patchType: string, patch: unknown): KubeObject {
  const current = object as unknown as JsonValue
  try {
    switch (patchType) {
      case 'application/json-patch+json':
        return applyJsonPatch(current, patch as JsonValue) as unknown as KubeObject
      case 'application/merge-patch+json':
        return applyMergePatch(current, patch as JsonValue) as unknown as KubeObject
      case 'application/strategic-merge-patch+json':
        return applyStrategicMergePatch(current, patch, schemaFor(target.group, target.kind)) as unknown as KubeObject
      case 'application/apply-patch+yaml':
        return mergeApplied(target, current, patch)
    }
  } catch (err) {
    if (err instanceof TypedValueError) throw StatusError.badRequest(err.message)
    throw err instanceof PatchError ? err.toStatusError() : err
  }
  throw new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(', ')}`,
    reason: 'UnsupportedMediaType',
    code: 415,
  })
}

/** The apply body merged into the object by list types and map keys, without ownership. */
function mergeApplied(target: { group: string; version?: string; kind: string }, current: JsonValue, patch: unknown): KubeObject {
  if (!isJsonObject(patch as JsonValue)) throw StatusError.badRequest('error decoding YAML: the body of an apply patch must be an object')
  const schema = target.version ? applySchemaFor({ group: target.group, version: target.version, kind: target.kind }) : deducedSchema
  const merged = merge(current, patch as JsonValue, schema) ?? {}
  removeAppliedNulls(merged, patch as JsonValue, schema)
  return merged as unknown as KubeObject
}
