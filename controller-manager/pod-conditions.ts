// Pod readiness as upstream's pkg/api/v1/pod reads it (IsPodReady,
// IsPodAvailable), and whether a pod still counts: what every workload
// controller counts with.
import type { Pod } from '../shared/core-types.ts'

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True'
}

/** Ready for at least minReadySeconds at now (ms since the epoch). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = readyCondition(pod)
  if (ready?.status !== 'True') return false
  if (minReadySeconds <= 0) return true
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now
}

/** Succeeded or Failed: its containers will not run again. */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

/** Not finished and not being deleted: it counts toward replicas. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp
}
