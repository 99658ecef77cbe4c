// Strategic merge patch (`application/strategic-merge-patch+json`), the
// patch kubectl apply, edit, patch and set send for built-in kinds. It is a
// merge patch whose lists follow the field's patch metadata (patch-meta.ts),
// plus directives:
//   $patch: replace | delete          on a map, or on a list item
//   $retainKeys: [fields]             clear the map's other fields first
//   $setElementOrder/<list>: [...]    the final order of <list>
//   $deleteFromPrimitiveList/<list>   values to drop from a primitive list
// Semantics follow upstream strategicpatch.StrategicMergeMapPatch. Upstream
// copies a patch value verbatim into a field the object lacks, directives
// and all, and leaves stripping them to Go's typed decoding; our objects are
// untyped, so such values are applied to nothing instead, and no directive
// key ever reaches the result.
import { orderMergedList, type ItemKey } from './element-order.ts'
import { formatGoValue, goJsonKind, goTypeName } from './go-format.ts'
import { deleteMember, getMember, isJsonObject, setMember, type JsonObject, type JsonValue } from './json-value.ts'
import { PatchError } from './patch-error.ts'
import { fieldPatchMeta, type FieldPatchMeta, type PatchSchema } from './patch-meta.ts'

const PATCH = '$patch'
const RETAIN_KEYS = '$retainKeys'
const SET_ELEMENT_ORDER = '$setElementOrder'
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList'

/**
 * Applies a decoded strategic merge patch to a copy of `original`, reading
 * list strategies from `schema` (see schemaFor). Neither argument is mutated
 * and the result shares no objects with them. A `null` patch changes nothing.
 * @throws PatchError BadRequest for a non-object patch or a malformed
 *   directive, Invalid for lists of lists, Internal for the errors upstream
 *   passes through as 500 (missing merge key, unknown `$patch`, `$setElementOrder` mismatch).
 */
export function applyStrategicMergePatch(original: JsonValue, patch: unknown, schema: PatchSchema): JsonObject {
  // Stored objects are always JSON objects; anything else patches like an empty one.
  const copy = isJsonObject(original) ? structuredClone(original) : {}
  if (patch === null || patch === undefined) return copy
  if (!isJsonObject(patch)) {
    throw PatchError.badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`)
  }
  return mergeMap(copy, structuredClone(patch), schema)
}

/** Merges `patch` into `original`; both are private copies, free to change. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema | undefined): JsonObject {
  if (Object.hasOwn(patch, PATCH)) return applyMapDirective(patch, schema)
  applyRetainKeys(original, patch)
  applySetElementOrders(original, patch, schema)
  // Deletions go last so that a value both added and deleted ends up deleted.
  const deletions: [string, JsonValue][] = []
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deletions.push([fieldOfDirective(key, DELETE_FROM_PRIMITIVE_LIST, 'invalid patch format of primitive list'), value])
    } else {
      mergeField(original, key, value, fieldPatchMeta(schema, key))
    }
  }
  for (const [field, values] of deletions) deleteFromPrimitiveList(original, field, values)
  return original
}

function mergeField(original: JsonObject, key: string, value: JsonValue, meta: FieldPatchMeta): void {
  if (value === null) return deleteMember(original, key)
  const current = getMember(original, key)
  if (isJsonObject(current) && isJsonObject(value) && meta.strategy !== 'replace') {
    setMember(original, key, mergeMap(current, value, meta.type))
  } else if (Array.isArray(current) && Array.isArray(value) && meta.strategy === 'merge') {
    setMember(original, key, mergeList(current, value, meta))
  } else {
    // Absent, of another JSON type, a replaced list or a `replace` map: the patch value wins.
    setMember(original, key, adopt(value, meta))
  }
}

/** A patch value for a place the object leaves empty: its directives apply to nothing. */
function adopt(value: JsonValue, meta: FieldPatchMeta): JsonValue {
  if (isJsonObject(value)) return mergeMap({}, value, meta.type)
  if (Array.isArray(value)) return adoptList(value, meta)
  return value
}

/** Upstream keeps `$patch` items of a new list; they only ever meant something to a live list. */
function adoptList(list: JsonValue[], meta: FieldPatchMeta): JsonValue[] {
  return list.filter((item) => !hasDirective(item)).map((item) => (isJsonObject(item) ? mergeMap({}, item, meta.type) : item))
}

function hasDirective(item: JsonValue): boolean {
  return isJsonObject(item) && Object.hasOwn(item, PATCH)
}

function applyMapDirective(patch: JsonObject, schema: PatchSchema | undefined): JsonObject {
  const directive = patch[PATCH]
  if (directive === 'delete') return {}
  if (directive === 'replace') {
    deleteMember(patch, PATCH)
    return mergeMap({}, patch, schema)
  }
  // `merge` is a struct-tag strategy only; upstream refuses it as a directive.
  throw PatchError.internal(`unknown patch type: ${formatGoValue(directive)} in map: ${formatGoValue(patch)}`)
}

/** `$retainKeys` clears the original's fields it does not list, for union types. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return
  const listed = patch[RETAIN_KEYS]
  deleteMember(patch, RETAIN_KEYS)
  if (!Array.isArray(listed)) throw PatchError.badRequest('invalid patch format of retainKeys')
  const retained = new Set<JsonValue>(listed)
  for (const [key, value] of Object.entries(patch)) {
    const isDirective = key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)
    if (value !== null && !isDirective && !retained.has(key)) throw PatchError.badRequest('invalid patch format of retainKeys')
  }
  for (const key of Object.keys(original)) if (!retained.has(key)) deleteMember(original, key)
}

/** `<prefix>/<field>` → field; anything else is a malformed directive. */
function fieldOfDirective(key: string, prefix: string, malformed: string): string {
  const slash = key.indexOf('/')
  if (slash < 0 || key.slice(0, slash) !== prefix) throw PatchError.badRequest(malformed)
  return key.slice(slash + 1)
}

function deleteFromPrimitiveList(original: JsonObject, field: string, values: JsonValue): void {
  // Upstream treats a null deletion list like `<field>: null`.
  if (values === null) return deleteMember(original, field)
  if (!Array.isArray(values)) throw badArgType(values)
  const current = getMember(original, field)
  if (Array.isArray(current)) setMember(original, field, current.filter((v) => !values.includes(v)))
}

/** Merges, then orders, each list named by a `$setElementOrder/<list>` directive. */
function applySetElementOrders(original: JsonObject, patch: JsonObject, schema: PatchSchema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue
    const order = patch[key]
    deleteMember(patch, key)
    if (!Array.isArray(order)) throw badArgType(order)
    const field = fieldOfDirective(key, SET_ELEMENT_ORDER, 'invalid patch format of setElementOrder list')
    const meta = fieldPatchMeta(schema, field)
    const current = listMember(original, field)
    const patchList = listMember(patch, field)
    const mergeKey = meta.mergeKey ?? ''
    checkPatchFollowsOrder(patchList ?? [], order, mergeKey)
    if (!current && !patchList) continue
    deleteMember(patch, field)
    let merged = current ?? adoptList(patchList ?? [], meta)
    let serverOrder = current ?? []
    if (current && patchList && meta.strategy === 'merge') ({ merged, serverView: serverOrder } = mergeListWithView(current, patchList, meta))
    else if (current && patchList) merged = adoptList(patchList, meta)
    elementKind(current ?? [], patchList ?? [])
    if (mergeKey) requireMergeKeys(mergeKey, merged, order, serverOrder)
    setMember(original, field, orderMergedList(merged, order, serverOrder, itemKey(mergeKey)))
  }
}

function listMember(obj: JsonObject, field: string): JsonValue[] | undefined {
  if (!Object.hasOwn(obj, field)) return undefined
  const value = obj[field]
  if (!Array.isArray(value)) throw badArgType(value)
  return value
}

/** Every patch item must appear in `$setElementOrder`, in the same relative order. */
function checkPatchFollowsOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return
  const items = mergeKey ? patchList.filter((item) => mapItem(item)[PATCH] !== 'delete') : patchList
  let p = 0
  let o = 0
  while (p < items.length && o < order.length) {
    if (hasDirective(items[p])) {
      p++
      continue
    }
    if (sameItem(items[p], order[o], mergeKey)) p++
    o++
  }
  if (p < items.length) {
    throw PatchError.internal(
      `The order in patch list:\n${formatGoValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${formatGoValue(order)}\n`,
    )
  }
}

function sameItem(a: JsonValue, b: JsonValue, mergeKey: string): boolean {
  if (!mergeKey) return a === b
  return mergeKeyOf(mapItem(a), mergeKey) === mergeKeyOf(mapItem(b), mergeKey)
}

/**
 * Merges two lists of a `merge` field: primitives as a set, maps item by item
 * on the merge key (`$patch: delete` items remove every match, a
 * `$patch: replace` item makes the patch's items the whole list).
 */
function mergeList(current: JsonValue[], patch: JsonValue[], meta: FieldPatchMeta): JsonValue[] {
  return mergeListWithView(current, patch, meta).merged
}

/**
 * `serverView` is the live list as upstream's `$setElementOrder` code sees it
 * after the merge. Go deletes an item by shifting the rest left in the array
 * it shares with that code, and appends new items into the freed tail, so the
 * view holds the survivors, then the first new items, then stale leftovers.
 * Server-only items are ordered against that view; we keep it so they land
 * where kube-apiserver puts them.
 */
function mergeListWithView(current: JsonValue[], patch: JsonValue[], meta: FieldPatchMeta): { merged: JsonValue[]; serverView: JsonValue[] } {
  if (current.length === 0 && patch.length === 0) return { merged: current, serverView: current }
  const mergeKey = meta.mergeKey ?? ''
  if (elementKind(current, patch) !== 'object') {
    return { merged: orderMergedList([...new Set([...current, ...patch])], patch, current, itemKey('')), serverView: current }
  }
  if (!mergeKey) throw PatchError.internal('cannot merge lists without merge key for type struct')
  const view = [...current]
  let base = [...current]
  const items: JsonObject[] = []
  let replace = false
  for (const item of patch.map(mapItem)) {
    const directive = getMember(item, PATCH)
    if (directive === undefined) items.push(item)
    else if (directive === 'delete') {
      const deleted = mergeKeyOf(item, mergeKey)
      for (let i = base.findIndex((b) => sameKeyValue(b, mergeKey, deleted)); i >= 0; i = base.findIndex((b) => sameKeyValue(b, mergeKey, deleted))) {
        view.copyWithin(i, i + 1, base.length)
        base.splice(i, 1)
      }
    } else if (directive === 'replace') replace = true
    else if (directive === 'merge') throw PatchError.internal('merging lists cannot yet be specified in the patch')
    else throw PatchError.internal(`unknown patch type: ${formatGoValue(directive)} in map: ${formatGoValue(item)}`)
  }
  if (replace) base = items.map((item) => mergeMap({}, item, meta.type))
  const toMerge = replace ? [] : items
  requireMergeKeys(mergeKey, base, toMerge)
  const serverOrder = [...base]
  for (const item of toMerge) {
    const index = base.findIndex((b) => sameKeyValue(b, mergeKey, item[mergeKey]))
    if (index >= 0) {
      base[index] = mergeMap(mapItem(base[index]), item, meta.type)
    } else {
      const added = mergeMap({}, item, meta.type)
      if (!replace && base.length < view.length) view[base.length] = added
      base.push(added)
    }
  }
  return { merged: orderMergedList(base, toMerge, serverOrder, itemKey(mergeKey)), serverView: view }
}

function sameKeyValue(item: JsonValue, mergeKey: string, value: JsonValue): boolean {
  return isJsonObject(item) && Object.hasOwn(item, mergeKey) && item[mergeKey] === value
}

function itemKey(mergeKey: string): ItemKey {
  return mergeKey ? (item) => (isJsonObject(item) ? getMember(item, mergeKey) : undefined) : (item) => item
}

/**
 * The JSON type shared by the items of the lists, undefined when empty.
 * Lists of lists are refused (422) and mixed lists fail (500), as upstream.
 */
function elementKind(...lists: JsonValue[][]): string | undefined {
  let kind: string | undefined
  for (const item of lists.flat()) {
    const itemKind = item === null ? 'null' : Array.isArray(item) ? 'array' : typeof item
    if (kind === undefined && itemKind === 'array') throw PatchError.invalid('lists of lists are not supported')
    if (kind !== undefined && itemKind !== kind) throw PatchError.internal(`list element types are not identical: ${formatGoValue(lists)}`)
    kind = itemKind
  }
  return kind
}

function mapItem(item: JsonValue): JsonObject {
  if (!isJsonObject(item)) throw PatchError.internal(`expected a map[string]interface {}, but received a ${goTypeName(item)}`)
  return item
}

function mergeKeyOf(item: JsonObject, mergeKey: string): JsonValue {
  if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey)
  return item[mergeKey]
}

function requireMergeKeys(mergeKey: string, ...lists: JsonValue[][]): void {
  for (const item of lists.flat()) mergeKeyOf(mapItem(item), mergeKey)
}

function noMergeKey(item: JsonObject, mergeKey: string): PatchError {
  return PatchError.internal(`map: ${formatGoValue(item)} does not contain declared merge key: ${mergeKey}`)
}

function badArgType(value: JsonValue): PatchError {
  return PatchError.internal(`expected a []interface {}, but received a ${goTypeName(value)}`)
}
