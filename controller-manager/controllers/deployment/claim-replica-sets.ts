// Which ReplicaSets a Deployment controls (upstream's
// ReplicaSetControllerRefManager.ClaimReplicaSets): its own that still match
// its selector; orphans that match are adopted (controllerRef added); its
// own that no longer match are released. Others' ReplicaSets are left alone.
import type { OwnerReference } from '../../../shared/api-types.ts'
import { isNotFound } from '../../../shared/client/index.ts'
import { matchesLabels, type LabelSelector } from '../../../shared/label-selector.ts'
import { controllerOf, controllerRef } from '../../owner-refs.ts'
import type { Deployment, ReplicaSet } from './deployment-types.ts'

export interface ClaimOps {
  /** Writes rs's ownerReferences (optimistic on resourceVersion); returns the stored ReplicaSet. */
  patchOwnerReferences(rs: ReplicaSet, refs: OwnerReference[]): Promise<ReplicaSet>
  /**
   * Throws unless the Deployment, read fresh from the apiserver, is the same
   * object and not being deleted: adoption must not race its deletion.
   */
  recheckCanAdopt(): Promise<void>
}

export async function claimReplicaSets(ops: ClaimOps, d: Deployment, selector: LabelSelector, all: readonly ReplicaSet[]): Promise<ReplicaSet[]> {
  const claimed: ReplicaSet[] = []
  let adoptionChecked: Promise<void> | undefined
  const uid = d.metadata.uid
  for (const rs of all) {
    const ref = controllerOf(rs)
    const matches = matchesLabels(selector, rs.metadata.labels)
    if (ref) {
      if (ref.uid !== uid) continue
      if (matches) {
        claimed.push(rs)
      } else if (!d.metadata.deletionTimestamp) {
        await release(ops, rs, uid ?? '')
      }
      continue
    }
    if (!matches || d.metadata.deletionTimestamp || rs.metadata.deletionTimestamp) continue
    adoptionChecked ??= ops.recheckCanAdopt()
    await adoptionChecked
    try {
      claimed.push(await ops.patchOwnerReferences(rs, [...(rs.metadata.ownerReferences ?? []), controllerRef(d)]))
    } catch (err) {
      // Gone meanwhile: nothing to adopt.
      if (!isNotFound(err)) throw err
    }
  }
  return claimed
}

async function release(ops: ClaimOps, rs: ReplicaSet, ownerUid: string): Promise<void> {
  try {
    await ops.patchOwnerReferences(rs, (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid))
  } catch (err) {
    // Gone already, which is what releasing wanted.
    if (!isNotFound(err)) throw err
  }
}
