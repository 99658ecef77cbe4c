// When the taint eviction controller deletes a pod (upstream
// pkg/controller/tainteviction: getNoExecuteTaints, GetMatchingTolerations,
// getMinTolerationTime): a pod that does not tolerate every NoExecute taint
// of its node goes at once; one that tolerates them all goes after the
// smallest tolerationSeconds among the tolerations used; without any
// tolerationSeconds it stays.
import type { Taint, Toleration } from '../../../shared/core-types.ts'
import { taintEffectNoExecute, tolerates } from '../../../shared/taints.ts'

export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === taintEffectNoExecute)
}

/** Whether every taint is tolerated, and the tolerations that tolerate at least one. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): { allTolerated: boolean; used: Toleration[] } {
  if (taints.length === 0) return { allTolerated: true, used: [] }
  const used = new Set<Toleration>()
  for (const taint of taints) {
    const matching = (tolerations ?? []).filter((t) => tolerates(t, taint))
    if (matching.length === 0) return { allTolerated: false, used: [] }
    for (const t of matching) used.add(t)
  }
  return { allTolerated: true, used: [...used] }
}

/** Milliseconds the tolerations allow; 0 for none at all or one <= 0 s, -1 for ever (no tolerationSeconds). */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0
  let min = Infinity
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue
    if (t.tolerationSeconds <= 0) return 0
    min = Math.min(min, t.tolerationSeconds)
  }
  return min === Infinity ? -1 : min * 1000
}

export type EvictionDecision =
  | { action: 'cancel' }
  | { action: 'evict-now' }
  /** Evict at startMs + delayMs; startMs is when the node got its taints. */
  | { action: 'evict-after'; startMs: number; delayMs: number }

/**
 * What to do with a pod on a node with these NoExecute taints at `now`.
 * The wait counts from the earliest timeAdded of the taints (so a restarted
 * controller does not start the wait over), or from now when a taint has
 * no timeAdded or one in the future.
 */
export function decideEviction(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined, now: number): EvictionDecision {
  if (taints.length === 0) return { action: 'cancel' }
  const { allTolerated, used } = matchingTolerations(taints, tolerations)
  if (!allTolerated) return { action: 'evict-now' }
  const delayMs = minTolerationMs(used)
  if (delayMs < 0) return { action: 'cancel' }
  let startMs = now
  for (const taint of taints) {
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN
    if (Number.isFinite(added) && added < startMs) startMs = added
  }
  return { action: 'evict-after', startMs, delayMs }
}
