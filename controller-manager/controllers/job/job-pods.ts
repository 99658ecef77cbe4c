// What the Job controller asks of a pod: is it active, ready, terminating,
// failed in the Job's eyes; its restarts; which of several to delete first
// (upstream's controller.ActivePods order).
import type { Condition, Pod } from '../../../shared/core-types.ts'
import { jobTrackingFinalizer, type Job } from './job-types.ts'

interface ContainerStatusLike {
  name?: string
  restartCount?: number
  state?: { terminated?: { exitCode?: number; finishedAt?: string } }
}

export function containerStatuses(pod: Pod): ContainerStatusLike[] {
  return (pod.status?.containerStatuses ?? []) as ContainerStatusLike[]
}

export function initContainerStatuses(pod: Pod): ContainerStatusLike[] {
  return (pod.status?.initContainerStatuses ?? []) as ContainerStatusLike[]
}

/** Not finished and not being deleted (upstream's FilterActivePods). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp
}

/** Being deleted but not yet in a terminal phase. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase
  return !!pod.metadata.deletionTimestamp && phase !== 'Failed' && phase !== 'Succeeded'
}

function readyCondition(pod: Pod): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True'
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(jobTrackingFinalizer) ?? false
}

/** Whether only failed pods are replaced (podReplacementPolicy Failed, implied by a pod failure policy). */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || !!job.spec?.podFailurePolicy
}

/**
 * Failed in the Job's eyes: phase Failed, or (unless only failed pods are
 * replaced) deleted before it succeeded, as orphans may never reach Failed.
 */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true
  if (onlyReplaceFailedPods(job)) return false
  return !!pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded'
}

/**
 * restartPolicy OnFailure: the kubelet restarts containers in place, so the
 * restarts of running and pending pods count toward backoffLimit.
 */
export function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false
  let restarts = 0
  for (const pod of pods) {
    const phase = pod.status?.phase
    if (phase !== 'Running' && phase !== 'Pending') continue
    for (const s of [...initContainerStatuses(pod), ...containerStatuses(pod)]) restarts += s.restartCount ?? 0
  }
  const limit = job.spec?.backoffLimit ?? 6
  return limit === 0 ? restarts > 0 : restarts >= limit
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...containerStatuses(pod).map((s) => s.restartCount ?? 0))
}

function timeOf(text: string | null | undefined): number {
  return text ? Date.parse(text) : 0
}

/**
 * Negative when a should be deleted before b: unscheduled before scheduled,
 * Pending before Unknown before Running, not ready before ready, ready for
 * less time first, more restarts first, newer first.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const scheduledA = a.spec?.nodeName ? 1 : 0
  const scheduledB = b.spec?.nodeName ? 1 : 0
  if (scheduledA !== scheduledB) return scheduledA - scheduledB
  const rankA = phaseRank[a.status?.phase ?? 'Pending'] ?? 0
  const rankB = phaseRank[b.status?.phase ?? 'Pending'] ?? 0
  if (rankA !== rankB) return rankA - rankB
  const readyA = isPodReady(a) ? 1 : 0
  const readyB = isPodReady(b) ? 1 : 0
  if (readyA !== readyB) return readyA - readyB
  if (readyA && readyB) {
    const sinceA = timeOf(readyCondition(a)?.lastTransitionTime)
    const sinceB = timeOf(readyCondition(b)?.lastTransitionTime)
    if (sinceA !== sinceB) return sinceB - sinceA
  }
  const restartsA = maxRestarts(a)
  const restartsB = maxRestarts(b)
  if (restartsA !== restartsB) return restartsB - restartsA
  return timeOf(b.metadata.creationTimestamp) - timeOf(a.metadata.creationTimestamp)
}
