// Merges an applied configuration into the live object, as structured-merge-
// diff's Merge: the configuration wins on every leaf it sets; structs and
// granular maps merge key by key; map lists merge item by item on their keys
// and sets by value, keeping the configuration's order for its items and the
// live order for the others; atomic lists and maps are replaced whole.
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { deleteMember, getMember, isJsonObject, setMember } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'
import { childType, isAtomicList, isAtomicMap, shapeOf } from './apply-type.ts'
import type { PathElement } from './path-element.ts'
import { elementString, listItemElement, serializeElement, TypedValueError } from './path-element.ts'

/** `rhs` merged into `lhs`; either may be undefined (absent). Explicit nulls of `rhs` are kept. */
export function merge(lhs: JsonValue | undefined, rhs: JsonValue | undefined, schema: ApplySchema): JsonValue | undefined {
  return mergeValue(lhs, rhs, schema.root, [], schema)
}

function mergeValue(lhs: JsonValue | undefined, rhs: JsonValue | undefined, t: ApplyType, path: PathElement[], schema: ApplySchema): JsonValue | undefined {
  if (rhs === undefined) return lhs
  if (lhs === undefined) return rhs
  const shape = shapeOf(t, rhs)
  if (shape === 'scalar') return rhs
  if (shape === 'list') {
    const l = Array.isArray(lhs) ? lhs : lhs === null ? [] : undefined
    const r = Array.isArray(rhs) ? rhs : rhs === null ? [] : undefined
    if (isAtomicList(t) || !l || !r || (l.length === 0 && r.length === 0)) return rhs
    return mergeItems(l, r, t, path, schema)
  }
  const l = isJsonObject(lhs) ? lhs : lhs === null ? {} : undefined
  const r = isJsonObject(rhs) ? rhs : rhs === null ? {} : undefined
  if (isAtomicMap(t) || !l || !r || (Object.keys(l).length === 0 && Object.keys(r).length === 0)) return rhs
  const out: JsonObject = {}
  for (const key of Object.keys(l)) {
    const v = mergeValue(getMember(l, key), getMember(r, key), childType(t, key), [...path, { field: key }], schema)
    if (v !== undefined) setMember(out, key, v)
  }
  for (const key of Object.keys(r)) {
    if (Object.hasOwn(l, key)) continue
    setMember(out, key, getMember(r, key)!)
  }
  return out
}

/**
 * Live items that the configuration does not name keep their place; the
 * configuration's items come in its order, each at the first spot where the
 * live order allows it (upstream's visitListItems).
 */
function mergeItems(lhs: JsonValue[], rhs: JsonValue[], t: ApplyType, path: PathElement[], schema: ApplySchema): JsonValue[] {
  const itemType = t.items ?? { type: 'any' }
  const rKeys: string[] = []
  const observedR = new Map<string, JsonValue>()
  const elements = new Map<string, PathElement>()
  for (const item of rhs) {
    const pe = listItemElement(t, item, schema, path)
    const k = serializeElement(pe)
    if (observedR.has(k)) throw new TypedValueError(path, `duplicate entries for key ${elementString(pe)}`)
    observedR.set(k, item)
    elements.set(k, pe)
    rKeys.push(k)
  }
  const lKeys: string[] = []
  // Duplicated live items are not merged with the configuration's: they are replaced by it.
  const observedL = new Map<string, JsonValue | null>()
  for (const item of lhs) {
    const pe = listItemElement(t, item, schema, path)
    const k = serializeElement(pe)
    observedL.set(k, observedL.has(k) ? null : item)
    elements.set(k, pe)
    lKeys.push(k)
  }
  const shared = rKeys.filter((k) => observedL.has(k))
  let nextShared = shared.shift()
  const mergedR = new Set<string>()
  const out: JsonValue[] = []
  const push = (l: JsonValue | undefined, r: JsonValue | undefined, k: string) => {
    const v = mergeValue(l, r, itemType, [...path, elements.get(k)!], schema)
    if (v !== undefined) out.push(v)
  }
  let li = 0
  let ri = 0
  while (li < lKeys.length || ri < rKeys.length) {
    if (li < lKeys.length && ri < rKeys.length) {
      const k = lKeys[li]
      if (k === rKeys[ri]) {
        mergedR.add(k)
        push(observedL.get(k) ?? undefined, observedR.get(k), k)
        li++
        ri++
        nextShared = shared.shift()
        continue
      }
      // A shared item, but not the next one the configuration places: it comes later.
      if (observedR.has(k) && nextShared !== undefined && nextShared !== k) {
        li++
        continue
      }
    }
    if (li < lKeys.length) {
      const k = lKeys[li]
      if (!observedR.has(k)) {
        push(lhs[li], undefined, k)
        li++
        continue
      }
      if (mergedR.has(k)) li++
    }
    if (ri < rKeys.length) {
      const k = rKeys[ri]
      mergedR.add(k)
      push(observedL.has(k) ? (observedL.get(k) ?? null) : undefined, observedR.get(k), k)
      ri++
      if (nextShared === k) nextShared = shared.shift()
    }
  }
  return out
}

/**
 * Removes from `merged` the fields the configuration set to null: applying
 * `field: null` claims the field and leaves it unset, as upstream's decoding
 * into typed objects does.
 */
export function removeAppliedNulls(merged: JsonValue | undefined, config: JsonValue, schema: ApplySchema): void {
  dropNulls(merged, config, schema.root, [], schema)
}

function dropNulls(merged: JsonValue | undefined, config: JsonValue, t: ApplyType, path: PathElement[], schema: ApplySchema): void {
  if (merged === undefined || merged === null) return
  const shape = shapeOf(t, config)
  if (shape === 'map' && isJsonObject(config) && isJsonObject(merged) && !isAtomicMap(t)) {
    for (const [key, v] of Object.entries(config)) {
      if (v === null) deleteMember(merged, key)
      else dropNulls(getMember(merged, key), v, childType(t, key), [...path, { field: key }], schema)
    }
  } else if (shape === 'list' && Array.isArray(config) && Array.isArray(merged) && !isAtomicList(t)) {
    const byKey = new Map<string, JsonValue>()
    for (const item of merged) byKey.set(serializeElement(listItemElement(t, item, schema, path)), item)
    for (const item of config) {
      if (item === null) continue
      const pe = listItemElement(t, item, schema, path)
      dropNulls(byKey.get(serializeElement(pe)), item, t.items ?? { type: 'any' }, [...path, pe], schema)
    }
  }
}
