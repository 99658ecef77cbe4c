import { describe, expect, it } from 'vitest'
import { SortedKeys } from './sorted-keys.ts'

function collect(keys: SortedKeys, prefix: string, startAfter?: string, max = Infinity): string[] {
  const out: string[] = []
  keys.walk(prefix, startAfter, (key) => {
    out.push(key)
    return out.length < max
  })
  return out
}

describe('SortedKeys', () => {
  it('keeps lexical order across chunk splits and deletes, agreeing with a plain sorted array', () => {
    const keys = new SortedKeys()
    const model = new Set<string>()
    // A deterministic pseudo-random mix of inserts and deletes, enough to split chunks many times.
    let seed = 42
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let i = 0; i < 20_000; i++) {
      const key = `/registry/${['pods', 'services', 'apps/deployments'][next() % 3]}/ns-${next() % 7}/n-${next() % 3000}`
      if (next() % 4 === 0) {
        expect(keys.delete(key)).toBe(model.delete(key))
      } else {
        keys.add(key)
        model.add(key)
      }
    }
    const sorted = [...model].sort()
    expect(keys.size).toBe(sorted.length)
    expect(collect(keys, '')).toEqual(sorted)
    for (const prefix of ['/registry/pods/', '/registry/pods/ns-3/', '/registry/apps/', '/registry/pods/ns-3/n-1', '/nothing/']) {
      const expected = sorted.filter((k) => k.startsWith(prefix))
      expect(collect(keys, prefix)).toEqual(expected)
      expect(keys.countRange(prefix)).toBe(expected.length)
      const after = expected[Math.floor(expected.length / 2)]
      if (after !== undefined) {
        const tail = expected.filter((k) => k > after)
        expect(collect(keys, prefix, after)).toEqual(tail)
        expect(keys.countRange(prefix, after)).toBe(tail.length)
      }
    }
  })

  it('orders by whole key, as LevelDB and etcd do, not segment by segment', () => {
    const keys = new SortedKeys()
    for (const key of ['/registry/pods/b/x', '/registry/pods/b-c/y', '/registry/pods/a/z']) keys.add(key)
    // '-' sorts before '/', so namespace "b-c" comes before "b".
    expect(collect(keys, '/registry/pods/')).toEqual(['/registry/pods/a/z', '/registry/pods/b-c/y', '/registry/pods/b/x'])
  })

  it('treats startAfter below the prefix as no cursor and past it as an empty range', () => {
    const keys = new SortedKeys()
    for (const key of ['/a/1', '/b/1', '/b/2', '/c/1']) keys.add(key)
    expect(collect(keys, '/b/', '/a/9')).toEqual(['/b/1', '/b/2'])
    expect(collect(keys, '/b/', '/b/2')).toEqual([])
    expect(keys.countRange('/b/', '/z')).toBe(0)
    expect(collect(keys, '/b/', undefined, 1)).toEqual(['/b/1'])
  })

  it('ignores duplicate adds and unknown deletes', () => {
    const keys = new SortedKeys()
    keys.add('/x')
    keys.add('/x')
    expect(keys.size).toBe(1)
    expect(keys.delete('/y')).toBe(false)
    expect(keys.delete('/x')).toBe(true)
    expect(keys.size).toBe(0)
    expect(collect(keys, '')).toEqual([])
  })
})
