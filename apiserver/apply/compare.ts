// Which fields a write added, modified and removed, as structured-merge-diff's
// Compare: scalars and atomic values are compared whole; a struct, map, list
// or item that exists on one side only is itself added or removed, along
// with what lies below it.
import { isDeepStrictEqual } from 'node:util'
import type { JsonValue } from '../patch/json-value.ts'
import { getMember, isJsonObject } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'
import { childType, isAtomicList, isAtomicMap, shapeOf } from './apply-type.ts'
import { FieldSet, PathCursor } from './field-set.ts'
import type { PathElement } from './path-element.ts'
import { listItemElement, serializeElement } from './path-element.ts'

export interface Comparison {
  readonly added: FieldSet
  readonly modified: FieldSet
  readonly removed: FieldSet
}

/** Drops `fields` and everything below them from every part of a comparison. */
export function excludeFields(c: Comparison, fields: FieldSet): Comparison {
  if (fields.isEmpty()) return c
  return { added: c.added.recursiveDifference(fields), modified: c.modified.recursiveDifference(fields), removed: c.removed.recursiveDifference(fields) }
}

const added = 0
const modified = 1
const removed = 2

/** Compares `lhs` (before) with `rhs` (after); `undefined` is an absent object. */
export function compare(lhs: JsonValue | undefined, rhs: JsonValue | undefined, schema: ApplySchema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() }
  if (lhs === undefined && rhs === undefined) return c
  walk(lhs, rhs, schema.root, PathCursor.at(c.added, c.modified, c.removed), schema)
  return c
}

function walk(lhs: JsonValue | undefined, rhs: JsonValue | undefined, t: ApplyType, at: PathCursor, schema: ApplySchema): void {
  const leaf = visit(lhs, rhs, t, at, schema)
  if (!leaf) {
    if (lhs === undefined) at.add(added)
    else if (rhs === undefined) at.add(removed)
  }
}

/** Compares one value; returns true when it was a leaf (already recorded). */
function visit(lhs: JsonValue | undefined, rhs: JsonValue | undefined, t: ApplyType, at: PathCursor, schema: ApplySchema): boolean {
  // Most writes change a small part of an object: equal subtrees have nothing to report.
  if (lhs !== undefined && rhs !== undefined && typeof lhs === 'object' && isDeepStrictEqual(lhs, rhs)) return true
  const shape = shapeOf(t, rhs !== undefined ? rhs : lhs)
  if (shape === 'scalar') return leaf(lhs, rhs, at)
  if (shape === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined
    const r = Array.isArray(rhs) ? rhs : undefined
    const notList = (lhs !== undefined && lhs !== null && !l) || (rhs !== undefined && rhs !== null && !r)
    // Both empty or null: a leaf, so that [] and null stay distinct.
    if (isAtomicList(t) || notList || ((l?.length ?? 0) === 0 && (r?.length ?? 0) === 0)) return leaf(lhs, rhs, at)
    compareItems(l ?? [], r ?? [], t, at, schema)
    return false
  }
  const l = isJsonObject(lhs) ? lhs : undefined
  const r = isJsonObject(rhs) ? rhs : undefined
  const notMap = (lhs !== undefined && lhs !== null && !l) || (rhs !== undefined && rhs !== null && !r)
  const empty = (!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0)
  if (isAtomicMap(t) || notMap || empty) return leaf(lhs, rhs, at)
  if (l) for (const key of Object.keys(l)) walk(getMember(l, key), r ? getMember(r, key) : undefined, childType(t, key), at.child({ field: key }), schema)
  if (r) for (const key of Object.keys(r)) if (!l || !Object.hasOwn(l, key)) walk(undefined, getMember(r, key), childType(t, key), at.child({ field: key }), schema)
  return false
}

function leaf(lhs: JsonValue | undefined, rhs: JsonValue | undefined, at: PathCursor): true {
  if (lhs === undefined) at.add(added)
  else if (rhs === undefined) at.add(removed)
  else if (!isDeepStrictEqual(lhs, rhs)) at.add(modified)
  return true
}

function compareItems(lhs: JsonValue[], rhs: JsonValue[], t: ApplyType, at: PathCursor, schema: ApplySchema): void {
  const order: PathElement[] = []
  const left = new Map<string, JsonValue[]>()
  const right = new Map<string, JsonValue[]>()
  const where = () => at.path()
  const index = (items: JsonValue[], into: Map<string, JsonValue[]>) => {
    for (const item of items) {
      const pe = listItemElement(t, item, schema, where)
      const k = serializeElement(pe)
      const found = into.get(k)
      if (found) found.push(item)
      else {
        into.set(k, [item])
        if (into === left || !left.has(k)) order.push(pe)
      }
    }
  }
  index(lhs, left)
  index(rhs, right)
  const itemType = t.items ?? { type: 'any' }
  for (const pe of order) {
    const k = serializeElement(pe)
    const l = left.get(k) ?? []
    const r = right.get(k) ?? []
    const item = at.child(pe)
    if (l.length <= 1 && r.length <= 1) walk(l[0], r[0], itemType, item, schema)
    // Duplicated items are compared as a whole.
    else if (l.length >= 2 && r.length >= 2) {
      if (!isDeepStrictEqual(l, r)) item.add(modified)
    } else if (l.length >= 2) {
      if (r.length) walk(undefined, r[0], itemType, item, schema)
      item.add(removed)
    } else {
      if (l.length) walk(l[0], undefined, itemType, item, schema)
      item.add(added)
    }
  }
}
