// Nodes as `kubectl get nodes` shows them: readiness (and cordoning) in
// STATUS, roles from node-role labels, and the kubelet's system info.
import type { KubeObject } from '../../shared/api-types.ts'
import { since } from './cell-formats.ts'
import { ageColumn, column, definePrinter, nameColumn } from './printer.ts'

interface Node extends KubeObject {
  spec?: { unschedulable?: boolean }
  status?: {
    conditions?: { type?: string; status?: string }[]
    addresses?: { type?: string; address?: string }[]
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string }
  }
}

const roleLabelPrefix = 'node-role.kubernetes.io/'
const legacyRoleLabel = 'kubernetes.io/role'

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role=<role>`, sorted. */
function nodeRoles(node: Node): string[] {
  const roles = new Set<string>()
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(roleLabelPrefix)) {
      const role = key.slice(roleLabelPrefix.length)
      if (role) roles.add(role)
    } else if (key === legacyRoleLabel && value !== '') roles.add(value)
  }
  return [...roles].sort()
}

function nodeStatus(node: Node): string {
  // Only Ready counts; the last condition of that type wins, as upstream's map does.
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').at(-1)
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown']
  if (node.spec?.unschedulable) status.push('SchedulingDisabled')
  return status.join(',')
}

function address(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>'
}

export const nodePrinter = definePrinter<Node>({
  columns: [
    nameColumn,
    column('Status', 'string', { text: 'The status of the node' }),
    column('Roles', 'string', { text: 'The roles of the node' }),
    ageColumn,
    column('Version', 'string', 'core.NodeSystemInfo.kubeletVersion'),
    column('Internal-IP', 'string', 'core.NodeStatus.addresses', { priority: 1 }),
    column('External-IP', 'string', 'core.NodeStatus.addresses', { priority: 1 }),
    column('OS-Image', 'string', 'core.NodeSystemInfo.osImage', { priority: 1 }),
    column('Kernel-Version', 'string', 'core.NodeSystemInfo.kernelVersion', { priority: 1 }),
    column('Container-Runtime', 'string', 'core.NodeSystemInfo.containerRuntimeVersion', { priority: 1 }),
  ],
  cells(node, now) {
    const info = node.status?.nodeInfo ?? {}
    return [
      node.metadata.name ?? '',
      nodeStatus(node),
      nodeRoles(node).join(',') || '<none>',
      since(node.metadata.creationTimestamp, now),
      info.kubeletVersion ?? '',
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ]
  },
})
