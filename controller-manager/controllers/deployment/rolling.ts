// The RollingUpdate strategy (upstream's rolling.go). Each sync takes one
// step and writes status: first scale the new ReplicaSet up as far as
// maxSurge allows; if that did nothing, scale old ReplicaSets down as far as
// maxUnavailable allows, unhealthy pods first; once complete, trim history.
// The ReplicaSet controller's status updates trigger the next step.
import { replicasOf, type Deployment, type ReplicaSet } from './deployment-types.ts'
import { maxUnavailable } from './fenceposts.ts'
import { syncRolloutStatus } from './progress.ts'
import { availableReplicaCount, byCreationTimestamp, filterActive, specReplicaCount } from './replica-set-list.ts'
import { newRSNewReplicas } from './replica-set-sizes.ts'
import { deploymentComplete } from './status.ts'
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type DeploymentOps } from './sync.ts'

/** One rolling step; resolves to a requeue delay when the rollout looks stuck. */
export async function rolloutRolling(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[]): Promise<number | undefined> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, true)
  // createIfNotExisted: the new ReplicaSet exists from here on.
  const created = newRS as ReplicaSet
  const allRSs = [...oldRSs, created]

  if (await reconcileNewReplicaSet(ops, allRSs, created, d)) return syncRolloutStatus(ops, allRSs, created, d)
  if (await reconcileOldReplicaSets(ops, allRSs, filterActive(oldRSs), created, d)) return syncRolloutStatus(ops, allRSs, created, d)
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ops, oldRSs, d)
  return syncRolloutStatus(ops, allRSs, created, d)
}

/** Scales the new ReplicaSet towards spec.replicas (down at once if above it); true if it scaled. */
export async function reconcileNewReplicaSet(ops: DeploymentOps, allRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const want = replicasOf(d)
  if (replicasOf(newRS) === want) return false
  if (replicasOf(newRS) > want) return (await scaleReplicaSetAndRecordEvent(ops, newRS, want, d)).scaled
  return (await scaleReplicaSetAndRecordEvent(ops, newRS, newRSNewReplicas(d, allRSs, newRS), d)).scaled
}

/**
 * Scales old ReplicaSets down, keeping spec.replicas - maxUnavailable pods
 * available. The budget also counts the new ReplicaSet's unavailable pods,
 * so a crash-looping new template cannot eat the old pods:
 *
 *   maxScaledDown = allPods - minAvailable - newRSUnavailable
 *
 * e.g. 10 replicas, maxUnavailable 2, maxSurge 3, the new pods all failing:
 * 13 - 8 - 5 = 0, nothing more goes; after `rollout undo` to the old
 * template the failing ReplicaSet is the old one and may be cut by 4.
 * True if anything was scaled down.
 */
export async function reconcileOldReplicaSets(ops: DeploymentOps, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false
  const allPodsCount = specReplicaCount(allRSs)
  const minAvailable = replicasOf(d) - maxUnavailable(d)
  const newRSUnavailablePodCount = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0)
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailablePodCount
  if (maxScaledDown <= 0) return false

  // Unhealthy replicas first: they would otherwise block the rollout until it times out.
  const cleaned = await cleanupUnhealthyReplicas(ops, oldRSs, d, maxScaledDown)
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(ops, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d)
  return cleaned.scaledDown + scaledDown > 0
}

/**
 * Takes unavailable replicas out of old ReplicaSets, oldest first, up to
 * maxCleanupCount. The ReplicaSet controller deletes not-ready pods before
 * ready ones, so availability does not drop.
 */
export async function cleanupUnhealthyReplicas(ops: DeploymentOps, oldRSs: ReplicaSet[], d: Deployment, maxCleanupCount: number): Promise<{ oldRSs: ReplicaSet[]; scaledDown: number }> {
  const sorted = [...oldRSs].sort(byCreationTimestamp)
  let total = 0
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanupCount) break
    const rs = sorted[i]
    const replicas = replicasOf(rs)
    const available = rs.status?.availableReplicas ?? 0
    if (replicas === 0 || replicas === available) continue
    const count = Math.min(maxCleanupCount - total, replicas - available)
    const target = replicas - count
    if (target > replicas) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicas} -> ${target}`)
    sorted[i] = (await scaleReplicaSetAndRecordEvent(ops, rs, target, d)).rs
    total += count
  }
  return { oldRSs: sorted, scaledDown: total }
}

/** Scales old ReplicaSets down, oldest first, by as many pods as are available beyond minAvailable. */
export async function scaleDownOldReplicaSetsForRollingUpdate(ops: DeploymentOps, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d)
  const available = availableReplicaCount(allRSs)
  if (available <= minAvailable) return 0
  const budget = available - minAvailable
  let total = 0
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= budget) break
    const replicas = replicasOf(rs)
    if (replicas === 0) continue
    const count = Math.min(replicas, budget - total)
    await scaleReplicaSetAndRecordEvent(ops, rs, replicas - count, d)
    total += count
  }
  return total
}
