import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import { BackoffStore, podFinishedTime, remainingBackoffMs } from './backoff.ts'

function finished(phase: 'Succeeded' | 'Failed', at: number): Pod {
  return {
    metadata: { name: `p${at}`, creationTimestamp: new Date(0).toISOString() },
    status: { phase, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: new Date(at).toISOString() } } }] },
  }
}

describe('remainingBackoffMs', () => {
  it('doubles from the base per failure and caps at the maximum', () => {
    expect(remainingBackoffMs(0, 0, 0, 10_000, 600_000)).toBe(0)
    expect(remainingBackoffMs(1, 0, 0, 10_000, 600_000)).toBe(10_000)
    expect(remainingBackoffMs(2, 0, 0, 10_000, 600_000)).toBe(20_000)
    expect(remainingBackoffMs(3, 0, 0, 10_000, 600_000)).toBe(40_000)
    expect(remainingBackoffMs(7, 0, 0, 10_000, 600_000)).toBe(600_000)
    expect(remainingBackoffMs(50, 0, 0, 10_000, 600_000)).toBe(600_000)
  })

  it('subtracts the time since the last failure', () => {
    expect(remainingBackoffMs(2, 1_000, 6_000, 10_000, 600_000)).toBe(15_000)
    expect(remainingBackoffMs(1, 1_000, 20_000, 10_000, 600_000)).toBe(0)
  })
})

describe('BackoffStore.next', () => {
  it('counts new failures and remembers the latest failure time', () => {
    const store = new BackoffStore()
    const r = store.next('ns/j', [], [finished('Failed', 5_000), finished('Failed', 3_000)])
    expect(r).toEqual({ key: 'ns/j', failuresAfterLastSuccess: 2, lastFailureTime: 5_000 })
    store.update(r)
    expect(store.next('ns/j', [], [finished('Failed', 9_000)])).toEqual({ key: 'ns/j', failuresAfterLastSuccess: 3, lastFailureTime: 9_000 })
  })

  it('resets on a success and keeps only failures after it', () => {
    const store = new BackoffStore()
    store.update({ key: 'k', failuresAfterLastSuccess: 4, lastFailureTime: 1_000 })
    expect(store.next('k', [finished('Succeeded', 2_000)], [])).toEqual({ key: 'k', failuresAfterLastSuccess: 0, lastFailureTime: undefined })
    expect(store.next('k', [finished('Succeeded', 5_000)], [finished('Failed', 4_000), finished('Failed', 6_000), finished('Failed', 7_000)]))
      .toEqual({ key: 'k', failuresAfterLastSuccess: 2, lastFailureTime: 7_000 })
  })
})

describe('podFinishedTime', () => {
  it('prefers container finish, then Ready=False, then deletion minus grace', () => {
    expect(podFinishedTime(finished('Failed', 7_000))).toBe(7_000)
    expect(podFinishedTime({ metadata: {}, status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: new Date(3_000).toISOString() }] } })).toBe(3_000)
    expect(podFinishedTime({ metadata: { deletionTimestamp: new Date(40_000).toISOString(), deletionGracePeriodSeconds: 30 } })).toBe(10_000)
  })
})
