// TaintToleration: the filter keeps pods off nodes with a NoSchedule or
// NoExecute taint they do not tolerate; the score prefers nodes with fewer
// untolerated PreferNoSchedule taints.
import { success, type FilterPlugin, type ScorePlugin, type Status } from '../framework.ts'
import type { Taint, Toleration } from '../../shared/core-types.ts'
import { findUntoleratedTaint, isDoNotScheduleTaint, taintEffectPreferNoSchedule, tolerationsTolerateTaint } from '../../shared/taints.ts'
import { defaultNormalizeScore } from './node-affinity.ts'

const name = 'TaintToleration'
const preScoreKey = `PreScore${name}`

/**
 * The reason names the first untolerated taint, as v1.34.0 (the version this
 * apiserver reports) words it. Upstream v1.35 and v1.34.2 shortened it to
 * 'node(s) had untolerated taint(s)' because keys and values may be sensitive.
 */
export function errReasonUntolerated(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key ?? ''}: ${taint.value ?? ''}}`
}

// Only the node's taints (or the pod's tolerations) can change; evicting pods cannot help.
function rejected(taint: Taint): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons: [errReasonUntolerated(taint)], plugin: name }
}

/** The NoSchedule or NoExecute taint on the node that keeps the pod off it, if any (for logs). */
export function untoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined): Taint | undefined {
  return findUntoleratedTaint(taints, tolerations, isDoNotScheduleTaint)
}

export const taintTolerationFilter: FilterPlugin = {
  name,
  // A taint removed from a node, or a new node.
  events: ['NodeAdd', 'NodeUpdate'],
  filter(_state, pod, node) {
    const taints = node.node?.spec?.taints
    if (!taints || taints.length === 0) return success
    const taint = untoleratedTaint(taints, pod.pod.spec?.tolerations)
    return taint ? rejected(taint) : success
  },
}

interface ScoreState {
  /** Only tolerations that can cover a PreferNoSchedule taint. */
  readonly tolerations: readonly Toleration[]
}

function scoreStateOf(tolerations: readonly Toleration[] | undefined): ScoreState {
  // An empty effect covers every effect, PreferNoSchedule included.
  return { tolerations: (tolerations ?? []).filter((t) => !t.effect || t.effect === taintEffectPreferNoSchedule) }
}

export const taintTolerationScore: ScorePlugin = {
  name,
  weight: 3,
  preScore(state, pod) {
    state.set(preScoreKey, scoreStateOf(pod.pod.spec?.tolerations))
  },
  /** How many PreferNoSchedule taints the pod does not tolerate; normalize turns fewer into higher. */
  score(state, pod, node) {
    const { tolerations } = (state.get(preScoreKey) as ScoreState | undefined) ?? scoreStateOf(pod.pod.spec?.tolerations)
    let count = 0
    for (const taint of node.node?.spec?.taints ?? []) {
      if (taint.effect === taintEffectPreferNoSchedule && !tolerationsTolerateTaint(tolerations, taint)) count++
    }
    return count
  },
  normalize(_state, _pod, _nodes, scores) {
    defaultNormalizeScore(scores, true)
  },
}
