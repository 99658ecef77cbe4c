// Which pods a ReplicaSet gives up first when it scales down (upstream's
// ActivePodsWithRanks ordering, simplified to the rules that matter here):
// unscheduled before scheduled, pending before unknown before running, not
// ready before ready, more restarts before fewer, newer before older.
import type { Pod } from '../../../shared/core-types.ts'
import { isPodReady } from '../../pod-conditions.ts'

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

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
