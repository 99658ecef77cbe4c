// Rollout progress (upstream's progress.go): after a rolling or recreate
// step, the status gets the Progressing condition that says where the
// rollout stands — NewReplicaSetAvailable when complete, ReplicaSetUpdated
// whenever pods moved, ProgressDeadlineExceeded once nothing moved for
// progressDeadlineSeconds — plus any ReplicaFailure of the ReplicaSets.
import { getCondition, newCondition, removeCondition, replicaSetToDeploymentCondition, setCondition } from './conditions.ts'
import {
  conditionProgressing, conditionReplicaFailure, hasProgressDeadline, reasons,
  type Deployment, type DeploymentCondition, type DeploymentStatus, type ReplicaSet,
} from './deployment-types.ts'
import { calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut } from './status.ts'
import { sameStatus, writeStatus, type DeploymentOps } from './sync.ts'

/** The status after a rollout step, Progressing and ReplicaFailure conditions included. */
export function rolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, now)
  if (!hasProgressDeadline(d)) removeCondition(status, conditionProgressing)
  const current = getCondition(d.status, conditionProgressing)
  // Once complete, a Deployment stays so until something new happens (replicas outnumber updated ones again).
  const isCompleteDeployment = status.replicas === status.updatedReplicas && current?.reason === reasons.newRSAvailable
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition(conditionProgressing, 'True', reasons.newRSAvailable, `${subject} has successfully progressed.`, now))
    } else if (deploymentProgressing(d, status)) {
      const condition = newCondition(conditionProgressing, 'True', reasons.replicaSetUpdated, `${subject} is progressing.`, now)
      // Progress moves lastUpdateTime even when the reason stays, which
      // setCondition would not do; lastTransitionTime stays while True.
      if (current) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime
        removeCondition(status, conditionProgressing)
      }
      setCondition(status, condition)
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition(conditionProgressing, 'False', reasons.timedOut, `${subject} has timed out progressing.`, now))
    }
  }
  const failures = replicaFailures(allRSs, newRS)
  if (failures.length > 0) setCondition(status, failures[0])
  else removeCondition(status, conditionReplicaFailure)
  return status
}

/** ReplicaFailure conditions, the new ReplicaSet's before the old ones'. */
export function replicaFailures(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined) => (rs?.status?.conditions ?? []).filter((c) => c.type === conditionReplicaFailure).map(replicaSetToDeploymentCondition)
  const fromNew = of(newRS)
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(of)
}

/**
 * When to look again at a rollout that shows no progress, so it times out on
 * time: the Progressing condition's lastUpdateTime + progressDeadlineSeconds,
 * plus a second against clock skew. undefined when there is nothing to watch
 * (no deadline, no condition, complete or already timed out).
 */
export function stuckRequeueAfterMs(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const current = getCondition(d.status, conditionProgressing)
  if (!hasProgressDeadline(d) || !current) return undefined
  if (deploymentComplete(d, status) || current.reason === reasons.timedOut) return undefined
  const from = Date.parse(current.lastUpdateTime ?? '')
  if (Number.isNaN(from)) return undefined
  const after = from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now
  return after < 1000 ? 1000 : after + 1000
}

/** Writes the rollout status if it changed; otherwise says when to check a stuck rollout again. */
export async function syncRolloutStatus(ops: DeploymentOps, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<number | undefined> {
  const now = ops.now()
  const status = rolloutStatus(allRSs, newRS, d, now)
  if (sameStatus(d.status, status)) return stuckRequeueAfterMs(d, status, now)
  d.status = status
  await writeStatus(ops, d)
  return undefined
}
