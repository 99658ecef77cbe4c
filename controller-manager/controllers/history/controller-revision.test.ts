import { describe, expect, it } from 'vitest'
import {
  canonicalJson, computeTemplateHash, controllerRevisionName, equalRevision, fnv32, fnv32a, hashControllerRevision, newControllerRevision,
  nextRevision, safeEncodeString, sortControllerRevisions, templateFromRevision, templatePatch, type ControllerRevision,
} from './controller-revision.ts'

const bytes = (s: string) => new TextEncoder().encode(s)
const rev = (name: string, revision: number, data: unknown = {}, creationTimestamp?: string): ControllerRevision =>
  ({ metadata: { name, creationTimestamp }, revision, data })

describe('FNV hashes', () => {
  it('match Go hash/fnv for known inputs', () => {
    expect(fnv32(bytes(''))).toBe(0x811c9dc5)
    expect(fnv32(bytes('a'))).toBe(0x050c5d7e)
    expect(fnv32a(bytes('a'))).toBe(0xe40c292c)
    expect(fnv32a(bytes('foobar'))).toBe(0xbf9cf968)
  })
})

describe('safeEncodeString', () => {
  it('maps each byte into the vowel-free alphabet', () => {
    // '0' is byte 48, 48 % 27 = 21 → '4'; '1' → 22 → '5'
    expect(safeEncodeString('01')).toBe('45')
    expect(safeEncodeString('1234567890')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/)
  })
})

describe('canonicalJson', () => {
  it('sorts keys at every level and escapes HTML characters as Go does', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: '<&>' } })).toBe('{"a":{"c":"\\u003c\\u0026\\u003e","d":[2,{"y":2,"z":1}]},"b":1}')
  })
})

describe('revision hashing and naming', () => {
  const data = templatePatch({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })

  it('names a revision <parent>-<hash> and labels it with the hash', () => {
    const parent = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'ns', uid: 'u1' } }
    const cr = newControllerRevision(parent, { app: 'web' }, data, 3, 0)
    const hash = hashControllerRevision(data, 0)
    expect(cr.metadata.name).toBe(`web-${hash}`)
    expect(cr.metadata.labels).toEqual({ app: 'web', 'controller.kubernetes.io/hash': hash })
    expect(cr.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }])
    expect(cr.revision).toBe(3)
  })

  it('gives another name for another collision count or another template', () => {
    expect(hashControllerRevision(data, 0)).not.toBe(hashControllerRevision(data, 1))
    expect(hashControllerRevision(data, 0)).toBe(hashControllerRevision(structuredClone(data), 0))
    const other = templatePatch({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })
    expect(hashControllerRevision(other, 0)).not.toBe(hashControllerRevision(data, 0))
    expect(computeTemplateHash({ spec: {} }, 0)).not.toBe(computeTemplateHash({ spec: {} }, 1))
    expect(computeTemplateHash({ spec: { a: 1, b: 2 } })).toBe(computeTemplateHash({ spec: { b: 2, a: 1 } }))
  })

  it('cuts long prefixes to 223 characters', () => {
    expect(controllerRevisionName('x'.repeat(300), 'h')).toBe(`${'x'.repeat(223)}-h`)
  })

  it('stores the template as a replace patch and reads it back', () => {
    expect(data).toEqual({ spec: { template: { $patch: 'replace', metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } })
    expect(templateFromRevision({ metadata: {}, data })).toEqual({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })
  })
})

describe('revision lists', () => {
  it('sorts by revision, then creation time, then name', () => {
    const sorted = sortControllerRevisions([
      rev('c', 2), rev('b', 1, {}, '2024-01-01T00:00:02Z'), rev('a', 1, {}, '2024-01-01T00:00:02Z'), rev('z', 1, {}, '2024-01-01T00:00:01Z'),
    ])
    expect(sorted.map((r) => r.metadata.name)).toEqual(['z', 'a', 'b', 'c'])
  })

  it('numbers the next revision one past the highest', () => {
    expect(nextRevision([])).toBe(1)
    expect(nextRevision([rev('a', 4), rev('b', 2)])).toBe(5)
  })

  it('compares revisions by data, whatever the key order', () => {
    expect(equalRevision(rev('a', 1, { x: 1, y: 2 }), rev('b', 2, { y: 2, x: 1 }))).toBe(true)
    expect(equalRevision(rev('a', 1, { x: 1 }), rev('b', 1, { x: 2 }))).toBe(false)
    expect(equalRevision(undefined, rev('a', 1))).toBe(false)
  })
})
