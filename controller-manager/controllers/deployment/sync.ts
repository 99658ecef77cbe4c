// The steps every strategy shares (upstream's sync.go): find or create the
// new ReplicaSet and keep revisions in step, scale ReplicaSets with the
// ScalingReplicaSet Event, scale proportionally on a scaling event or while
// paused, delete history beyond revisionHistoryLimit, and write status.
//
// Each function takes the Deployment as a private copy and may change its
// status and annotations; the writes go through DeploymentOps, so tests
// drive them without a server.
import { isDeepStrictEqual } from 'node:util'
import { isAlreadyExists, type ClientStatusError } from '../../../shared/client/index.ts'
import { controllerOf, controllerRef } from '../../owner-refs.ts'
import { getCondition, newCondition, setCondition } from './conditions.ts'
import {
  conditionProgressing, hasProgressDeadline, hasRevisionHistoryLimit, isRollingUpdate, podTemplateHashLabel, reasons,
  replicasOf, revisionAnnotation, type Deployment, type DeploymentStatus, type ReplicaSet,
} from './deployment-types.ts'
import { maxSurge } from './fenceposts.ts'
import { computeHash } from './pod-template-hash.ts'
import { byCreationTimestamp, filterActive, findNewReplicaSet, findOldReplicaSets, findActiveOrLatest } from './replica-set-list.ts'
import { isSaturated, newRSNewReplicas, planProportionalScale } from './replica-set-sizes.ts'
import { desiredReplicasOf, maxRevision, replicasAnnotationsNeedUpdate, revisionOf, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations } from './revisions.ts'
import { calculateStatus } from './status.ts'
import { equalIgnoreHash } from './template-equality.ts'

/**
 * What a sync does to the world. Writes go to the apiserver and throw its
 * errors (a throw fails the sync, which is retried); reads come from the
 * informer cache.
 */
export interface DeploymentOps {
  now(): number
  createReplicaSet(rs: ReplicaSet): Promise<ReplicaSet>
  /** PUT; a stale resourceVersion fails with Conflict. */
  updateReplicaSet(rs: ReplicaSet): Promise<ReplicaSet>
  /** A ReplicaSet already gone counts as deleted. */
  deleteReplicaSet(rs: ReplicaSet): Promise<void>
  /** PUT to deployments/status: status (and, upstream, annotations). */
  updateDeploymentStatus(d: Deployment): Promise<Deployment>
  updateDeployment(d: Deployment): Promise<Deployment>
  cachedReplicaSet(namespace: string, name: string): ReplicaSet | undefined
  event(d: Deployment, type: 'Normal' | 'Warning', reason: string, message: string): void
}

/** Writes d's status and annotations; d takes the new resourceVersion, so later writes in this sync do not conflict with this one. */
export async function writeStatus(ops: DeploymentOps, d: Deployment): Promise<void> {
  const stored = await ops.updateDeploymentStatus(d)
  if (stored?.metadata?.resourceVersion) d.metadata.resourceVersion = stored.metadata.resourceVersion
}

/** The new ReplicaSet (created when asked and missing) and all old ones, with the revisions brought up to date. */
export async function getAllReplicaSetsAndSyncRevision(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[], createIfNotExisted: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
  const { all: oldRSs } = findOldReplicaSets(d, rsList)
  const newRS = await getNewReplicaSet(ops, d, rsList, oldRSs, createIfNotExisted)
  return { newRS, oldRSs }
}

function hasStatusCause(err: unknown, cause: string): boolean {
  return (err as ClientStatusError)?.details?.causes?.some((c) => c.reason === cause) ?? false
}

/**
 * The ReplicaSet whose template is the Deployment's. An existing one gets
 * the Deployment's annotations, revision maxOld+1 and minReadySeconds; the
 * Deployment takes its revision. A missing one is created, when asked, as
 * `<deployment>-<pod-template-hash>` with the hash label on its labels,
 * selector and template. A name taken by a different template is a hash
 * collision: collisionCount goes up and the sync fails, to retry with a new name.
 */
export async function getNewReplicaSet(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList)
  const newRevision = String(maxRevision(oldRSs) + 1)
  d.status ??= {}

  if (existing) {
    const rsCopy = structuredClone(existing)
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true)
    const minReadySecondsNeedsUpdate = (rsCopy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)
    if (annotationsUpdated || minReadySecondsNeedsUpdate) {
      rsCopy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0
      return ops.updateReplicaSet(rsCopy)
    }
    // The ReplicaSet's revision is the one already agreed on; the Deployment follows it.
    let needsUpdate = setDeploymentRevision(d, rsCopy.metadata.annotations?.[revisionAnnotation] ?? '')
    if (hasProgressDeadline(d) && !getCondition(d.status, conditionProgressing)) {
      setCondition(d.status, newCondition(conditionProgressing, 'True', reasons.foundNewRS, `Found new replica set "${rsCopy.metadata.name}"`, ops.now()))
      needsUpdate = true
    }
    if (needsUpdate) await writeStatus(ops, d)
    return rsCopy
  }

  if (!createIfNotExisted) return undefined

  const template = structuredClone(d.spec.template ?? {})
  const hash = computeHash(template, d.status.collisionCount)
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [podTemplateHashLabel]: hash } }
  const selector = structuredClone(d.spec.selector ?? {})
  selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash }
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      // A name derived from the template makes creation idempotent.
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [controllerRef(d)],
      labels: { ...template.metadata.labels },
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  }
  const newReplicasCount = newRSNewReplicas(d, [...oldRSs, newRS], newRS)
  newRS.spec.replicas = newReplicasCount
  setNewReplicaSetAnnotations(d, newRS, newRevision, false)

  let created: ReplicaSet
  let alreadyExists = false
  try {
    created = await ops.createReplicaSet(newRS)
  } catch (err) {
    if (isAlreadyExists(err)) {
      alreadyExists = true
      const rs = ops.cachedReplicaSet(d.metadata.namespace ?? '', newRS.metadata.name ?? '')
      // Not cached yet: a later sync sees it.
      if (!rs) throw err
      const ref = controllerOf(rs)
      if (ref && ref.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec.template)) {
        created = rs
      } else {
        // Someone else's ReplicaSet has our name: change the name by counting the collision.
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1
        await writeStatus(ops, d)
        throw err
      }
    } else if (hasStatusCause(err, 'NamespaceTerminating')) {
      throw err
    } else {
      const msg = `Failed to create new replica set "${newRS.metadata.name}": ${(err as Error).message}`
      if (hasProgressDeadline(d)) {
        setCondition(d.status, newCondition(conditionProgressing, 'False', reasons.failedRSCreate, msg, ops.now()))
        // The failure to report matters more than whether this write works.
        await writeStatus(ops, d).catch(() => undefined)
      }
      ops.event(d, 'Warning', reasons.failedRSCreate, msg)
      throw err
    }
  }
  if (!alreadyExists && newReplicasCount > 0) {
    ops.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${newReplicasCount}`)
  }
  let needsUpdate = setDeploymentRevision(d, newRevision)
  if (!alreadyExists && hasProgressDeadline(d)) {
    setCondition(d.status, newCondition(conditionProgressing, 'True', reasons.newReplicaSet, `Created new replica set "${created.metadata.name}"`, ops.now()))
    needsUpdate = true
  }
  if (needsUpdate) await writeStatus(ops, d)
  return created
}

/**
 * Scales rs to newScale, refreshing desired-replicas and max-replicas.
 * Records "Scaled up|down replica set <name> to <n> from <m>" when the size
 * changed. Returns whether it did, and the ReplicaSet as stored.
 */
export async function scaleReplicaSet(ops: DeploymentOps, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const oldScale = replicasOf(rs)
  const sizeNeedsUpdate = oldScale !== newScale
  const desired = replicasOf(d)
  const max = desired + maxSurge(d)
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs }
  const rsCopy = structuredClone(rs)
  rsCopy.spec.replicas = newScale
  setReplicasAnnotations(rsCopy, desired, max)
  const stored = await ops.updateReplicaSet(rsCopy)
  if (sizeNeedsUpdate) ops.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${stored.metadata.name} to ${newScale} from ${oldScale}`)
  return { scaled: sizeNeedsUpdate, rs: stored }
}

/** scaleReplicaSet with the direction worked out; nothing to do when the size is already right. */
export async function scaleReplicaSetAndRecordEvent(ops: DeploymentOps, rs: ReplicaSet, newScale: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (replicasOf(rs) === newScale) return { scaled: false, rs }
  return scaleReplicaSet(ops, rs, newScale, d, replicasOf(rs) < newScale ? 'up' : 'down')
}

/**
 * Scaling without rolling (a scaling event, or a paused Deployment): one
 * active ReplicaSet takes spec.replicas; a saturated new one means the old
 * ones go to 0; otherwise a rolling Deployment spreads the change
 * proportionally, so a scale-up does not hasten a rollout that may be bad.
 */
export async function scale(ops: DeploymentOps, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs)
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) === replicasOf(d)) return
    await scaleReplicaSetAndRecordEvent(ops, activeOrLatest, replicasOf(d), d)
    return
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(ops, old, 0, d)
    return
  }
  if (!isRollingUpdate(d)) return
  const plan = planProportionalScale(d, newRS, oldRSs)
  // One at a time; a failure stops here and the requeued sync recomputes from what was stored.
  for (const { rs, size } of plan.sizes) await scaleReplicaSet(ops, rs, size, d, plan.operation)
}

/**
 * Deletes the oldest old ReplicaSets beyond revisionHistoryLimit, by
 * revision; only those with no pods, no replicas wanted and an observed
 * spec, so a rollback target with pods is never lost.
 */
export async function cleanupDeployment(ops: DeploymentOps, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp)
  const diff = cleanable.length - (d.spec.revisionHistoryLimit ?? 0)
  if (diff <= 0) return
  cleanable.sort(byRevision)
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue
    // One failure ends the pass rather than pressing on against a struggling apiserver.
    await ops.deleteReplicaSet(rs)
  }
}

/** Oldest revision first; unparsable or equal revisions by creation time (upstream's ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a)
  const rb = revisionOf(b)
  if (ra === undefined || rb === undefined || ra === rb) return byCreationTimestamp(a, b)
  return ra - rb
}

/** Status equality as the wire sees it: zero counters and absent ones are the same. */
export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const norm = (s: DeploymentStatus | undefined) => Object.fromEntries(Object.entries(s ?? {}).filter(([, v]) => v !== 0 && v !== undefined && v !== null))
  return isDeepStrictEqual(norm(a), norm(b))
}

/** Writes the status the ReplicaSets call for, if it differs. */
export async function syncDeploymentStatus(ops: DeploymentOps, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, ops.now())
  if (sameStatus(d.status, status)) return
  d.status = status
  await writeStatus(ops, d)
}

/**
 * Keeps the Progressing condition honest about pauses (Unknown,
 * DeploymentPaused / DeploymentResumed), so time spent paused never counts
 * against progressDeadlineSeconds. A timed-out condition stays.
 */
export async function checkPausedConditions(ops: DeploymentOps, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return
  d.status ??= {}
  const cond = getCondition(d.status, conditionProgressing)
  if (cond?.reason === reasons.timedOut) return
  const pausedCondExists = cond?.reason === reasons.paused
  if (d.spec.paused && !pausedCondExists) {
    setCondition(d.status, newCondition(conditionProgressing, 'Unknown', reasons.paused, 'Deployment is paused', ops.now()))
  } else if (!d.spec.paused && pausedCondExists) {
    setCondition(d.status, newCondition(conditionProgressing, 'Unknown', reasons.resumed, 'Deployment is resumed', ops.now()))
  } else {
    return
  }
  await writeStatus(ops, d)
}

/** spec.replicas differs from what an active ReplicaSet's desired-replicas annotation recorded. */
export async function isScalingEvent(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false)
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasOf(rs)
    return desired !== undefined && desired !== replicasOf(d)
  })
}

/** For a paused Deployment or a scaling event: scale, clean up history while paused, write status. */
export async function syncScaling(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[], rollbackInFlight: boolean): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false)
  await scale(ops, d, newRS, oldRSs)
  if (d.spec.paused && !rollbackInFlight) await cleanupDeployment(ops, oldRSs, d)
  await syncDeploymentStatus(ops, [...oldRSs, newRS], newRS, d)
}

/** Status only, no changes to ReplicaSets: for a Deployment being deleted. */
export async function syncStatusOnly(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false)
  await syncDeploymentStatus(ops, [...oldRSs, newRS], newRS, d)
}
