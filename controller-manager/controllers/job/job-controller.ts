// The Job controller (upstream's pkg/controller/job): runs a Job's pods to
// completion. Each sync counts the Job's pods against spec.completions and
// spec.parallelism, creates or deletes pods, and moves the counts into
// status. Finished pods keep the batch.kubernetes.io/job-tracking finalizer
// until their uid is recorded in status.uncountedTerminatedPods; only then
// is the finalizer removed and the pod moved into succeeded/failed, so a
// pod deleted early (or a controller restart) never loses a count.
//
// Terminal states are written in two steps, as upstream 1.31+: first
// SuccessCriteriaMet / FailureTarget (the decision), then, once no pod is
// terminating or uncounted, Complete / Failed with completionTime or the
// failure reason, and the Completed / <reason> Event.
//
// Not done here: backoffLimitPerIndex / maxFailedIndexes (FailIndex),
// successPolicy, adopting orphan pods that match the selector, metrics.
import type { Client } from '../../../shared/client/index.ts'
import { commonResources, isNotFound } from '../../../shared/client/index.ts'
import type { Clock } from '../../../shared/clock.ts'
import type { Pod } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { EventHandler } from '../../../shared/informer/index.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Expectations } from '../../expectations.ts'
import { controllerOf } from '../../owner-refs.ts'
import { PodControl, podFromTemplate, slowStartBatch } from '../../pod-control.ts'
import { keyOf, Reconciler } from '../../reconciler.ts'
import { BackoffStore, defaultPodFailureBackoffMs, maxPodFailureBackoffMs, remainingBackoffMs, type BackoffRecord } from './backoff.ts'
import { FinalizerExpectations } from './finalizer-expectations.ts'
import {
  addCompletionIndexEnv, calculateSucceededIndexes, completionIndexOf, duplicatedIndexPodsForRemoval, firstPendingIndexes, formatIntervals,
  generateNameWithIndex, intervalsHas, intervalsTotal, templateForIndex, unknownCompletionIndex, withOrderedIndexes, type OrderedIntervals,
} from './indexed-job.ts'
import {
  compareForDeletion, hasTrackingFinalizer, isPodActive, isPodFailed, isPodReady, isPodTerminating, onlyReplaceFailedPods, pastBackoffLimitOnFailure,
} from './job-pods.ts'
import {
  ensureConditionStatus, findCondition, formatTime, isIndexedJob, isJobFinished, isJobSuspended, jobControllerName, jobTrackingFinalizer, newCondition,
  withJobTypeMeta, type Job, type JobCondition,
} from './job-types.ts'
import { matchPodFailurePolicy } from './pod-failure-policy.ts'

export interface JobControllerOptions {
  /** First delay before replacing a failed pod; doubles per failure. @default 10_000 (upstream's DefaultJobPodFailureBackOff) */
  podFailureBackoffMs?: number
  /** Cap of that delay. @default 600_000 (upstream's MaxJobPodFailureBackOff) */
  maxPodFailureBackoffMs?: number
  /** Pod events and status updates are batched into one sync this long after the first. @default 1_000 (upstream's syncJobBatchPeriod) */
  syncBatchPeriodMs?: number
}

/** Most pods created or deleted in one sync, and most uids kept in uncountedTerminatedPods (upstream's limits). */
const maxPodCreateDeletePerSync = 500
const maxUncountedPods = 500

export interface JobControllerDeps {
  client: Pick<Client, 'pods' | 'jobs'>
  /** Cached Jobs by namespace/name (the jobs informer). */
  jobs: { get(key: string): Job | undefined }
  /** Cached pods: get by key, byIndex('ownerUid', jobUid) (the pods informer). */
  pods: { get(key: string): Pod | undefined; byIndex(name: string, value: string): Pod[] }
  recorder: Pick<EventRecorder, 'event'>
  clock: Clock
  log: Logger
  options?: JobControllerOptions
}

interface SyncState {
  job: Job
  pods: Pod[]
  activePods: Pod[]
  succeeded: number
  failed: number
  ready: number
  terminating: number
  uncountedSucceeded: Set<string>
  uncountedFailed: Set<string>
  expectedRemovals: ReadonlySet<string>
  prevSucceededIndexes: OrderedIntervals
  succeededIndexes: OrderedIntervals
  backoff: BackoffRecord
  finished?: JobCondition
}

export class JobController {
  readonly reconciler: Reconciler
  readonly orphans: Reconciler
  readonly #deps: JobControllerDeps
  readonly #podControl: PodControl
  readonly #expectations: Expectations
  readonly #finalizers = new FinalizerExpectations()
  readonly #backoff = new BackoffStore()
  readonly #baseBackoff: number
  readonly #maxBackoff: number
  readonly #batchPeriod: number

  constructor(deps: JobControllerDeps) {
    this.#deps = deps
    this.#podControl = new PodControl(deps.client, deps.recorder)
    this.#expectations = new Expectations(deps.clock)
    this.#baseBackoff = deps.options?.podFailureBackoffMs ?? defaultPodFailureBackoffMs
    this.#maxBackoff = deps.options?.maxPodFailureBackoffMs ?? maxPodFailureBackoffMs
    this.#batchPeriod = deps.options?.syncBatchPeriodMs ?? 1_000
    this.reconciler = new Reconciler({ name: 'job', sync: (key) => this.syncJob(key), log: deps.log, clock: deps.clock })
    this.orphans = new Reconciler({ name: 'job_orphan_pod', sync: (key) => this.syncOrphanPod(key), log: deps.log, clock: deps.clock })
  }

  get #now(): number {
    return this.#deps.clock.now()
  }

  // ---- event handlers: they only map events to keys (and note expectations) ----

  readonly jobHandler: EventHandler<Job> = {
    onAdd: (job) => this.reconciler.enqueue(job),
    onUpdate: (old, cur) => {
      // A spec change syncs at once; status updates (mostly our own) are batched.
      if (old.metadata.generation === cur.metadata.generation) this.reconciler.enqueueAfter(cur, this.#batchPeriod)
      else this.reconciler.enqueue(cur)
      if (isJobFinished(cur)) this.#cleanupPodFinalizers(cur)
      const ads = cur.spec?.activeDeadlineSeconds
      const start = cur.status?.startTime
      if (start && typeof ads === 'number' && ads !== old.spec?.activeDeadlineSeconds) {
        this.reconciler.enqueueAfter(cur, ads * 1000 - (this.#now - Date.parse(start)))
      }
    },
    onDelete: (job) => {
      this.reconciler.enqueue(job)
      this.#cleanupPodFinalizers(job)
    },
  }

  readonly podHandler: EventHandler<Pod> = {
    onAdd: (pod) => {
      if (pod.metadata.deletionTimestamp) {
        // Seen for the first time already terminating (a restart): not a creation we wait for.
        this.#podDeleted(pod, false)
        return
      }
      const job = this.#jobOf(pod)
      if (job) {
        this.#expectations.creationObserved(keyOf(job))
        this.reconciler.enqueueAfter(job, this.#batchPeriod)
      } else if (!controllerOf(pod) && hasTrackingFinalizer(pod)) {
        this.orphans.enqueue(pod)
      }
    },
    onUpdate: (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return
      if (cur.metadata.deletionTimestamp) {
        // Replacements should not wait for the kubelet to finish the deletion.
        this.#podDeleted(cur, false)
        return
      }
      const oldRef = controllerOf(old)
      const curRef = controllerOf(cur)
      if (oldRef && oldRef.uid !== curRef?.uid) {
        const oldJob = this.#jobOf(old)
        if (oldJob) {
          if (!hasTrackingFinalizer(cur)) this.#finalizers.observed(keyOf(oldJob), cur.metadata.uid ?? '')
          this.reconciler.enqueueAfter(oldJob, this.#batchPeriod)
        }
      }
      const job = this.#jobOf(cur)
      if (job) {
        if (!hasTrackingFinalizer(cur)) this.#finalizers.observed(keyOf(job), cur.metadata.uid ?? '')
        this.reconciler.enqueueAfter(job, this.#batchPeriod)
      } else if (!curRef && hasTrackingFinalizer(cur)) {
        this.orphans.enqueue(cur)
      }
    },
    onDelete: (pod) => this.#podDeleted(pod, true),
  }

  #podDeleted(pod: Pod, final: boolean): void {
    const job = this.#jobOf(pod)
    if (!job || isJobFinished(job)) {
      // No sync will remove this finalizer any more.
      if (hasTrackingFinalizer(pod) && !final) this.orphans.enqueue(pod)
      return
    }
    const key = keyOf(job)
    this.#expectations.deletionObserved(key)
    if (final || !hasTrackingFinalizer(pod)) this.#finalizers.observed(key, pod.metadata.uid ?? '')
    this.reconciler.enqueueAfter(job, this.#batchPeriod)
  }

  /** The cached Job the pod's controller reference names, if it still is that Job. */
  #jobOf(pod: Pod): Job | undefined {
    const ref = controllerOf(pod)
    if (!ref || ref.kind !== 'Job') return undefined
    const job = this.#deps.jobs.get(`${pod.metadata.namespace}/${ref.name}`)
    return job && job.metadata.uid === ref.uid ? job : undefined
  }

  #cleanupPodFinalizers(job: Job): void {
    for (const pod of this.#deps.pods.byIndex('ownerUid', job.metadata.uid ?? '')) {
      if (hasTrackingFinalizer(pod)) this.orphans.enqueue(pod)
    }
  }

  // ---- orphan pods: remove a finalizer no Job sync will remove ----

  async syncOrphanPod(key: string): Promise<ProcessResult> {
    const pod = this.#deps.pods.get(key)
    if (!pod || !hasTrackingFinalizer(pod)) return
    const ref = controllerOf(pod)
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return
      const job = this.#jobOf(pod)
      if (job && job.spec?.managedBy && job.spec.managedBy !== jobControllerName) return
      // Still owned by a running Job: that Job's syncs count it.
      if (job && !isJobFinished(job)) return
    }
    await this.#removeFinalizer(pod)
  }

  async #removeFinalizer(pod: Pod): Promise<void> {
    try {
      await this.#deps.client.pods.namespace(pod.metadata.namespace ?? 'default')
        .patch(pod.metadata.name ?? '', { metadata: { '$deleteFromPrimitiveList/finalizers': [jobTrackingFinalizer] } }, 'strategic')
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
  }

  // ---- the sync ----

  async syncJob(key: string): Promise<ProcessResult> {
    const cached = this.#deps.jobs.get(key)
    if (!cached) {
      this.#expectations.delete(key)
      this.#finalizers.delete(key)
      this.#backoff.remove(key)
      return
    }
    if (cached.spec?.managedBy && cached.spec.managedBy !== jobControllerName) return
    if (isJobFinished(cached)) {
      this.#backoff.remove(key)
      return
    }
    const job = withJobTypeMeta(structuredClone(cached))
    const mode = job.spec?.completionMode
    if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.#deps.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown')
      return
    }
    const spec = (job.spec ??= {})
    const status = (job.status ??= {})
    status.uncountedTerminatedPods ??= {}

    // Read expectations before the pods: a pod arriving in between then only defers this sync.
    const satisfied = this.#expectations.satisfied(key)
    const pods = this.#deps.pods.byIndex('ownerUid', job.metadata.uid ?? '').filter((p) => p.metadata.namespace === job.metadata.namespace)
    const activePods = pods.filter(isPodActive)
    const st: SyncState = {
      job, pods, activePods,
      succeeded: 0, failed: 0,
      ready: activePods.filter(isPodReady).length,
      terminating: pods.filter(isPodTerminating).length,
      uncountedSucceeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
      uncountedFailed: new Set(status.uncountedTerminatedPods.failed ?? []),
      expectedRemovals: this.#finalizers.expected(key),
      prevSucceededIndexes: [], succeededIndexes: [],
      backoff: { key, failuresAfterLastSuccess: 0 },
    }
    let active = activePods.length
    const { newSucceeded, newFailed } = this.#newFinishedPods(st)
    st.succeeded = (status.succeeded ?? 0) + newSucceeded.length + st.uncountedSucceeded.size
    st.failed = (status.failed ?? 0) + newFailed.filter((p) => matchPodFailurePolicy(spec.podFailurePolicy, p).countFailed).length + st.uncountedFailed.size

    if (!status.startTime && !isJobSuspended(job)) status.startTime = formatTime(this.#now)
    st.backoff = this.#backoff.next(key, newSucceeded, newFailed)

    st.finished = findCondition(status.conditions, 'SuccessCriteriaMet')?.status === 'True' ? findCondition(status.conditions, 'SuccessCriteriaMet') : undefined
    if (!st.finished) {
      const target = findCondition(status.conditions, 'FailureTarget')
      if (target?.status === 'True') st.finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', this.#now)
      else {
        const message = this.#failJobMessage(job, pods)
        if (message !== undefined) st.finished = newCondition('FailureTarget', 'True', 'PodFailurePolicy', message, this.#now)
      }
    }
    if (!st.finished) {
      if (st.failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
        st.finished = newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', this.#now)
      } else if (this.#pastActiveDeadline(job)) {
        st.finished = newCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', this.#now)
      } else if (typeof spec.activeDeadlineSeconds === 'number' && !isJobSuspended(job)) {
        this.reconciler.queue.addAfter(key, spec.activeDeadlineSeconds * 1000 - (this.#now - Date.parse(status.startTime!)))
      }
    }
    if (isIndexedJob(job)) {
      const { prev, now } = calculateSucceededIndexes(job, pods)
      st.prevSucceededIndexes = prev
      st.succeededIndexes = now
      st.succeeded = intervalsTotal(now)
    }

    let manageError: unknown
    let suspendChanged = false
    if (st.finished) {
      const { deleted, deletedReady, error } = await this.#deletePods(job, activePods, false)
      // Not finished while pods may still be missing from the cache or not deleted.
      if (deleted !== active || !satisfied) st.finished = undefined
      active -= deleted
      st.terminating += deleted
      st.ready -= deletedReady
      manageError = error
    } else {
      let managed = false
      if (satisfied && !job.metadata.deletionTimestamp) {
        const result = await this.#manageJob(key, st)
        active = result.active
        manageError = result.error
        managed = true
      }
      const completions = spec.completions
      const complete = completions === undefined || completions === null ? st.succeeded > 0 && active === 0 : st.succeeded >= completions && active === 0
      if (complete) {
        st.finished = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', this.#now)
      } else if (managed) {
        const conditions = (status.conditions ??= [])
        if (isJobSuspended(job)) {
          if (ensureConditionStatus(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', this.#now)) {
            suspendChanged = true
            this.#deps.recorder.event(job, 'Normal', 'Suspended', 'Job suspended')
          }
        } else if (ensureConditionStatus(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', this.#now)) {
          suspendChanged = true
          this.#deps.recorder.event(job, 'Normal', 'Resumed', 'Job resumed')
          // activeDeadlineSeconds counts continuous activity: restart the clock on resume.
          status.startTime = formatTime(this.#now)
        }
        if (status.conditions.length === 0) delete status.conditions
      }
    }

    const needsUpdate = suspendChanged || active !== (status.active ?? 0) || st.ready !== status.ready || st.terminating !== status.terminating
    status.active = active
    status.ready = st.ready
    status.terminating = st.terminating
    await this.#trackStatusAndRemoveFinalizers(key, st, needsUpdate)
    if (manageError) throw manageError
  }

  #newFinishedPods(st: SyncState): { newSucceeded: Pod[]; newFailed: Pod[] } {
    const completions = st.job.spec?.completions ?? 0
    const valid = (p: Pod, uncounted: Set<string>) => {
      const uid = p.metadata.uid ?? ''
      if (!hasTrackingFinalizer(p) || uncounted.has(uid) || st.expectedRemovals.has(uid)) return false
      if (!isIndexedJob(st.job)) return true
      const ix = completionIndexOf(p)
      return ix !== unknownCompletionIndex && ix < completions
    }
    return {
      newSucceeded: st.pods.filter((p) => valid(p, st.uncountedSucceeded) && p.status?.phase === 'Succeeded'),
      newFailed: st.pods.filter((p) => valid(p, st.uncountedFailed) && isPodFailed(p, st.job)),
    }
  }

  #failJobMessage(job: Job, pods: Pod[]): string | undefined {
    if (!job.spec?.podFailurePolicy) return undefined
    for (const pod of pods) {
      if (!isPodFailed(pod, job)) continue
      const match = matchPodFailurePolicy(job.spec.podFailurePolicy, pod)
      if (match.failJobMessage !== undefined) return match.failJobMessage
    }
    return undefined
  }

  #pastActiveDeadline(job: Job): boolean {
    const ads = job.spec?.activeDeadlineSeconds
    const start = job.status?.startTime
    if (typeof ads !== 'number' || !start || isJobSuspended(job)) return false
    return this.#now - Date.parse(start) >= ads * 1000
  }

  /** Creates or deletes pods toward the wanted number of active ones; returns the new active count. */
  async #manageJob(key: string, st: SyncState): Promise<{ active: number; error?: unknown }> {
    const { job } = st
    const spec = job.spec!
    let active = st.activePods.length
    if (isJobSuspended(job)) {
      const toDelete = this.#activePodsForRemoval(job, st.activePods, active)
      this.#expectations.expectDeletions(key, toDelete.length)
      const { deleted, deletedReady, error } = await this.#deletePods(job, toDelete, true, key)
      st.terminating += deleted
      st.ready -= deletedReady
      return { active: active - deleted, error }
    }
    const parallelism = spec.parallelism ?? 1
    const completions = spec.completions
    let wantActive: number
    if (completions === undefined || completions === null) wantActive = st.succeeded > 0 ? active : parallelism
    else wantActive = Math.max(0, Math.min(completions - st.succeeded, parallelism))

    const toDelete = this.#activePodsForRemoval(job, st.activePods, Math.max(0, active - wantActive)).slice(0, maxPodCreateDeletePerSync)
    if (toDelete.length > 0) {
      // One sync either deletes or creates; deletions go first.
      this.#expectations.expectDeletions(key, toDelete.length)
      const { deleted, deletedReady, error } = await this.#deletePods(job, toDelete, true, key)
      st.terminating += deleted
      st.ready -= deletedReady
      return { active: active - deleted, error }
    }

    const terminating = onlyReplaceFailedPods(job) ? st.terminating : 0
    let diff = wantActive - terminating - active
    if (diff <= 0) return { active }
    const waitMs = remainingBackoffMs(st.backoff.failuresAfterLastSuccess, st.backoff.lastFailureTime, this.#now, this.#baseBackoff, this.#maxBackoff)
    if (waitMs > 0) {
      this.reconciler.queue.addAfter(key, Math.max(waitMs, this.#batchPeriod))
      return { active }
    }
    diff = Math.min(diff, maxPodCreateDeletePerSync)
    let indexes: number[] = []
    if (isIndexedJob(job)) {
      indexes = firstPendingIndexes(st.activePods, st.succeededIndexes, diff, completions ?? 0)
      diff = indexes.length
    }
    if (diff === 0) return { active }
    const template = structuredClone(spec.template ?? {})
    if (isIndexedJob(job)) addCompletionIndexEnv(template)
    const meta = (template.metadata ??= {})
    if (!meta.finalizers?.includes(jobTrackingFinalizer)) meta.finalizers = [...(meta.finalizers ?? []), jobTrackingFinalizer]

    this.#expectations.expectCreations(key, diff)
    this.#deps.log.debug({ key, want: wantActive, creating: diff }, 'too few pods running')
    const errors: unknown[] = []
    const { succeeded, error } = await slowStartBatch(diff, async (i) => {
      const index = indexes[i]
      const pod = index === undefined
        ? podFromTemplate(template, job)
        : podFromTemplate(templateForIndex(template, job.metadata.name ?? '', index), job, generateNameWithIndex(job.metadata.name ?? '', index))
      try {
        await this.#podControl.create(job, pod)
      } catch (err) {
        // This pod will never be seen: stop waiting for it.
        this.#expectations.creationObserved(key)
        errors.push(err)
        throw err
      }
    })
    // Pods of batches never started will not be seen either.
    const attempted = succeeded + errors.length
    for (let i = attempted; i < diff; i++) this.#expectations.creationObserved(key)
    return { active: active + succeeded, error: error ?? errors[0] }
  }

  #activePodsForRemoval(job: Job, pods: Pod[], atLeast: number): Pod[] {
    let remove: Pod[] = []
    let left = pods
    if (isIndexedJob(job)) ({ remove, keep: left } = duplicatedIndexPodsForRemoval(pods, job.spec?.completions ?? 0))
    if (remove.length < atLeast) remove = [...remove, ...[...left].sort(compareForDeletion).slice(0, atLeast - remove.length)]
    return remove
  }

  /**
   * Deletes pods; with removeFinalizer (suspend, scale down) their tracking
   * finalizer goes first, as those pods are not counted. A pod already gone
   * counts as deleted.
   */
  async #deletePods(job: Job, pods: Pod[], removeFinalizer: boolean, key?: string): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    let deleted = 0
    let deletedReady = 0
    const errors: unknown[] = []
    await Promise.all(pods.map(async (pod) => {
      try {
        if (removeFinalizer && hasTrackingFinalizer(pod)) await this.#removeFinalizer(pod)
        await this.#podControl.delete(job, pod)
        deleted++
        if (isPodReady(pod)) deletedReady++
      } catch (err) {
        if (key) this.#expectations.deletionObserved(key)
        errors.push(err)
      }
    }))
    return { deleted, deletedReady, error: errors[0] }
  }

  /**
   * Records newly finished pods in uncountedTerminatedPods (written first),
   * removes their finalizers, then moves them into the counters; finishes
   * the Job when nothing is left uncounted or terminating.
   */
  async #trackStatusAndRemoveFinalizers(key: string, st: SyncState, needsFlush: boolean): Promise<void> {
    let job = st.job
    const status = job.status!
    const uncounted = status.uncountedTerminatedPods!
    const indexed = isIndexedJob(job)
    const completions = job.spec?.completions ?? 0
    const pods = indexed ? [...st.pods].sort((a, b) => completionIndexOf(a) - completionIndexOf(b)) : st.pods
    const withFinalizer = new Set(pods.filter((p) => hasTrackingFinalizer(p) && !st.expectedRemovals.has(p.metadata.uid ?? '')).map((p) => p.metadata.uid ?? ''))
    if (cleanUncounted(job, withFinalizer)) needsFlush = true

    const toRemoveFinalizer: Pod[] = []
    const newSucceededIndexes: number[] = []
    let reachedMax = false
    for (const pod of pods) {
      const uid = pod.metadata.uid ?? ''
      if (!hasTrackingFinalizer(pod) || st.expectedRemovals.has(uid)) continue
      const failed = isPodFailed(pod, job)
      const canRemove = !!job.metadata.deletionTimestamp || st.finished !== undefined || pod.status?.phase === 'Succeeded' || failed
      if (!canRemove) continue
      toRemoveFinalizer.push(pod)
      if (pod.status?.phase === 'Succeeded' && !st.uncountedFailed.has(uid)) {
        if (indexed) {
          const ix = completionIndexOf(pod)
          if (ix !== unknownCompletionIndex && ix < completions && !intervalsHas(st.prevSucceededIndexes, ix)) {
            newSucceededIndexes.push(ix)
            needsFlush = true
          }
        } else if (!st.uncountedSucceeded.has(uid)) {
          (uncounted.succeeded ??= []).push(uid)
          needsFlush = true
        }
      } else if (failed || (st.finished && st.finished.type !== 'SuccessCriteriaMet')) {
        // A Job that failed counts its remaining pods as failed.
        const ix = completionIndexOf(pod)
        if (!st.uncountedFailed.has(uid) && (!indexed || (ix !== unknownCompletionIndex && ix < completions))) {
          if (matchPodFailurePolicy(job.spec?.podFailurePolicy, pod).countFailed) {
            (uncounted.failed ??= []).push(uid)
            needsFlush = true
          }
        }
      }
      if (newSucceededIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= maxUncountedPods) {
        // Keep status small and let other Jobs sync; the writes below re-queue this one.
        reachedMax = true
        break
      }
    }
    if (indexed) {
      st.succeededIndexes = withOrderedIndexes(st.succeededIndexes, newSucceededIndexes)
      const text = formatIntervals(st.succeededIndexes)
      if (text !== (status.completedIndexes ?? '')) needsFlush = true
      status.succeeded = intervalsTotal(st.succeededIndexes)
      status.completedIndexes = text
    }
    if (st.finished?.type === 'FailureTarget') {
      // Record the decision before the finalizers go, so a restart keeps it.
      ;(status.conditions ??= []).push(st.finished)
      needsFlush = true
      st.finished = newCondition('Failed', 'True', st.finished.reason ?? '', st.finished.message ?? '', this.#now)
    }
    if (st.finished?.type === 'SuccessCriteriaMet') {
      if (findCondition(status.conditions, 'SuccessCriteriaMet')?.status !== 'True') {
        ;(status.conditions ??= []).push(st.finished)
        needsFlush = true
      }
      st.finished = newCondition('Complete', 'True', st.finished.reason ?? '', st.finished.message ?? '', this.#now)
    }

    // 1. flush the uncounted uids (and the interim condition)
    if (needsFlush) {
      job = await this.#updateStatus(job)
      st.job = job
      this.#backoff.update(st.backoff)
      needsFlush = false
    }
    // 2. remove finalizers; 3. move what was removed into the counters
    let removeError: unknown
    if (toRemoveFinalizer.length > 0) {
      this.#finalizers.expectRemoved(key, toRemoveFinalizer.map((p) => p.metadata.uid ?? ''))
      await Promise.all(toRemoveFinalizer.map(async (pod) => {
        try {
          await this.#removeFinalizer(pod)
          withFinalizer.delete(pod.metadata.uid ?? '')
        } catch (err) {
          this.#finalizers.observed(key, pod.metadata.uid ?? '')
          removeError ??= err
        }
      }))
    }
    if (cleanUncounted(job, withFinalizer)) needsFlush = true
    if (removeError) {
      if (needsFlush) st.job = await this.#updateStatus(job)
      throw removeError
    }
    const finished = !reachedMax && this.#enactFinished(st)
    if (finished) needsFlush = true
    if (needsFlush) {
      st.job = await this.#updateStatus(st.job)
      if (finished) this.#recordFinished(st.job, st.finished!)
    }
  }

  #enactFinished(st: SyncState): boolean {
    const cond = st.finished
    if (!cond) return false
    const status = st.job.status!
    const uncounted = status.uncountedTerminatedPods
    if ((uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) return false
    if (st.terminating > 0) return false
    ensureConditionStatus((status.conditions ??= []), cond.type, cond.status, cond.reason ?? '', cond.message ?? '', this.#now)
    if (cond.type === 'Complete') status.completionTime = cond.lastTransitionTime ?? formatTime(this.#now)
    return true
  }

  #recordFinished(job: Job, cond: JobCondition): void {
    if (cond.type === 'Complete') {
      const completions = job.spec?.completions
      if (typeof completions === 'number' && (job.status?.succeeded ?? 0) > completions) {
        this.#deps.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached')
      }
      this.#deps.recorder.event(job, 'Normal', 'Completed', 'Job completed')
    } else {
      this.#deps.recorder.event(job, 'Warning', cond.reason ?? '', cond.message ?? '')
    }
  }

  async #updateStatus(job: Job): Promise<Job> {
    const updated = await this.#deps.client.jobs.namespace(job.metadata.namespace ?? 'default').updateStatus(job) as Job
    return withJobTypeMeta(updated)
  }
}

/** Moves uncounted uids whose pods no longer carry the finalizer into the counters; returns whether status changed. */
function cleanUncounted(job: Job, withFinalizer: Set<string>): boolean {
  const status = job.status!
  const uncounted = (status.uncountedTerminatedPods ??= {})
  let changed = false
  const succeeded = (uncounted.succeeded ?? []).filter((uid) => withFinalizer.has(uid))
  if (succeeded.length !== (uncounted.succeeded?.length ?? 0)) {
    status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded!.length - succeeded.length)
    uncounted.succeeded = succeeded
    changed = true
  }
  const failed = (uncounted.failed ?? []).filter((uid) => withFinalizer.has(uid))
  if (failed.length !== (uncounted.failed?.length ?? 0)) {
    status.failed = (status.failed ?? 0) + (uncounted.failed!.length - failed.length)
    uncounted.failed = failed
    changed = true
  }
  return changed
}

/**
 * The 'job' controller as the controller-manager starts it
 * (--concurrent-job-syncs workers, default 5 upstream).
 */
export function jobController(options: JobControllerOptions = {}): ControllerDefinition {
  return {
    name: 'job',
    init(ctx: ControllerContext) {
      const jobs = ctx.informers.informerFor<Job>(commonResources.jobs)
      const pods = ctx.informers.informerFor<Pod>(commonResources.pods)
      const controller = new JobController({
        client: ctx.client, jobs, pods, recorder: ctx.recorder('job-controller'), clock: ctx.clock,
        log: ctx.log.child({ controller: 'job' }), options,
      })
      jobs.addEventHandler(controller.jobHandler)
      pods.addEventHandler(controller.podHandler)
      return async (signal) => {
        await Promise.all([jobs.whenSynced(), pods.whenSynced()])
        await Promise.all([controller.reconciler.run(ctx.workers('job'), signal), controller.orphans.run(1, signal)])
      }
    },
  }
}
