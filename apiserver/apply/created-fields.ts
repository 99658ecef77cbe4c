// The FieldsV1 an Update that creates an object owns, written in one walk of
// the object: what comparing it with nothing adds (every leaf, `.` on every
// map, optional list and list item), without the nodes the kind's zero Go
// value already has (structs, required lists), the fields its endpoint
// resets and the identity fields nobody owns. It is what the general path
// (recordUpdate from an empty object, then managed-fields' filters) yields,
// at a fraction of the cost; creates are the hottest write.
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { getMember, isJsonObject } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'
import { childType, isAtomicList, isAtomicMap, isNamedField, shapeOf } from './apply-type.ts'
import type { PathElement } from './path-element.ts'
import { compareElements, listItemElement, serializeElement } from './path-element.ts'

/** Identity and bookkeeping fields of metadata that nobody owns. */
const unownedMetadata = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'])

/** FieldsV1 for the creator of `obj`, leaving out the top-level fields in `reset`; undefined when it owns nothing. */
export function createdFieldsV1(obj: JsonObject, schema: ApplySchema, reset: readonly string[]): JsonObject | undefined {
  const root = schema.root
  const out: JsonObject = {}
  for (const key of Object.keys(obj).sort()) {
    if (key === 'apiVersion' || key === 'kind' || reset.includes(key)) continue
    const value = getMember(obj, key)!
    const t = childType(root, key)
    if (key === 'metadata') {
      // metadata itself is never owned, nor are its identity fields.
      const meta = isJsonObject(value) ? entries(value, Object.keys(value), t, schema, {}, unownedMetadata) : {}
      if (Object.keys(meta).length > 0) out['f:metadata'] = meta
      continue
    }
    out[`f:${key}`] = node(value, t, ownsNode(root, key, t, schema), schema)
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** Whether the creator owns the node of field `key` itself: not for structs and required lists, which Go's zero value has. */
function ownsNode(parent: ApplyType, key: string, t: ApplyType, schema: ApplySchema): boolean {
  if (t.type === 'object') return t.mapType === 'atomic'
  if (t.type === 'list' && parent.type === 'object') return !schema.fieldRequired(parent, key)
  return true
}

function node(value: JsonValue, t: ApplyType, owned: boolean, schema: ApplySchema): JsonObject {
  const shape = shapeOf(t, value)
  if (shape === 'list') {
    if (isAtomicList(t) || !Array.isArray(value) || value.length === 0) return {}
    const items: { pe: PathElement; id: string; item: JsonValue; twice: boolean }[] = []
    const byId = new Map<string, (typeof items)[number]>()
    for (const item of value) {
      const pe = listItemElement(t, item, schema, [])
      const id = serializeElement(pe)
      const seen = byId.get(id)
      if (seen) seen.twice = true
      else {
        const entry = { pe, id, item, twice: false }
        byId.set(id, entry)
        items.push(entry)
      }
    }
    if (items.length > 1) items.sort((a, b) => compareElements(a.pe, b.pe))
    const itemType = t.items ?? { type: 'any' }
    const out: JsonObject = owned ? { '.': {} } : {}
    // A duplicated item is owned as a whole.
    for (const e of items) out[e.id] = e.twice ? {} : node(e.item, itemType, true, schema)
    return out
  }
  if (shape === 'map') {
    if (isAtomicMap(t) || !isJsonObject(value)) return {}
    const keys = Object.keys(value)
    if (keys.length === 0) return {}
    return entries(value, keys, t, schema, owned ? { '.': {} } : {}, undefined)
  }
  return {}
}

function entries(value: JsonObject, keys: string[], t: ApplyType, schema: ApplySchema, out: JsonObject, skip: ReadonlySet<string> | undefined): JsonObject {
  sortStrings(keys)
  for (const key of keys) {
    if (skip?.has(key)) continue
    const ct = childType(t, key)
    out[fieldKey(t, key)] = node(getMember(value, key)!, ct, ownsNode(t, key, ct, schema), schema)
  }
  return out
}

// `f:<name>` strings of declared fields, made once: property names that are
// already interned make building FieldsV1 objects several times faster.
// Map keys (labels, data) are not kept, so the cache stays as small as the schemas.
const declaredFieldKeys = new Map<string, string>()

function fieldKey(t: ApplyType, key: string): string {
  if (!isNamedField(t, key)) return `f:${key}`
  let s = declaredFieldKeys.get(key)
  if (s === undefined) {
    s = `f:${key}`
    declaredFieldKeys.set(key, s)
  }
  return s
}

/** Sorts in place; an object's few keys sort faster by insertion than by Array.prototype.sort. */
function sortStrings(keys: string[]): void {
  if (keys.length > 32) {
    keys.sort()
    return
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]
    let j = i - 1
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j]
      j--
    }
    keys[j + 1] = key
  }
}
