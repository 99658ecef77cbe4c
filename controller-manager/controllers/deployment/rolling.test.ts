import { describe, expect, it } from 'vitest'
import { deploymentFixture, FakeDeploymentOps, replicaSetFixture } from './fake-deployment-ops.ts'
import { cleanupUnhealthyReplicas, reconcileOldReplicaSets, rolloutRolling } from './rolling.ts'

/** Runs rolling steps, letting every pod become available in between, until a step changes nothing. */
async function rollToCompletion(ops: FakeDeploymentOps, d: ReturnType<typeof deploymentFixture>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const before = JSON.stringify([ops.list(), d.status])
    await rolloutRolling(ops, d, ops.list())
    ops.settle()
    if (JSON.stringify([ops.list(), d.status]) === before) return
  }
  throw new Error('rollout did not settle in 20 steps')
}

describe('rolloutRolling', () => {
  it('creates the first ReplicaSet at full size with revision 1 and reports NewReplicaSetCreated', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 3 })
    await rolloutRolling(ops, d, [])
    const [rs] = ops.list()
    expect(rs.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/)
    expect(rs.spec.replicas).toBe(3)
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' })
    expect(ops.events).toEqual([`Normal ScalingReplicaSet Scaled up replica set ${rs.metadata.name} to 3`])
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rs.metadata.name}"` })
  })

  it('with maxSurge 1 and maxUnavailable 0 alternates one up, one down, then reports NewReplicaSetAvailable', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 3 })
    await rollToCompletion(ops, d)
    const [first] = ops.list()
    ops.events.length = 0

    d.spec.template!.spec!.containers![0].image = 'nginx:1.26'
    d.metadata.generation = 2
    await rollToCompletion(ops, d)
    const second = ops.list().find((rs) => rs.metadata.uid !== first.metadata.uid)!
    const [a, b] = [first.metadata.name, second.metadata.name]
    expect(ops.events).toEqual([
      `Normal ScalingReplicaSet Scaled up replica set ${b} to 1`,
      `Normal ScalingReplicaSet Scaled down replica set ${a} to 2 from 3`,
      `Normal ScalingReplicaSet Scaled up replica set ${b} to 2 from 1`,
      `Normal ScalingReplicaSet Scaled down replica set ${a} to 1 from 2`,
      `Normal ScalingReplicaSet Scaled up replica set ${b} to 3 from 2`,
      `Normal ScalingReplicaSet Scaled down replica set ${a} to 0 from 1`,
    ])
    expect(second.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2')
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, unavailableReplicas: 0, observedGeneration: 2 })
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${b}" has successfully progressed.` })
  })

  it('with maxUnavailable 1 and maxSurge 0 scales the old one down first', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 2, maxSurge: 0, maxUnavailable: 1 })
    await rollToCompletion(ops, d)
    ops.events.length = 0
    d.spec.template!.spec!.containers![0].image = 'nginx:1.26'
    await rolloutRolling(ops, d, ops.list())
    // The new ReplicaSet is created empty (no room to surge) and the old one gives up a pod.
    expect(ops.events.map((e) => e.replace(/web-\w+/g, 'X'))).toEqual(['Normal ScalingReplicaSet Scaled down replica set X to 1 from 2'])
    expect(ops.list().map((rs) => rs.spec.replicas).sort()).toEqual([0, 1])
  })

  it('deletes old ReplicaSets beyond revisionHistoryLimit once complete', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 1 })
    d.spec.revisionHistoryLimit = 1
    for (const image of ['a', 'b', 'c']) {
      d.spec.template!.spec!.containers![0].image = image
      await rollToCompletion(ops, d)
    }
    expect(ops.list().map((rs) => rs.spec.template?.spec?.containers?.[0].image).sort()).toEqual(['b', 'c'])
    expect(ops.deleted).toHaveLength(1)
  })
})

describe('reconcileOldReplicaSets', () => {
  it('does not scale old pods down while the new ones are unavailable', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 3, maxSurge: 1, maxUnavailable: 0 })
    const old = replicaSetFixture('old', 3)
    const fresh = replicaSetFixture('new', 1, { available: 0 })
    expect(await reconcileOldReplicaSets(ops, [old, fresh], [old], fresh, d)).toBe(false)
    expect(ops.events).toEqual([])
  })

  it('scales down within maxUnavailable, oldest first', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 4, maxSurge: 0, maxUnavailable: 2 })
    const older = replicaSetFixture('older', 1, { createdSecond: 0 })
    const old = replicaSetFixture('old', 3, { createdSecond: 10 })
    const fresh = replicaSetFixture('new', 0, { createdSecond: 20 })
    expect(await reconcileOldReplicaSets(ops, [older, old, fresh], [old, older], fresh, d)).toBe(true)
    expect(ops.events).toEqual([
      'Normal ScalingReplicaSet Scaled down replica set older to 0 from 1',
      'Normal ScalingReplicaSet Scaled down replica set old to 2 from 3',
    ])
  })
})

describe('cleanupUnhealthyReplicas', () => {
  it('takes unavailable replicas out first, up to the budget', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 3 })
    const sick = replicaSetFixture('sick', 3, { available: 1 })
    const result = await cleanupUnhealthyReplicas(ops, [sick], d, 5)
    expect(result.scaledDown).toBe(2)
    expect(result.oldRSs[0].spec.replicas).toBe(1)
    const capped = await cleanupUnhealthyReplicas(new FakeDeploymentOps(), [sick], d, 1)
    expect(capped.scaledDown).toBe(1)
  })
})
