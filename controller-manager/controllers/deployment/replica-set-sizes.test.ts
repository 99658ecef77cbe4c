import { describe, expect, it } from 'vitest'
import { deploymentFixture, FakeDeploymentOps, replicaSetFixture } from './fake-deployment-ops.ts'
import { isSaturated, newRSNewReplicas, planProportionalScale } from './replica-set-sizes.ts'
import { scale } from './sync.ts'

describe('newRSNewReplicas', () => {
  it('grows the new ReplicaSet only as far as replicas + maxSurge allows', () => {
    const d = deploymentFixture({ replicas: 10, maxSurge: 3, maxUnavailable: 2 })
    const old = replicaSetFixture('old', 10)
    const fresh = replicaSetFixture('new', 0)
    expect(newRSNewReplicas(d, [old, fresh], fresh)).toBe(3)
    expect(newRSNewReplicas(d, [replicaSetFixture('old', 8), replicaSetFixture('new', 3)], replicaSetFixture('new', 3))).toBe(5)
    expect(newRSNewReplicas(d, [replicaSetFixture('old', 10), replicaSetFixture('new', 3)], replicaSetFixture('new', 3))).toBe(3)
  })

  it('is spec.replicas for Recreate', () => {
    expect(newRSNewReplicas(deploymentFixture({ replicas: 4, type: 'Recreate' }), [replicaSetFixture('old', 4)], replicaSetFixture('new', 0))).toBe(4)
  })
})

describe('isSaturated', () => {
  it('needs size, desired-replicas and available pods all at spec.replicas', () => {
    const d = deploymentFixture({ replicas: 3 })
    expect(isSaturated(d, replicaSetFixture('new', 3, { desired: 3 }))).toBe(true)
    expect(isSaturated(d, replicaSetFixture('new', 3, { desired: 2 }))).toBe(false)
    expect(isSaturated(d, replicaSetFixture('new', 3, { desired: 3, available: 2 }))).toBe(false)
    expect(isSaturated(d, replicaSetFixture('new', 3))).toBe(false)
  })
})

describe('proportional scaling mid-rollout', () => {
  it('spreads a scale-up over the active ReplicaSets by their share of max-replicas', () => {
    // 10 → 15 replicas with maxSurge 3: 13 pods spread 8/5 become 18 spread 11/7.
    const d = deploymentFixture({ replicas: 15, maxSurge: 3, maxUnavailable: 2 })
    const old = replicaSetFixture('old', 8, { max: 13, desired: 10, createdSecond: 0 })
    const fresh = replicaSetFixture('new', 5, { max: 13, desired: 10, createdSecond: 10, available: 0 })
    const plan = planProportionalScale(d, fresh, [old])
    expect(plan.operation).toBe('up')
    expect(plan.sizes.map(({ rs, size }) => [rs.metadata.name, size])).toEqual([['old', 11], ['new', 7]])
  })

  it('scales down the older ReplicaSets first on a tie, and rounding leftovers go to the largest', () => {
    // 10 → 5 with maxSurge 3: 13 pods (8 old, 5 new) become 8.
    const d = deploymentFixture({ replicas: 5, maxSurge: 3, maxUnavailable: 2 })
    const old = replicaSetFixture('old', 8, { max: 13, createdSecond: 0 })
    const fresh = replicaSetFixture('new', 5, { max: 13, createdSecond: 10, available: 0 })
    const plan = planProportionalScale(d, fresh, [old])
    expect(plan.operation).toBe('down')
    const sizes = Object.fromEntries(plan.sizes.map(({ rs, size }) => [rs.metadata.name, size]))
    expect(sizes.old + sizes.new).toBe(8)
    expect(sizes).toEqual({ old: 5, new: 3 })
  })

  it('scale() records "Scaled up|down ... to N from M" and refreshes the annotations', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 15, maxSurge: 3, maxUnavailable: 2 })
    const old = replicaSetFixture('old', 8, { max: 13, desired: 10 })
    const fresh = replicaSetFixture('new', 5, { max: 13, desired: 10, createdSecond: 10, available: 0 })
    await scale(ops, d, fresh, [old])
    expect(ops.events).toEqual([
      'Normal ScalingReplicaSet Scaled up replica set old to 11 from 8',
      'Normal ScalingReplicaSet Scaled up replica set new to 7 from 5',
    ])
    expect(ops.replicaSets.get('new')?.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '15', 'deployment.kubernetes.io/max-replicas': '18' })
  })

  it('scale() sizes the only active ReplicaSet to spec.replicas', async () => {
    const ops = new FakeDeploymentOps()
    await scale(ops, deploymentFixture({ replicas: 5 }), replicaSetFixture('only', 2, { desired: 2 }), [replicaSetFixture('gone', 0)])
    expect(ops.events).toEqual(['Normal ScalingReplicaSet Scaled up replica set only to 5 from 2'])
  })
})
