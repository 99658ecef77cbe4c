// The Recreate strategy (upstream's recreate.go): scale every old
// ReplicaSet to 0, wait until none of their pods is left running, then
// create the new ReplicaSet at full size. Old pods and new never run together.
import type { Pod } from '../../../shared/core-types.ts'
import { replicasOf, type Deployment, type ReplicaSet } from './deployment-types.ts'
import { syncRolloutStatus } from './progress.ts'
import { actualReplicaCount, filterActive } from './replica-set-list.ts'
import { deploymentComplete } from './status.ts'
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type DeploymentOps } from './sync.ts'

/** Pods by the uid of the ReplicaSet that controls them. */
export type PodMap = Map<string, Pod[]>

/** One Recreate step; resolves to a requeue delay when the rollout looks stuck. */
export async function rolloutRecreate(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[], podMap: PodMap): Promise<number | undefined> {
  // Do not create the new ReplicaSet yet: old pods must be gone first.
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false)
  let allRSs = [...oldRSs, newRS]

  if (await scaleDownOldReplicaSetsForRecreate(ops, filterActive(oldRSs), d)) return syncRolloutStatus(ops, allRSs, newRS, d)
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(ops, allRSs, newRS, d)

  if (!newRS) {
    ;({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, true))
    allRSs = [...oldRSs, newRS]
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(ops, newRS, replicasOf(d), d)
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ops, oldRSs, d)
  return syncRolloutStatus(ops, allRSs, newRS, d)
}

/** Scales every active old ReplicaSet to 0; true if any was scaled. */
export async function scaleDownOldReplicaSetsForRecreate(ops: DeploymentOps, oldRSs: ReplicaSet[], d: Deployment): Promise<boolean> {
  let scaled = false
  for (const rs of oldRSs) {
    if (replicasOf(rs) === 0) continue
    if ((await scaleReplicaSetAndRecordEvent(ops, rs, 0, d)).scaled) scaled = true
  }
  return scaled
}

/**
 * Whether any pod of an old ReplicaSet may still run: old ReplicaSets still
 * report pods, or a pod of theirs is in any phase but Succeeded or Failed
 * (Unknown counts as running: it may be).
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue
    for (const pod of pods) {
      const phase = pod.status?.phase
      if (phase !== 'Succeeded' && phase !== 'Failed') return true
    }
  }
  return false
}
