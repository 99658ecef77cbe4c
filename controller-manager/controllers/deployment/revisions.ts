// Revision bookkeeping in annotations, as upstream keeps it: every
// ReplicaSet carries the revision it last served
// (deployment.kubernetes.io/revision) and, when it was rolled back to, the
// revisions it served before (revision-history); the Deployment carries its
// current revision. `kubectl rollout history` and `undo` read these.
// ReplicaSets also record desired-replicas and max-replicas, which separate
// scaling events from rollouts and size proportional scaling.
import type { KubeObject } from '../../../shared/api-types.ts'
import {
  desiredReplicasAnnotation, lastAppliedConfigAnnotation, maxReplicasAnnotation, replicasOf, revisionAnnotation,
  revisionHistoryAnnotation, rollbackToAnnotation, type Deployment, type ReplicaSet,
} from './deployment-types.ts'
import { maxSurge } from './fenceposts.ts'

/** The revision-history annotation stops growing at this many characters (about 100 revisions). */
export const maxRevisionHistoryLengthInChars = 2000

const int64Pattern = /^[+-]?\d+$/

/** The object's revision: 0 without the annotation, undefined when it is not an integer. */
export function revisionOf(obj: KubeObject): number | undefined {
  const v = obj.metadata.annotations?.[revisionAnnotation]
  if (v === undefined) return 0
  return int64Pattern.test(v) ? Number(v) : undefined
}

/** The highest revision among the ReplicaSets (unparsable ones skipped). */
export function maxRevision(list: readonly ReplicaSet[]): number {
  let max = 0
  for (const rs of list) {
    const v = revisionOf(rs)
    if (v !== undefined && v > max) max = v
  }
  return max
}

/** The second highest revision: where a rollback without a revision goes. */
export function lastRevision(list: readonly (ReplicaSet | undefined)[]): number {
  let max = 0
  let second = 0
  for (const rs of list) {
    if (!rs) continue
    const v = revisionOf(rs)
    if (v === undefined) continue
    if (v >= max) {
      second = max
      max = v
    } else if (v > second) {
      second = v
    }
  }
  return second
}

// Annotations that belong to the Deployment or to one ReplicaSet, never copied between them.
const annotationsToSkip = new Set([lastAppliedConfigAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, rollbackToAnnotation])

export function skipCopyAnnotation(key: string): boolean {
  return annotationsToSkip.has(key)
}

/** Copies the Deployment's annotations (all but the skipped ones) onto rs; true if any changed. */
export function copyDeploymentAnnotationsToReplicaSet(d: Deployment, rs: ReplicaSet): boolean {
  const target = (rs.metadata.annotations ??= {})
  let changed = false
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || target[k] === v) continue
    target[k] = v
    changed = true
  }
  return changed
}

/** Sets desired-replicas and max-replicas; true if either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {})
  let changed = false
  if (a[desiredReplicasAnnotation] !== String(desired)) {
    a[desiredReplicasAnnotation] = String(desired)
    changed = true
  }
  if (a[maxReplicasAnnotation] !== String(max)) {
    a[maxReplicasAnnotation] = String(max)
    changed = true
  }
  return changed
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations
  return !a || a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max)
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key]
  return v !== undefined && int64Pattern.test(v) ? Number(v) : undefined
}

export function desiredReplicasOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, desiredReplicasAnnotation)
}

export function maxReplicasOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, maxReplicasAnnotation)
}

/**
 * Brings the new ReplicaSet's annotations up to date: the Deployment's own,
 * the revision raised to newRevision (never lowered: old ReplicaSets may have
 * been deleted since), the revision it had before appended to revision-history
 * when it is being rolled back to, and, for one about to be created, the
 * replicas annotations. True if anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, historyLimitInChars = maxRevisionHistoryLengthInChars): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs)
  const a = (rs.metadata.annotations ??= {})
  const hadRevision = Object.hasOwn(a, revisionAnnotation)
  const oldRevision = a[revisionAnnotation] ?? ''
  let oldRevisionInt = 0
  if (oldRevision !== '') {
    if (!int64Pattern.test(oldRevision)) return false
    oldRevisionInt = Number(oldRevision)
  }
  if (!int64Pattern.test(newRevision)) return false
  const newRevisionInt = Number(newRevision)
  if (oldRevisionInt < newRevisionInt) {
    a[revisionAnnotation] = newRevision
    changed = true
    if (hadRevision) appendRevisionHistory(a, oldRevision, historyLimitInChars)
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true
  return changed
}

// Drops the oldest entries until the annotation fits; when even the newest alone does not fit, leaves it as it was.
function appendRevisionHistory(a: Record<string, string>, oldRevision: string, limit: number): void {
  const history = a[revisionHistoryAnnotation] ?? ''
  if (history === '') {
    a[revisionHistoryAnnotation] = oldRevision
    return
  }
  const entries = history.split(',')
  let total = history.length + oldRevision.length + 1
  let start = 0
  while (total > limit && start < entries.length) {
    total -= entries[start].length + 1
    start++
  }
  if (total <= limit) a[revisionHistoryAnnotation] = [...entries.slice(start), oldRevision].join(',')
}

/** Sets the Deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = (d.metadata.annotations ??= {})
  if (a[revisionAnnotation] === revision) return false
  a[revisionAnnotation] = revision
  return true
}

/** On rollback: the Deployment keeps only its skipped annotations and takes the ReplicaSet's others. */
export function setDeploymentAnnotationsTo(d: Deployment, rs: ReplicaSet): void {
  const kept: Record<string, string> = {}
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (skipCopyAnnotation(k)) kept[k] = v
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!skipCopyAnnotation(k)) kept[k] = v
  d.metadata.annotations = kept
}
