// NodePorts: a pod's hostPorts must be free on the node. An address of
// 0.0.0.0 takes the port on every address, so it clashes with any use of the
// same port and protocol.
import { success, type FilterPlugin, type HostPort, type Status } from '../framework.ts'
import type { Pod } from '../../shared/core-types.ts'

const name = 'NodePorts'
const preFilterKey = `PreFilter${name}`

export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports"

// Another pod's deletion can free the port, so preemption may help: Unschedulable.
const rejected: Status = Object.freeze({ code: 'Unschedulable', reasons: Object.freeze([errReasonNodePorts]), plugin: name }) as Status

/**
 * The host ports the pod holds while it runs (upstream's GetHostPorts):
 * regular containers and sidecars (restartPolicy Always init containers);
 * other init containers have exited by then.
 */
export function wantedHostPorts(pod: Pod): HostPort[] {
  const ports: HostPort[] = []
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')
  for (const container of [...sidecars, ...(pod.spec?.containers ?? [])]) {
    for (const p of container.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue
      ports.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort })
    }
  }
  return ports
}

export const nodePortsFilter: FilterPlugin = {
  name,
  // Ports come free when a pod goes away, or a new node has them all.
  events: ['PodDelete', 'NodeAdd'],
  preFilter(state, pod) {
    state.set(preFilterKey, wantedHostPorts(pod.pod))
    return undefined
  },
  filter(state, pod, node) {
    const wanted = (state.get(preFilterKey) as HostPort[] | undefined) ?? wantedHostPorts(pod.pod)
    if (wanted.length === 0 || node.usedPorts.length === 0) return success
    return node.portsConflict(wanted) ? rejected : success
  },
}
