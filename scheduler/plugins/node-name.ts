// NodeName: a pod that names its node (spec.nodeName) fits only there.
import { success, type FilterPlugin, type Status } from '../framework.ts'

const name = 'NodeName'

export const errReasonNodeName = "node(s) didn't match the requested node name"

const rejected: Status = Object.freeze({ code: 'UnschedulableAndUnresolvable', reasons: Object.freeze([errReasonNodeName]), plugin: name }) as Status

export const nodeNameFilter: FilterPlugin = {
  name,
  // Only the named node appearing can help.
  events: ['NodeAdd'],
  filter(_state, pod, node) {
    const wanted = pod.pod.spec?.nodeName
    return !wanted || wanted === node.name ? success : rejected
  },
}
