import { describe, expect, it } from 'vitest'
import { deploymentFixture } from './fake-deployment-ops.ts'
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from './fenceposts.ts'

describe('scaledValue', () => {
  it.each([
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['25%', 1, true, 1],
    ['25%', 1, false, 0],
    ['100%', 7, false, 7],
    ['0%', 7, true, 0],
  ] as const)('%j of %d (roundUp %s) is %d', (value, total, roundUp, want) => {
    expect(scaledValue(value, total, roundUp)).toBe(want)
  })

  it('rejects a string that is not a percentage', () => {
    expect(() => scaledValue('3', 10, true)).toThrow(RangeError)
  })
})

describe('resolveFenceposts', () => {
  it('rounds surge up and unavailable down', () => {
    expect(resolveFenceposts('25%', '25%', 2)).toEqual({ surge: 1, unavailable: 0 })
    expect(resolveFenceposts('10%', '10%', 15)).toEqual({ surge: 2, unavailable: 1 })
  })

  it('makes unavailable 1 when both round to 0', () => {
    expect(resolveFenceposts('0%', '1%', 2)).toEqual({ surge: 0, unavailable: 1 })
    expect(resolveFenceposts(0, '25%', 1)).toEqual({ surge: 0, unavailable: 1 })
  })
})

describe('maxSurge / maxUnavailable of a Deployment', () => {
  it('follow spec.replicas and the rolling update parameters', () => {
    const d = deploymentFixture({ replicas: 10, maxSurge: '30%', maxUnavailable: 2 })
    expect(maxSurge(d)).toBe(3)
    expect(maxUnavailable(d)).toBe(2)
  })

  it('never let more than spec.replicas be unavailable', () => {
    expect(maxUnavailable(deploymentFixture({ replicas: 2, maxUnavailable: 5 }))).toBe(2)
  })

  it('are 0 for Recreate and for 0 replicas', () => {
    const recreate = deploymentFixture({ type: 'Recreate' })
    expect(maxSurge(recreate)).toBe(0)
    expect(maxUnavailable(recreate)).toBe(0)
    expect(maxUnavailable(deploymentFixture({ replicas: 0 }))).toBe(0)
  })
})
