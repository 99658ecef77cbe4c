import { describe, expect, it } from 'vitest'
import type { JsonValue } from './json-value.ts'
import { applyMergePatch } from './merge-patch.ts'
import { PatchError } from './patch-error.ts'

describe('applyMergePatch', () => {
  // The example table of RFC 7386 appendix A, minus the two rows with a null
  // or scalar patch, which kube-apiserver refuses (tested below).
  it.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (doc, patch, result) => {
    expect(applyMergePatch(doc, patch)).toEqual(result)
  })

  it('removes a label for kubectl label tier-', () => {
    const doc = { metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } }, spec: { replicas: 1 } }
    const out = applyMergePatch(doc, { metadata: { labels: { tier: null } } })
    expect(out).toEqual({ metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 1 } })
  })

  it('replaces lists whole, as kubectl scale and --type=merge expect', () => {
    const doc = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } } }
    const out = applyMergePatch(doc, { spec: { replicas: 3, template: { spec: { containers: [{ name: 'c' }] } } } })
    expect(out).toEqual({ spec: { replicas: 3, template: { spec: { containers: [{ name: 'c' }] } } } })
  })

  it('never mutates its inputs nor shares objects with them', () => {
    const doc = { metadata: { labels: { a: '1' } }, data: { k: 'v' } }
    const patch = { metadata: { labels: { b: '2' } }, extra: { nested: true } }
    const out = applyMergePatch(doc, patch) as any
    expect(doc).toEqual({ metadata: { labels: { a: '1' } }, data: { k: 'v' } })
    expect(patch).toEqual({ metadata: { labels: { b: '2' } }, extra: { nested: true } })
    expect(out.data).not.toBe(doc.data)
    expect(out.extra).not.toBe(patch.extra)
  })

  it('keeps a "__proto__" member a member', () => {
    const out = applyMergePatch({}, JSON.parse('{"data":{"__proto__":{"polluted":true}}}')) as any
    expect(Object.hasOwn(out.data, '__proto__')).toBe(true)
    expect(({} as any).polluted).toBeUndefined()
  })

  it.each([null, 'bar', 42, true])('refuses a %j patch with 400 Invalid JSON Patch, as upstream', (patch) => {
    const err = (() => {
      try {
        applyMergePatch({ a: 'foo' }, patch)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(PatchError)
    expect((err as PatchError).toStatusError().status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' })
  })
})
