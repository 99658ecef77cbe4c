import { describe, expect, it } from 'vitest'
import { differingPaths, semanticEqual } from './object-diff.ts'

describe('semanticEqual', () => {
  it('treats absent, null, [] and {} as unset', () => {
    expect(semanticEqual({ a: [], b: null, c: {} }, {})).toBe(true)
    expect(semanticEqual({ a: [1] }, {})).toBe(false)
  })

  it('compares arrays by position', () => {
    expect(semanticEqual([1, 2], [2, 1])).toBe(false)
  })
})

describe('differingPaths', () => {
  it('names the changed leaves', () => {
    const before = { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }], dnsPolicy: 'ClusterFirst' }
    const after = { containers: [{ name: 'a', ports: [{ containerPort: 81 }] }], dnsPolicy: 'Default' }
    expect(differingPaths(before, after, 'spec')).toEqual(['spec.containers[0].ports[0].containerPort', 'spec.dnsPolicy'])
  })
})
