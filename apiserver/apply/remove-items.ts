// Removes the members of a field set from a value, as structured-merge-diff's
// RemoveItems: a member goes with everything below it; a struct, map or list
// left empty goes too (upstream leaves a null that decoding drops).
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { isJsonObject, setMember } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'
import { childType, isAtomicList, isAtomicMap, shapeOf } from './apply-type.ts'
import type { FieldSet } from './field-set.ts'
import type { PathElement } from './path-element.ts'
import { listItemElement } from './path-element.ts'

/** `value` without the members of `set`; the root is never removed (an emptied object is `{}`). */
export function removeItems(value: JsonValue, set: FieldSet, schema: ApplySchema): JsonValue {
  if (set.isEmpty()) return value
  return remove(value, set, schema.root, [], schema) ?? {}
}

function remove(value: JsonValue, set: FieldSet, t: ApplyType, path: PathElement[], schema: ApplySchema): JsonValue | undefined {
  const shape = shapeOf(t, value)
  if (shape === 'list') {
    if (!Array.isArray(value) || value.length === 0 || isAtomicList(t)) return value
    const out: JsonValue[] = []
    for (const item of value) {
      const pe = listItemElement(t, item, schema, path)
      if (set.hasMember(pe)) continue
      const below = set.withPrefix(pe)
      const kept = below.isEmpty() ? item : remove(item, below, t.items ?? { type: 'any' }, [...path, pe], schema)
      if (kept !== undefined) out.push(kept)
    }
    return out.length > 0 ? out : undefined
  }
  if (shape === 'map') {
    if (!isJsonObject(value) || Object.keys(value).length === 0 || isAtomicMap(t)) return value
    const out: JsonObject = {}
    for (const [key, v] of Object.entries(value)) {
      const pe = { field: key }
      if (set.hasMember(pe)) continue
      const below = set.withPrefix(pe)
      const kept = below.isEmpty() ? v : remove(v, below, childType(t, key), [...path, pe], schema)
      if (kept !== undefined) setMember(out, key, kept)
    }
    return Object.keys(out).length > 0 ? out : undefined
  }
  return value
}
