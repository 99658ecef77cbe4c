// Rollback through the deprecated.deployment.rollback.to annotation (what
// extensions/v1beta1's spec.rollbackTo converts to; upstream's rollback.go).
// `kubectl rollout undo` no longer uses it: since v1.18 kubectl patches the
// old ReplicaSet's template into the Deployment itself, which this
// controller handles as any template change (the matching old ReplicaSet
// becomes the new one again and takes the next revision).
import { rollbackReasons, rollbackToAnnotation, type Deployment, type ReplicaSet } from './deployment-types.ts'
import { lastRevision, revisionOf, setDeploymentAnnotationsTo } from './revisions.ts'
import { getAllReplicaSetsAndSyncRevision, type DeploymentOps } from './sync.ts'
import { equalIgnoreHash, withoutHashLabel } from './template-equality.ts'

/** The revision asked for, 0 meaning the previous one; undefined without (or with an unparsable) annotation. */
export function rollbackTo(d: Deployment): number | undefined {
  const v = d.metadata.annotations?.[rollbackToAnnotation]
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined
  return Number(v)
}

/** Copies the template of the ReplicaSet with the asked-for revision into the Deployment, then drops the request. */
export async function rollback(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, true)
  const allRSs = [...oldRSs, ...(newRS ? [newRS] : [])]
  let revision = rollbackTo(d) ?? 0
  if (revision === 0) {
    revision = lastRevision(allRSs)
    if (revision === 0) {
      ops.event(d, 'Warning', rollbackReasons.revisionNotFound, 'Unable to find last revision.')
      return clearRollbackTo(ops, d)
    }
  }
  const target = allRSs.find((rs) => revisionOf(rs) === revision)
  if (!target) {
    ops.event(d, 'Warning', rollbackReasons.revisionNotFound, 'Unable to find the revision to rollback to.')
    return clearRollbackTo(ops, d)
  }
  if (equalIgnoreHash(d.spec.template, target.spec.template)) {
    ops.event(d, 'Warning', rollbackReasons.templateUnchanged, `The rollback revision contains the same template as current deployment "${d.metadata.name}"`)
    return clearRollbackTo(ops, d)
  }
  d.spec.template = withoutHashLabel(target.spec.template)
  // Take the old ReplicaSet's annotations too, or the current ones would be copied onto it after the rollback.
  setDeploymentAnnotationsTo(d, target)
  await clearRollbackTo(ops, d)
  ops.event(d, 'Normal', rollbackReasons.done, `Rolled back deployment "${d.metadata.name}" to revision ${revision}`)
}

async function clearRollbackTo(ops: DeploymentOps, d: Deployment): Promise<void> {
  if (d.metadata.annotations) delete d.metadata.annotations[rollbackToAnnotation]
  await ops.updateDeployment(d)
}
