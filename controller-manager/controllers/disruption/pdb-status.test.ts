import { describe, expect, it } from 'vitest'
import type { OwnerReference } from '../../../shared/api-types.ts'
import type { Pod } from '../../../shared/core-types.ts'
import {
  buildDisruptedPodMap, countHealthyPods, deletionTimeoutMs, expectedPodCount, failSafeStatus, nextStatus, scaledValue,
  type PodDisruptionBudget, type ScaleFinder,
} from './pdb-status.ts'

const rsRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }

function pod(name: string, opts: { ready?: boolean; owner?: OwnerReference | null; deleting?: boolean } = {}): Pod {
  return {
    metadata: {
      name, namespace: 'default', labels: { app: 'web' },
      ...(opts.owner === null ? {} : { ownerReferences: [opts.owner ?? rsRef] }),
      ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
    status: { conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  }
}

function pdb(spec: NonNullable<PodDisruptionBudget['spec']>, status?: PodDisruptionBudget['status']): PodDisruptionBudget {
  return { metadata: { name: 'web', namespace: 'default', generation: 1 }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, status }
}

const scaleOf = (n: number): ScaleFinder => (ref) => (ref.uid === 'rs-uid' ? { uid: 'rs-uid', scale: n } : undefined)

describe('scaledValue', () => {
  it('rounds percentages up, as the disruption controller asks', () => {
    expect(scaledValue('50%', 3, true)).toBe(2)
    expect(scaledValue('50%', 3, false)).toBe(1)
    expect(scaledValue('34%', 3, true)).toBe(2)
    expect(scaledValue('100%', 7, true)).toBe(7)
    expect(scaledValue(2, 10, true)).toBe(2)
  })

  it('rejects a string that is not a percentage', () => {
    expect(() => scaledValue('half', 3, true)).toThrow(RangeError)
  })
})

describe('expectedPodCount', () => {
  const three = [pod('a'), pod('b'), pod('c')]

  it('counts selected pods for an integer minAvailable', () => {
    expect(expectedPodCount(pdb({ minAvailable: 2 }), three, scaleOf(5))).toEqual({ expectedCount: 3, desiredHealthy: 2, unmanagedPods: [] })
  })

  it('scales a percentage minAvailable by the controller\'s replicas, rounding up', () => {
    expect(expectedPodCount(pdb({ minAvailable: '50%' }), three, scaleOf(5))).toEqual({ expectedCount: 5, desiredHealthy: 3, unmanagedPods: [] })
  })

  it('derives desiredHealthy from maxUnavailable (a percentage rounds up, so fewer must stay)', () => {
    expect(expectedPodCount(pdb({ maxUnavailable: 1 }), three, scaleOf(3)).desiredHealthy).toBe(2)
    expect(expectedPodCount(pdb({ maxUnavailable: '10%' }), three, scaleOf(3)).desiredHealthy).toBe(2)
    expect(expectedPodCount(pdb({ maxUnavailable: 5 }), three, scaleOf(3)).desiredHealthy).toBe(0)
  })

  it('counts each controller once and reports pods without one', () => {
    const loose = pod('loose', { owner: null })
    const result = expectedPodCount(pdb({ maxUnavailable: 1 }), [...three, loose], scaleOf(3))
    expect(result).toEqual({ expectedCount: 3, desiredHealthy: 2, unmanagedPods: ['loose'] })
  })

  it('fails when a pod\'s controller cannot be found', () => {
    const orphaned = pod('x', { owner: { ...rsRef, uid: 'gone' } })
    expect(() => expectedPodCount(pdb({ minAvailable: '50%' }), [orphaned], scaleOf(3))).toThrow('found no controllers for pod "x"')
  })
})

describe('disrupted pods and health', () => {
  const now = Date.parse('2024-05-01T12:00:00Z')
  const at = (msAgo: number) => new Date(now - msAgo).toISOString()

  it('keeps recent entries of live pods, drops expired, deleted and vanished ones, and says when to look again', () => {
    const pods = [pod('recent'), pod('old'), pod('deleting', { deleting: true })]
    const { disruptedPods, expired, recheckAt } = buildDisruptedPodMap(pods, {
      recent: at(30_000), old: at(deletionTimeoutMs + 1), deleting: at(1000), vanished: at(1000),
    }, now)
    expect(disruptedPods).toEqual({ recent: at(30_000) })
    expect(expired.map((p) => p.metadata.name)).toEqual(['old'])
    expect(recheckAt).toBe(now - 30_000 + deletionTimeoutMs)
  })

  it('counts ready pods that are neither terminating nor just disrupted', () => {
    const pods = [pod('a'), pod('b', { ready: false }), pod('c', { deleting: true }), pod('d')]
    expect(countHealthyPods(pods, { d: at(1000) }, now)).toBe(1)
  })
})

describe('nextStatus', () => {
  const now = Date.parse('2024-05-01T12:00:00Z')

  it('allows currentHealthy - desiredHealthy disruptions, with DisruptionAllowed True/SufficientPods', () => {
    const status = nextStatus(pdb({ minAvailable: 2 }), { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disruptedPods: {} }, now)
    expect(status).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1 })
    expect(status?.conditions).toEqual([{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2024-05-01T12:00:00Z' }])
  })

  it('allows none below the budget or while no pods are expected', () => {
    expect(nextStatus(pdb({ minAvailable: 2 }), { currentHealthy: 1, desiredHealthy: 2, expectedCount: 3, disruptedPods: {} }, now)).toMatchObject({
      disruptionsAllowed: 0, conditions: [expect.objectContaining({ status: 'False', reason: 'InsufficientPods' })],
    })
    expect(nextStatus(pdb({ maxUnavailable: 1 }), { currentHealthy: 2, desiredHealthy: 0, expectedCount: 0, disruptedPods: {} }, now)?.disruptionsAllowed).toBe(0)
  })

  it('writes nothing when the status already says it, and keeps the transition time when the condition holds', () => {
    const first = nextStatus(pdb({ minAvailable: 2 }), { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disruptedPods: {} }, now)!
    const synced = pdb({ minAvailable: 2 }, first)
    expect(nextStatus(synced, { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disruptedPods: {} }, now + 5000)).toBeUndefined()
    const later = nextStatus(synced, { currentHealthy: 4, desiredHealthy: 2, expectedCount: 4, disruptedPods: {} }, now + 5000)!
    expect(later.conditions?.[0].lastTransitionTime).toBe('2024-05-01T12:00:00Z')
  })

  it('fails safe: zero disruptions, DisruptionAllowed False/SyncFailed with the error', () => {
    const status = failSafeStatus(pdb({ minAvailable: '50%' }, { disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1, expectedPods: 3 }), new Error('found no controllers for pod "x"'), now)
    expect(status.disruptionsAllowed).toBe(0)
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "x"' })])
  })
})
