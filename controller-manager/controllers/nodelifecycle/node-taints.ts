// The taints the node lifecycle controller owns, and how it swaps them
// (upstream's nodeConditionToTaintKeyStatusMap, TaintNodesByCondition and
// SwapNodeControllerTaint):
// - NoSchedule taints mirror node conditions (Ready False → not-ready,
//   Ready Unknown → unreachable, pressure conditions True → *-pressure) and
//   spec.unschedulable (→ unschedulable), so the scheduler only reads taints;
// - NoExecute not-ready / unreachable taints make the taint eviction
//   controller move pods away; they are mutually exclusive, as Ready is one
//   status.
import type { Node, Taint } from '../../../shared/core-types.ts'
import {
  taintEffectNoExecute, taintEffectNoSchedule, taintNodeDiskPressure, taintNodeMemoryPressure, taintNodeNetworkUnavailable,
  taintNodeNotReady, taintNodePIDPressure, taintNodeUnreachable, taintNodeUnschedulable,
} from '../../../shared/taints.ts'
import { formatTime } from './node-health.ts'

export const unreachableTaint: Taint = { key: taintNodeUnreachable, effect: taintEffectNoExecute }
export const notReadyTaint: Taint = { key: taintNodeNotReady, effect: taintEffectNoExecute }

/** condition type → status → taint key. */
const conditionTaintKeys: Record<string, Record<string, string>> = {
  Ready: { False: taintNodeNotReady, Unknown: taintNodeUnreachable },
  MemoryPressure: { True: taintNodeMemoryPressure },
  DiskPressure: { True: taintNodeDiskPressure },
  NetworkUnavailable: { True: taintNodeNetworkUnavailable },
  PIDPressure: { True: taintNodePIDPressure },
}
const conditionTaintKeySet = new Set(Object.values(conditionTaintKeys).flatMap((m) => Object.values(m)))

/** Same key and effect (upstream Taint.MatchTaint): a value or timeAdded does not make two taints differ. */
export function matchTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect
}

export function taintExists(taints: readonly Taint[] | undefined, taint: Taint): boolean {
  return (taints ?? []).some((t) => matchTaint(t, taint))
}

/** The NoSchedule taints the node's conditions and spec.unschedulable call for. */
export function wantedNoScheduleTaints(node: Node): Taint[] {
  const taints: Taint[] = []
  for (const c of node.status?.conditions ?? []) {
    const key = conditionTaintKeys[c.type ?? '']?.[c.status ?? '']
    if (key) taints.push({ key, effect: taintEffectNoSchedule })
  }
  if (node.spec?.unschedulable) taints.push({ key: taintNodeUnschedulable, effect: taintEffectNoSchedule })
  return taints
}

/** The NoSchedule taints of the node that this controller manages (upstream's filter in doNoScheduleTaintingPass). */
export function managedNoScheduleTaints(node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter((t) => t.effect === taintEffectNoSchedule && (t.key === taintNodeUnschedulable || conditionTaintKeySet.has(t.key ?? '')))
}

/** What to add and what to remove to turn `have` into `want` (upstream TaintSetDiff). */
export function taintSetDiff(want: readonly Taint[], have: readonly Taint[]): { add: Taint[]; remove: Taint[] } {
  return {
    add: want.filter((t) => !have.some((h) => matchTaint(h, t))),
    remove: have.filter((h) => !want.some((t) => matchTaint(h, t))),
  }
}

/**
 * The node's taints with `remove` gone and `add` present (stamped timeAdded
 * now, as upstream stamps taints it adds); undefined when nothing changes.
 * A taint to add that exists with the same key and effect is left as it is.
 */
export function swapTaints(taints: readonly Taint[] | undefined, add: readonly Taint[], remove: readonly Taint[], now: number): Taint[] | undefined {
  const current = [...(taints ?? [])]
  let next = current.filter((t) => !remove.some((r) => matchTaint(t, r)))
  let changed = next.length !== current.length
  for (const taint of add) {
    if (next.some((t) => matchTaint(t, taint))) continue
    next = [...next, { ...taint, timeAdded: formatTime(now) }]
    changed = true
  }
  return changed ? next : undefined
}
