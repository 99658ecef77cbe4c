// The order of a merged list, as upstream strategic merge patch sets it
// (normalizeElementOrder and mergeSortedSlice in strategicpatch/patch.go).
// Items the patch names (or `$setElementOrder` lists) follow the patch's
// order; items only the server has keep the server's order; the two runs are
// interleaved by the server's order where it knows both items. An item new to
// the server therefore lands right after the patch item before it, which for
// a patch naming one new item means the front of the list, not the end.
import type { JsonValue } from './json-value.ts'

/** The identity of a list item: its merge key's value, or the item itself for primitives. */
export type ItemKey = (item: JsonValue) => unknown

/**
 * @param merged the list after merging, server items first as they were
 * @param patchOrder the items whose order the patch sets (the patch list, or `$setElementOrder`)
 * @param serverOrder the live list before the patch
 */
export function orderMergedList(merged: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[], keyOf: ItemKey): JsonValue[] {
  const named = new Set(patchOrder.map(keyOf))
  const patchItems = sortByPosition(merged.filter((item) => named.has(keyOf(item))), patchOrder, keyOf)
  const serverOnly = sortByPosition(merged.filter((item) => !named.has(keyOf(item))), serverOrder, keyOf)
  return interleave(serverOnly, patchItems, serverOrder, keyOf)
}

function positionIn(list: JsonValue[], item: JsonValue, keyOf: ItemKey): number {
  const key = keyOf(item)
  return list.findIndex((candidate) => keyOf(candidate) === key)
}

/** Stable sort by position in `order`; items it lacks go last, in their current order. */
function sortByPosition(items: JsonValue[], order: JsonValue[], keyOf: ItemKey): JsonValue[] {
  const rank = (item: JsonValue) => {
    const position = positionIn(order, item, keyOf)
    return position < 0 ? Number.POSITIVE_INFINITY : position
  }
  return items
    .map((item) => ({ item, position: rank(item) }))
    .sort((a, b) => (a.position === b.position ? 0 : a.position < b.position ? -1 : 1))
    .map(({ item }) => item)
}

/**
 * Merges two sorted runs keeping each run's order: a server-only item goes
 * first only when the server had it before the next patch item; when the
 * server does not know the patch item, the patch item goes first.
 */
function interleave(serverOnly: JsonValue[], patchItems: JsonValue[], serverOrder: JsonValue[], keyOf: ItemKey): JsonValue[] {
  const result: JsonValue[] = []
  let s = 0
  let p = 0
  while (s < serverOnly.length && p < patchItems.length) {
    const serverPosition = positionIn(serverOrder, serverOnly[s], keyOf)
    const patchPosition = positionIn(serverOrder, patchItems[p], keyOf)
    const serverFirst = serverPosition >= 0 && patchPosition >= 0 && serverPosition < patchPosition
    result.push(serverFirst ? serverOnly[s++] : patchItems[p++])
  }
  return result.concat(serverOnly.slice(s), patchItems.slice(p))
}
