// Exponential back-off between failed pods (upstream's backoff_utils.go): a
// Job that keeps failing waits base, 2·base, 4·base … (capped) after its
// last failure before it gets a new pod. Only failures since the last
// success count, and only pods the controller has not yet counted feed the
// record, so a re-sync never counts one failure twice.
import type { Pod } from '../../../shared/core-types.ts'
import { containerStatuses, initContainerStatuses } from './job-pods.ts'

/** @default upstream's DefaultJobPodFailureBackOff, 10 s */
export const defaultPodFailureBackoffMs = 10_000
/** @default upstream's MaxJobPodFailureBackOff, 10 min (the docs still say 6) */
export const maxPodFailureBackoffMs = 10 * 60_000

export interface BackoffRecord {
  key: string
  failuresAfterLastSuccess: number
  /** ms since the epoch; undefined when there is no failure since the last success */
  lastFailureTime?: number
}

/**
 * When a pod finished: the latest container finish time when all containers
 * finished, else when Ready turned False, else its deletion time minus the
 * grace period, else its creation.
 */
export function podFinishedTime(pod: Pod): number {
  const fromContainers = latestFinish(pod)
  if (fromContainers !== undefined) return fromContainers
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')
  if (ready?.status === 'False' && ready.lastTransitionTime) return Date.parse(ready.lastTransitionTime)
  if (pod.metadata.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000
  return Date.parse(pod.metadata.creationTimestamp ?? '') || 0
}

function latestFinish(pod: Pod): number | undefined {
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name))
  const statuses = [...containerStatuses(pod), ...initContainerStatuses(pod).filter((s) => sidecars.has(s.name))]
  let latest: number | undefined
  for (const s of statuses) {
    const at = s.state?.terminated?.finishedAt
    if (!at) return undefined
    const t = Date.parse(at)
    if (latest === undefined || t > latest) latest = t
  }
  return latest
}

function byFinishedTime(pods: Pod[]): Pod[] {
  return pods.map((p) => ({ p, t: podFinishedTime(p) })).sort((a, b) => a.t - b.t).map(({ p }) => p)
}

/** Back-off records by Job key; kept in memory, as upstream's. */
export class BackoffStore {
  readonly #records = new Map<string, BackoffRecord>()

  get(key: string): BackoffRecord | undefined {
    return this.#records.get(key)
  }

  update(record: BackoffRecord): void {
    this.#records.set(record.key, { ...record })
  }

  remove(key: string): void {
    this.#records.delete(key)
  }

  /** The record after these newly finished (not yet counted) pods; not stored until update(). */
  next(key: string, newSucceeded: Pod[], newFailed: Pod[]): BackoffRecord {
    const old = this.#records.get(key)
    const record: BackoffRecord = { key, failuresAfterLastSuccess: old?.failuresAfterLastSuccess ?? 0, lastFailureTime: old?.lastFailureTime }
    const succeeded = byFinishedTime(newSucceeded)
    const failed = byFinishedTime(newFailed)
    if (succeeded.length === 0) {
      if (failed.length === 0) return record
      record.failuresAfterLastSuccess += failed.length
      record.lastFailureTime = podFinishedTime(failed[failed.length - 1])
      return record
    }
    record.failuresAfterLastSuccess = 0
    record.lastFailureTime = undefined
    const lastSuccess = podFinishedTime(succeeded[succeeded.length - 1])
    for (let i = failed.length - 1; i >= 0; i--) {
      const t = podFinishedTime(failed[i])
      if (t <= lastSuccess) break
      record.lastFailureTime ??= t
      record.failuresAfterLastSuccess++
    }
    return record
  }
}

/** How long to wait before creating a pod: base·2^(failures-1), capped at max, minus the time since the last failure. */
export function remainingBackoffMs(failures: number, lastFailureTime: number | undefined, now: number, baseMs: number, maxMs: number): number {
  if (failures === 0 || lastFailureTime === undefined) return 0
  let backoff = baseMs
  for (let i = 1; i < failures; i++) {
    backoff *= 2
    if (backoff >= maxMs) {
      backoff = maxMs
      break
    }
  }
  const elapsed = now - lastFailureTime
  return backoff < elapsed ? 0 : backoff - elapsed
}
