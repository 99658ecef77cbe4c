// Applies a PATCH body of one of the four patch types to the current object.
// Which list items merge by which key comes from the kind's patch schema.
import type { KubeObject } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import { PatchError } from '../patch/patch-error.ts'
import { applyJsonPatch } from '../patch/json-patch.ts'
import { applyMergePatch } from '../patch/merge-patch.ts'
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.ts'
import { schemaFor } from '../patch/patch-meta.ts'
import type { JsonValue } from '../patch/json-value.ts'

export const patchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
]

export function applyPatch(target: { group: string; kind: string }, object: KubeObject, patchType: string, patch: unknown): KubeObject {
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
        // Server-side apply proper (field ownership, conflicts) comes with the
        // kubectl-fluency work; until then an apply merges like a strategic patch.
        return applyStrategicMergePatch(current, patch, schemaFor(target.group, target.kind)) as unknown as KubeObject
    }
  } catch (err) {
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
