import { describe, expect, it } from 'vitest'
import { computeHash, fnv32a, safeEncodeString } from './pod-template-hash.ts'

const bytes = (s: string) => new TextEncoder().encode(s)
const template = () => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } })

describe('fnv32a', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv32a(bytes(''))).toBe(0x811c9dc5)
    expect(fnv32a(bytes('a'))).toBe(0xe40c292c)
    expect(fnv32a(bytes('foobar'))).toBe(0xbf9cf968)
  })

  it('continues from a previous sum as Go hash.Write does', () => {
    expect(fnv32a(bytes('bar'), fnv32a(bytes('foo')))).toBe(fnv32a(bytes('foobar')))
  })
})

describe('safeEncodeString', () => {
  it('maps each digit onto the vowel-free alphabet by code point', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf')
  })
})

describe('computeHash', () => {
  it('is the safe-encoded decimal of a 32-bit sum, stable for the same template', () => {
    const h = computeHash(template())
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
    expect(computeHash(template())).toBe(h)
  })

  it('ignores key order and empty fields, as the wire form cannot keep them', () => {
    const reordered = { spec: { containers: [{ image: 'nginx:1.25', name: 'c', env: [] }] }, metadata: { annotations: {}, labels: { app: 'web' } } }
    expect(computeHash(reordered)).toBe(computeHash(template()))
  })

  it('changes with the template', () => {
    const t = template()
    t.spec.containers[0].image = 'nginx:1.26'
    expect(computeHash(t)).not.toBe(computeHash(template()))
  })

  it('mixes in collisionCount, and a count of 0 differs from none', () => {
    const none = computeHash(template())
    const zero = computeHash(template(), 0)
    const one = computeHash(template(), 1)
    expect(new Set([none, zero, one]).size).toBe(3)
    expect(computeHash(template(), 1)).toBe(one)
  })
})
