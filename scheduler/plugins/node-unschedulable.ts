// NodeUnschedulable: keeps pods off cordoned nodes (spec.unschedulable),
// except pods that tolerate the node.kubernetes.io/unschedulable:NoSchedule
// taint, as DaemonSet pods do.
import { success, type FilterPlugin, type Status } from '../framework.ts'
import { taintEffectNoSchedule, taintNodeUnschedulable, tolerationsTolerateTaint } from '../../shared/taints.ts'

const name = 'NodeUnschedulable'
const preFilterKey = `PreFilter${name}`

export const errReasonUnschedulable = 'node(s) were unschedulable'

// Uncordoning is a node change; no pod change can un-cordon a node.
const rejected: Status = Object.freeze({ code: 'UnschedulableAndUnresolvable', reasons: Object.freeze([errReasonUnschedulable]), plugin: name }) as Status

const unschedulableTaint = { key: taintNodeUnschedulable, effect: taintEffectNoSchedule }

export const nodeUnschedulableFilter: FilterPlugin = {
  name,
  events: ['NodeAdd', 'NodeUpdate'],
  preFilter(state, pod) {
    state.set(preFilterKey, tolerationsTolerateTaint(pod.pod.spec?.tolerations, unschedulableTaint))
    return undefined
  },
  filter(state, pod, node) {
    if (!node.node?.spec?.unschedulable) return success
    const tolerated = (state.get(preFilterKey) as boolean | undefined) ?? tolerationsTolerateTaint(pod.pod.spec?.tolerations, unschedulableTaint)
    return tolerated ? success : rejected
  },
}
