import { describe, it, expect } from 'vitest'
import type { Taint, Toleration } from './core-types.ts'
import {
  findUntoleratedTaint,
  isDoNotScheduleTaint,
  taintNodeNotReady,
  taintNodeUnreachable,
  taintNodeUnschedulable,
  tolerates,
  tolerationsTolerateTaint,
} from './taints.ts'

const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }

describe('tolerates', () => {
  it('Equal matches key, value and effect', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint)).toBe(true)
    expect(tolerates({ key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }, taint)).toBe(false)
    expect(tolerates({ key: 'other', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint)).toBe(false)
  })

  it('a missing operator means Equal', () => {
    expect(tolerates({ key: 'dedicated', value: 'gpu' }, taint)).toBe(true)
    expect(tolerates({ key: 'dedicated', value: 'x' }, taint)).toBe(false)
    // An absent value equals an empty one.
    expect(tolerates({ key: 'k' }, { key: 'k', value: '', effect: 'NoSchedule' })).toBe(true)
  })

  it('Exists matches any value of the key', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Exists' }, taint)).toBe(true)
    expect(tolerates({ key: 'other', operator: 'Exists' }, taint)).toBe(false)
  })

  it('an empty key with Exists matches every taint', () => {
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true)
    expect(tolerates({ operator: 'Exists' }, { key: taintNodeUnreachable, effect: 'NoExecute' })).toBe(true)
    expect(tolerates({ operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false)
  })

  it('an empty effect matches every effect, a set one only its own', () => {
    expect(tolerates({ key: 'dedicated', operator: 'Exists' }, { ...taint, effect: 'PreferNoSchedule' })).toBe(true)
    expect(tolerates({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false)
  })

  it('an unknown operator tolerates nothing', () => {
    expect(tolerates({ key: 'dedicated', operator: 'In', value: 'gpu' }, taint)).toBe(false)
  })

  it('Gt and Lt compare integers only when comparison operators are enabled', () => {
    const numeric: Taint = { key: 'tier', value: '5', effect: 'NoSchedule' }
    const gt: Toleration = { key: 'tier', operator: 'Gt', value: '3' }
    const lt: Toleration = { key: 'tier', operator: 'Lt', value: '3' }
    expect(tolerates(gt, numeric)).toBe(false)
    expect(tolerates(gt, numeric, { comparisonOperators: true })).toBe(true)
    expect(tolerates(lt, numeric, { comparisonOperators: true })).toBe(false)
    expect(tolerates({ key: 'tier', operator: 'Lt', value: '10' }, numeric, { comparisonOperators: true })).toBe(true)
    expect(tolerates(gt, { ...numeric, value: 'five' }, { comparisonOperators: true })).toBe(false)
  })
})

describe('tolerationsTolerateTaint', () => {
  it('is true when any toleration matches', () => {
    expect(tolerationsTolerateTaint([{ key: 'a', operator: 'Exists' }, { key: 'dedicated', operator: 'Exists' }], taint)).toBe(true)
    expect(tolerationsTolerateTaint([{ key: 'a', operator: 'Exists' }], taint)).toBe(false)
    expect(tolerationsTolerateTaint(undefined, taint)).toBe(false)
  })
})

describe('findUntoleratedTaint', () => {
  const taints: Taint[] = [
    { key: 'soft', effect: 'PreferNoSchedule' },
    { key: taintNodeNotReady, effect: 'NoExecute' },
    { key: taintNodeUnschedulable, effect: 'NoSchedule' },
  ]

  it('returns the first taint no toleration covers', () => {
    expect(findUntoleratedTaint(taints, [])).toEqual(taints[0])
    expect(findUntoleratedTaint(taints, [{ key: 'soft', operator: 'Exists' }])).toEqual(taints[1])
  })

  it('looks only at taints the filter keeps', () => {
    expect(findUntoleratedTaint(taints, [], isDoNotScheduleTaint)).toEqual(taints[1])
    expect(findUntoleratedTaint(taints, [{ key: taintNodeNotReady, operator: 'Exists' }], isDoNotScheduleTaint)).toEqual(taints[2])
  })

  it('is undefined when everything is tolerated or there are no taints', () => {
    expect(findUntoleratedTaint(taints, [{ operator: 'Exists' }])).toBeUndefined()
    expect(findUntoleratedTaint(undefined, [])).toBeUndefined()
    expect(findUntoleratedTaint(taints, [], (t) => t.effect === 'NoExecute' && t.key === 'none')).toBeUndefined()
  })
})

describe('isDoNotScheduleTaint', () => {
  it('keeps NoSchedule and NoExecute only', () => {
    expect(isDoNotScheduleTaint({ key: 'a', effect: 'NoSchedule' })).toBe(true)
    expect(isDoNotScheduleTaint({ key: 'a', effect: 'NoExecute' })).toBe(true)
    expect(isDoNotScheduleTaint({ key: 'a', effect: 'PreferNoSchedule' })).toBe(false)
  })
})
