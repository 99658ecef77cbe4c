// RFC 7386 JSON Merge Patch (`application/merge-patch+json`): what kubectl
// label, annotate, scale and `patch --type=merge` send, and what CRDs get
// instead of strategic merge. Objects merge member by member, `null` deletes
// a member, anything else (arrays included) replaces the target.
import { deleteMember, getMember, isJsonObject, setMember, type JsonObject, type JsonValue } from './json-value.ts'
import { PatchError } from './patch-error.ts'

/**
 * Applies a decoded merge patch to a copy of `doc`; neither is mutated and
 * the result shares no objects with them.
 * An array patch replaces the document, as the RFC says. A `null` or scalar
 * patch is refused as kube-apiserver refuses it (evanphx/json-patch
 * ErrBadJSONPatch), though the RFC would let it replace the document.
 * @throws PatchError BadRequest "Invalid JSON Patch" for a null or scalar patch.
 */
export function applyMergePatch(doc: JsonValue, patch: unknown): JsonValue {
  if (Array.isArray(patch)) return structuredClone(patch as JsonValue[])
  if (!isJsonObject(patch)) throw PatchError.badRequest('Invalid JSON Patch')
  return mergeObject(isJsonObject(doc) ? structuredClone(doc) : {}, patch)
}

/** Merges `patch` into `target` in place; `target` is always our own copy. */
function mergeObject(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      deleteMember(target, key)
    } else if (isJsonObject(value)) {
      // A member that is not an object yet starts empty, so nulls inside the
      // patch value are dropped rather than stored.
      const current = getMember(target, key)
      setMember(target, key, mergeObject(isJsonObject(current) ? current : {}, value))
    } else {
      setMember(target, key, structuredClone(value))
    }
  }
  return target
}
