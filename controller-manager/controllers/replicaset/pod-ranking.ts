// Which pods a ReplicaSet gives up first when it scales down (upstream's
// ActivePodsWithRanks ordering, simplified to the rules that matter here):
// unscheduled before scheduled, pending before unknown before running, not
// ready before ready, more restarts before fewer, newer before older.
import type { Pod } from '../../../shared/core-types.ts'

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}

/** Ready for at least minReadySeconds at `now` (ms). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')
  if (!ready) return false
  if (minReadySeconds <= 0) return true
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now
}

/** Not finished and not being deleted: it counts toward replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp
}

function restarts(pod: Pod): number {
  const statuses = (pod.status?.containerStatuses ?? []) as Array<{ restartCount?: number }>
  return statuses.reduce((max, s) => Math.max(max, s.restartCount ?? 0), 0)
}

function created(pod: Pod): number {
  return Date.parse(pod.metadata.creationTimestamp ?? '') || 0
}

/** Negative when a should go before b. */
export function compareForDeletion(a: Pod, b: Pod): number {
  const assigned = (p: Pod) => (p.spec?.nodeName ? 1 : 0)
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b)
  const phase = (p: Pod) => phaseRank[p.status?.phase ?? 'Pending'] ?? 0
  if (phase(a) !== phase(b)) return phase(a) - phase(b)
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0)
  if (ready(a) !== ready(b)) return ready(a) - ready(b)
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a)
  if (created(a) !== created(b)) return created(b) - created(a)
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1
}

export function podsToDelete(pods: readonly Pod[], count: number): Pod[] {
  return [...pods].sort(compareForDeletion).slice(0, count)
}
