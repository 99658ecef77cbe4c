import { describe, expect, it } from 'vitest'
import { newCondition, setCondition } from './conditions.ts'
import type { DeploymentStatus } from './deployment-types.ts'
import { deploymentFixture, replicaSetFixture } from './fake-deployment-ops.ts'
import { rolloutStatus, stuckRequeueAfterMs } from './progress.ts'
import { calculateStatus } from './status.ts'

const t0 = Date.parse('2026-01-01T00:00:00Z')
const progressing = (s: DeploymentStatus | undefined) => s?.conditions?.find((c) => c.type === 'Progressing')
const available = (s: DeploymentStatus | undefined) => s?.conditions?.find((c) => c.type === 'Available')

describe('calculateStatus', () => {
  it('sums the ReplicaSets and sets Available from spec.replicas - maxUnavailable', () => {
    const d = deploymentFixture({ replicas: 4, maxSurge: 1, maxUnavailable: 1 })
    const old = replicaSetFixture('old', 2)
    const fresh = replicaSetFixture('new', 3, { available: 1 })
    const s = calculateStatus([old, fresh], fresh, d, t0)
    expect(s).toMatchObject({ observedGeneration: 1, replicas: 5, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 2 })
    expect(available(s)).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' })
    const low = calculateStatus([replicaSetFixture('new', 4, { available: 2 })], undefined, d, t0)
    expect(available(low)).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' })
  })

  it('never reports negative unavailability while scaling down', () => {
    const d = deploymentFixture({ replicas: 1 })
    const rs = replicaSetFixture('rs', 1)
    rs.status!.availableReplicas = 3
    expect(calculateStatus([rs], rs, d, t0).unavailableReplicas).toBe(0)
  })
})

describe('setCondition', () => {
  it('keeps lastTransitionTime while the status stays and ignores a repeat', () => {
    const s: DeploymentStatus = {}
    setCondition(s, newCondition('Progressing', 'True', 'A', 'a', t0))
    setCondition(s, newCondition('Progressing', 'True', 'B', 'b', t0 + 5000))
    expect(progressing(s)).toMatchObject({ reason: 'B', lastTransitionTime: '2026-01-01T00:00:00Z', lastUpdateTime: '2026-01-01T00:00:05Z' })
    setCondition(s, newCondition('Progressing', 'True', 'B', 'other', t0 + 9000))
    expect(progressing(s)?.message).toBe('b')
  })
})

describe('rolloutStatus', () => {
  it('says NewReplicaSetAvailable once complete', () => {
    const d = deploymentFixture({ replicas: 2 })
    const rs = replicaSetFixture('web-abc', 2)
    expect(progressing(rolloutStatus([rs], rs, d, t0))).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-abc" has successfully progressed.' })
  })

  it('says ReplicaSetUpdated when pods moved, keeping lastTransitionTime and moving lastUpdateTime', () => {
    const d = deploymentFixture({ replicas: 2 })
    d.status = { replicas: 2, updatedReplicas: 0, conditions: [newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'x', t0)] }
    const fresh = replicaSetFixture('web-new', 1, { available: 0 })
    const s = rolloutStatus([replicaSetFixture('web-old', 2), fresh], fresh, d, t0 + 60_000)
    expect(progressing(s)).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-new" is progressing.', lastTransitionTime: '2026-01-01T00:00:00Z', lastUpdateTime: '2026-01-01T00:01:00Z' })
  })

  it('says ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds', () => {
    const d = deploymentFixture({ replicas: 2 })
    d.spec.progressDeadlineSeconds = 60
    const fresh = replicaSetFixture('web-new', 1, { available: 0 })
    const old = replicaSetFixture('web-old', 2)
    d.status = calculateStatus([old, fresh], fresh, d, t0)
    setCondition(d.status, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', t0))
    expect(progressing(rolloutStatus([old, fresh], fresh, d, t0 + 30_000))?.reason).toBe('ReplicaSetUpdated')
    expect(stuckRequeueAfterMs(d, rolloutStatus([old, fresh], fresh, d, t0 + 30_000), t0 + 30_000)).toBe(31_000)
    expect(progressing(rolloutStatus([old, fresh], fresh, d, t0 + 61_000))).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-new" has timed out progressing.' })
  })

  it('drops Progressing without a deadline and carries ReplicaSet failures over', () => {
    const d = deploymentFixture({ replicas: 1 })
    delete d.spec.progressDeadlineSeconds
    const rs = replicaSetFixture('web-abc', 1, { available: 0 })
    rs.status!.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: '2026-01-01T00:00:00Z' }]
    const s = rolloutStatus([rs], rs, d, t0)
    expect(progressing(s)).toBeUndefined()
    expect(s.conditions?.find((c) => c.type === 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate', message: 'quota' })
  })
})
