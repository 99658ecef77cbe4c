// The Deployment's status as its ReplicaSets report it (upstream's
// calculateStatus), and the three questions progress reporting asks of a
// new status: is the rollout complete, did it progress, has it timed out.
import { getCondition, newCondition, setCondition } from './conditions.ts'
import { conditionAvailable, conditionProgressing, hasProgressDeadline, reasons, replicasOf, type Deployment, type DeploymentStatus, type ReplicaSet } from './deployment-types.ts'
import { maxUnavailable } from './fenceposts.ts'
import { actualReplicaCount, availableReplicaCount, readyReplicaCount, specReplicaCount } from './replica-set-list.ts'

/**
 * The status the ReplicaSets call for. Keeps the Deployment's conditions
 * (copied) and sets Available: true while at least spec.replicas minus
 * maxUnavailable pods are available.
 */
export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs)
  // More available than desired happens while scaling down; that is not negative unavailability.
  const unavailable = Math.max(0, specReplicaCount(allRSs) - available)
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  }
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }))
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(conditionAvailable, 'True', reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', now))
  } else {
    setCondition(status, newCondition(conditionAvailable, 'False', reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now))
  }
  return status
}

/** Every desired replica is updated and available, no old pod runs, and the controller saw the latest spec. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = replicasOf(d)
  return (status.updatedReplicas ?? 0) === replicas && (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
}

/** New pods were added or became ready or available, or old pods went away, since the stored status. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {}
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0)
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0)
  return (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
}

/**
 * The Progressing condition has not moved for progressDeadlineSeconds (or
 * already says ProgressDeadlineExceeded). A completed rollout never times out.
 */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false
  const c = getCondition(status, conditionProgressing)
  if (!c) return false
  if (c.reason === reasons.newRSAvailable) return false
  if (c.reason === reasons.timedOut) return true
  const from = Date.parse(c.lastUpdateTime ?? '')
  if (Number.isNaN(from)) return false
  return from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now
}
