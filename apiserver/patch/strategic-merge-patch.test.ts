// Semantics of strategic merge patch on a small test type shaped like
// upstream's own test struct: a merging list of maps keyed by name, a
// merging primitive list, a replaced list, a retainKeys union.
import { describe, expect, it } from 'vitest'
import type { JsonObject, JsonValue } from './json-value.ts'
import { PatchError } from './patch-error.ts'
import type { FieldPatchMeta, PatchSchema } from './patch-meta.ts'
import { applyStrategicMergePatch } from './strategic-merge-patch.ts'

// Recursive, like upstream's MergeItem: items of mergingList are MergeItems.
const fields: Record<string, FieldPatchMeta> = {}
const schema: PatchSchema = { name: 'MergeItem', fields }
Object.assign(fields, {
  mergingList: { strategy: 'merge', mergeKey: 'name', type: schema },
  mergingIntList: { strategy: 'merge' },
  nonMergingList: {},
  replacingMap: { strategy: 'replace' },
})

const apply = (original: JsonObject, patch: unknown) => applyStrategicMergePatch(original, patch, schema)
const names = (list: JsonValue) => (list as JsonObject[]).map((i) => i.name)

function patchError(run: () => unknown): PatchError {
  try {
    run()
  } catch (err) {
    if (err instanceof PatchError) return err
    throw err
  }
  throw new Error('expected a PatchError')
}

describe('maps', () => {
  it('merge recursively; null deletes a member', () => {
    const out = apply({ a: 1, m: { x: 1, y: 2 } }, { b: 2, m: { y: null, z: 3 } })
    expect(out).toEqual({ a: 1, b: 2, m: { x: 1, z: 3 } })
  })

  it('$patch: replace takes the patch map as it is', () => {
    expect(apply({ m: { x: 1, y: 2 } }, { m: { $patch: 'replace', z: 3 } })).toEqual({ m: { z: 3 } })
    expect(apply({ name: 1, value: 1 }, { other: 'a', $patch: 'replace' })).toEqual({ other: 'a' })
  })

  it('$patch: delete empties the map', () => {
    expect(apply({ m: { x: 1 }, n: 1 }, { m: { $patch: 'delete' } })).toEqual({ m: {}, n: 1 })
  })

  it('replaces whole a map field with patchStrategy replace', () => {
    expect(apply({ replacingMap: { a: 1 } }, { replacingMap: { b: 2 } })).toEqual({ replacingMap: { b: 2 } })
  })

  it('refuses $patch: merge, which upstream only knows as a struct tag', () => {
    const err = patchError(() => apply({ m: {} }, { m: { $patch: 'merge', a: 1 } }))
    expect([err.code, err.message]).toEqual([500, 'unknown patch type: merge in map: map[$patch:merge a:1]'])
  })

  it('$retainKeys clears the fields it does not list, then merges', () => {
    const out = apply({ u: { type: 'A', a: { x: 1 }, keep: 1 } }, { u: { $retainKeys: ['type', 'b', 'keep'], type: 'B', b: { y: 2 }, a: null } })
    expect(out).toEqual({ u: { type: 'B', keep: 1, b: { y: 2 } } })
  })

  it('refuses a field missing from $retainKeys with 400', () => {
    const err = patchError(() => apply({ u: {} }, { u: { $retainKeys: ['a'], b: 1 } }))
    expect([err.code, err.message]).toEqual([400, 'invalid patch format of retainKeys'])
  })
})

describe('lists', () => {
  const original: JsonObject = { mergingList: [{ name: '1' }, { name: '2', value: 'b' }, { name: '3' }] }

  it('merge lists of maps by key, keeping the server order for existing items', () => {
    const out = apply(original, { mergingList: [{ name: '2', other: 'x' }] })
    expect(out.mergingList).toEqual([{ name: '1' }, { name: '2', value: 'b', other: 'x' }, { name: '3' }])
  })

  it('follow the patch order for the items it names (upstream "preserve the order from the patch" cases)', () => {
    expect(names(apply(original, { mergingList: [{ name: '3', value: 'c' }, { name: '1', value: 'a' }, { name: '2', other: 'x' }] }).mergingList)).toEqual(['3', '1', '2'])
    expect(apply(original, { mergingList: [{ name: '3', value: 'c' }, { name: '1', value: 'a' }] }).mergingList).toEqual([
      { name: '2', value: 'b' },
      { name: '3', value: 'c' },
      { name: '1', value: 'a' },
    ])
  })

  it('put items new to the server before later server-only items, as upstream does without $setElementOrder', () => {
    expect(names(apply(original, { mergingList: [{ name: '4' }] }).mergingList)).toEqual(['4', '1', '2', '3'])
    // The design proposal's example: live B C A, patch A' B' D gives C A' B' D.
    const live = { mergingList: [{ name: 'B' }, { name: 'C' }, { name: 'A' }] }
    expect(names(apply(live, { mergingList: [{ name: 'A' }, { name: 'B' }, { name: 'D' }] }).mergingList)).toEqual(['C', 'A', 'B', 'D'])
  })

  it('$patch: delete removes every item with the merge key', () => {
    const dup: JsonObject = { mergingList: [{ name: '1' }, { name: '1' }, { name: '2', value: 'a' }, { name: '3' }] }
    const out = apply(dup, { mergingList: [{ name: '1', $patch: 'delete' }, { name: '3', $patch: 'delete' }] })
    expect(out).toEqual({ mergingList: [{ name: '2', value: 'a' }] })
  })

  it('$patch: replace makes the other patch items the whole list', () => {
    expect(apply(original, { mergingList: [{ $patch: 'replace' }] })).toEqual({ mergingList: [] })
    expect(apply(original, { mergingList: [{ name: '9' }, { $patch: 'replace' }] })).toEqual({ mergingList: [{ name: '9' }] })
  })

  it('union primitive lists with patchStrategy merge, patch order first', () => {
    expect(apply({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] })).toEqual({ mergingIntList: [1, 2, 3] })
    expect(apply({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] })).toEqual({ mergingIntList: [2, 3, 1] })
  })

  it('$deleteFromPrimitiveList drops values, duplicates included', () => {
    const out = apply({ mergingIntList: [1, 2, 3, 3, 4] }, { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] })
    expect(out).toEqual({ mergingIntList: [1, 2, 4] })
  })

  it('replace lists without a merge strategy, and lists of unknown fields', () => {
    expect(apply({ nonMergingList: [{ name: '1' }, { name: '2' }] }, { nonMergingList: [{ name: '3' }] })).toEqual({ nonMergingList: [{ name: '3' }] })
    expect(apply({ unknown: [1, 2] }, { unknown: [3] })).toEqual({ unknown: [3] })
  })

  it('refuses an item without its merge key (500, as upstream)', () => {
    const err = patchError(() => apply({ mergingList: [{ name: '1', value: 'a' }] }, { mergingList: [{ value: 'b' }] }))
    expect([err.code, err.message]).toEqual([500, 'map: map[value:b] does not contain declared merge key: name'])
  })

  it('refuses lists of lists with 422 and $patch: merge items with 500', () => {
    expect(patchError(() => apply({ mergingIntList: [[1]] }, { mergingIntList: [[2]] })).code).toBe(422)
    expect(patchError(() => apply(original, { mergingList: [{ name: '1', $patch: 'merge' }] })).message).toBe('merging lists cannot yet be specified in the patch')
  })
})

describe('$setElementOrder', () => {
  it('sets the order of merged and untouched items (upstream "merge lists of maps" case)', () => {
    const live: JsonObject = { mergingList: [{ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }] }
    const patch = { '$setElementOrder/mergingList': [{ name: '4' }, { name: '1' }, { name: '2' }, { name: '3' }], mergingList: [{ name: '4', value: '4' }, { name: '3', value: '3' }] }
    expect(apply(live, patch).mergingList).toEqual([
      { name: '4', value: '4' },
      { name: '1', other: 'a' },
      { name: '2', value: '2', other: 'b' },
      { name: '3', value: '3' },
    ])
  })

  it('reorders without a patch list and ignores names the list lacks', () => {
    expect(names(apply({ mergingList: [{ name: 'B' }, { name: 'A' }] }, { '$setElementOrder/mergingList': [{ name: 'A' }, { name: 'C' }, { name: 'B' }] }).mergingList)).toEqual(['A', 'B'])
  })

  it('keeps server-only items, interleaved by the server order', () => {
    const live: JsonObject = { mergingList: [{ name: '1', other: 'a' }, { name: '3', value: '2' }] }
    const patch = { '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }], mergingList: [{ name: '1', value: '1' }, { name: '2', value: '2' }] }
    expect(names(apply(live, patch).mergingList)).toEqual(['1', '2', '3'])
  })

  // The design proposal's env and finalizer examples. Its text puts all
  // server-only items first; upstream's code interleaves them by the live
  // order as Go's shared slices leave it, and these are the code's answers.
  it('places items another writer added as kube-apiserver does (list of maps)', () => {
    const live = { mergingList: ['2', '5', '1', '3', '4'].map((name) => ({ name })) }
    const patch = {
      '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }, { name: '6' }],
      mergingList: [{ name: '3', $patch: 'delete' }, { name: '6', value: 'new' }],
    }
    expect(names(apply(live, patch).mergingList)).toEqual(['5', '1', '2', '4', '6'])
  })

  it('places items another writer added as kube-apiserver does (primitives)', () => {
    const patch = { '$setElementOrder/mergingIntList': [1, 2, 6], '$deleteFromPrimitiveList/mergingIntList': [3], mergingIntList: [6] }
    expect(apply({ mergingIntList: [2, 5, 1, 3, 4] }, patch)).toEqual({ mergingIntList: [5, 1, 2, 6, 4] })
  })

  it('fails (500) when the patch list is out of its order, 400 when the key is malformed', () => {
    const live = { mergingList: [{ name: '1' }, { name: '3' }, { name: '2' }] }
    const err = patchError(() => apply(live, { '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }, { name: '3' }], mergingList: [{ name: '3' }, { name: '1' }] }))
    expect(err.code).toBe(500)
    expect(err.message).toContain("doesn't match $setElementOrder list")
    expect(patchError(() => apply(live, { $setElementOrder: [] })).message).toBe('invalid patch format of setElementOrder list')
    expect(patchError(() => apply(live, { '$deleteFromPrimitiveList-x': [] })).code).toBe(400)
  })
})

describe('applyStrategicMergePatch', () => {
  it('never leaves a directive in the result, even in values new to the object', () => {
    const patch = {
      fresh: { $retainKeys: ['a'], a: { $patch: 'replace', b: 1 } },
      '$setElementOrder/mergingList': [{ name: 'x' }],
      mergingList: [{ name: 'x', '$setElementOrder/mergingList': [{ name: 'y' }], mergingList: [{ name: 'y' }, { name: 'z', $patch: 'delete' }] }],
    }
    expect(apply({}, patch)).toEqual({ fresh: { a: { b: 1 } }, mergingList: [{ name: 'x', mergingList: [{ name: 'y' }] }] })
  })

  it('mutates neither argument nor shares objects with them', () => {
    const original: JsonObject = { mergingList: [{ name: '1', m: { a: 1 } }], keep: { k: 1 } }
    const patch = { mergingList: [{ name: '1', m: { b: 2 } }], added: { n: 1 } }
    const [originalBefore, patchBefore] = [structuredClone(original), structuredClone(patch)]
    const out = apply(original, patch) as any
    expect([original, patch]).toEqual([originalBefore, patchBefore])
    expect(out.keep).not.toBe(original.keep)
    expect(out.added).not.toBe(patch.added)
  })

  it('treats a null patch as no change and refuses non-object patches with 400', () => {
    expect(apply({ a: 1 }, null)).toEqual({ a: 1 })
    const err = patchError(() => apply({ a: 1 }, [{ a: 2 }]))
    expect(err.toStatusError().status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' })
  })
})
