import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import { deploymentFixture, FakeDeploymentOps } from './fake-deployment-ops.ts'
import { oldPodsRunning, rolloutRecreate, type PodMap } from './recreate.ts'

describe('rolloutRecreate', () => {
  it('scales old ReplicaSets to 0 and creates the new one only after their pods are gone', async () => {
    const ops = new FakeDeploymentOps()
    const d = deploymentFixture({ replicas: 2, type: 'Recreate' })
    await rolloutRecreate(ops, d, ops.list(), new Map())
    ops.settle()
    const [old] = ops.list()
    d.spec.template!.spec!.containers![0].image = 'nginx:1.26'
    ops.events.length = 0

    await rolloutRecreate(ops, d, ops.list(), new Map())
    expect(ops.events).toEqual([`Normal ScalingReplicaSet Scaled down replica set ${old.metadata.name} to 0 from 2`])
    expect(ops.list()).toHaveLength(1)

    // The ReplicaSet reports 0 pods, but one is still terminating.
    ops.settle()
    const terminating: PodMap = new Map([[old.metadata.uid ?? '', [{ metadata: { name: 'p' }, status: { phase: 'Running' } } as Pod]]])
    await rolloutRecreate(ops, d, ops.list(), terminating)
    expect(ops.list()).toHaveLength(1)

    await rolloutRecreate(ops, d, ops.list(), new Map())
    const fresh = ops.list().find((rs) => rs.metadata.uid !== old.metadata.uid)!
    expect(fresh.spec.replicas).toBe(2)
    expect(ops.events.at(-1)).toBe(`Normal ScalingReplicaSet Scaled up replica set ${fresh.metadata.name} to 2`)
  })
})

describe('oldPodsRunning', () => {
  it('counts any phase but Succeeded and Failed', () => {
    const pods = (phase: string) => new Map([['old', [{ metadata: {}, status: { phase } } as Pod]]])
    expect(oldPodsRunning(undefined, [], pods('Succeeded'))).toBe(false)
    expect(oldPodsRunning(undefined, [], pods('Failed'))).toBe(false)
    expect(oldPodsRunning(undefined, [], pods('Unknown'))).toBe(true)
    expect(oldPodsRunning(undefined, [], pods('Pending'))).toBe(true)
  })
})
