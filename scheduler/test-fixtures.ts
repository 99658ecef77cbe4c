// Builders for scheduler unit tests: small nodes and pods, and a Snapshot
// over NodeInfos, so each test states only what it is about.
import type { Container, Node, Pod, PodSpec, Taint } from '../shared/core-types.ts'
import { NodeInfo, podInfoOf, type PodInfo, type Snapshot } from './framework.ts'

export interface NodeFixture {
  cpu?: string
  memory?: string
  pods?: number
  extended?: Record<string, string>
  labels?: Record<string, string>
  taints?: Taint[]
  unschedulable?: boolean
}

export function makeNode(name: string, fixture: NodeFixture = {}): Node {
  const allocatable = { cpu: fixture.cpu ?? '4', memory: fixture.memory ?? '8Gi', pods: String(fixture.pods ?? 110), ...fixture.extended }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...fixture.labels } },
    spec: { ...(fixture.taints ? { taints: fixture.taints } : {}), ...(fixture.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: allocatable, allocatable },
  }
}

export interface PodFixture {
  namespace?: string
  labels?: Record<string, string>
  /** Requests of the single container, e.g. { cpu: '500m' }. */
  requests?: Record<string, string>
  containers?: Container[]
  initContainers?: Container[]
  nodeName?: string
  ownerUid?: string
  priority?: number
  creationTimestamp?: string
  spec?: Partial<PodSpec>
}

export function makePod(name: string, fixture: PodFixture = {}): Pod {
  const containers = fixture.containers ?? [{ name: 'app', image: 'nginx', ...(fixture.requests ? { resources: { requests: fixture.requests } } : {}) }]
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: fixture.namespace ?? 'default',
      uid: `uid-${name}`,
      creationTimestamp: fixture.creationTimestamp ?? '2026-01-01T00:00:00Z',
      ...(fixture.labels ? { labels: fixture.labels } : {}),
      ...(fixture.ownerUid
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'owner', uid: fixture.ownerUid, controller: true }] }
        : {}),
    },
    spec: {
      containers,
      ...(fixture.initContainers ? { initContainers: fixture.initContainers } : {}),
      ...(fixture.nodeName ? { nodeName: fixture.nodeName } : {}),
      ...(fixture.priority !== undefined ? { priority: fixture.priority } : {}),
      schedulerName: 'default-scheduler',
      ...fixture.spec,
    },
  }
}

/** A NodeInfo for node with pods bound to it. */
export function nodeInfo(node: Node, ...pods: Pod[]): NodeInfo {
  const info = new NodeInfo(node.metadata.name ?? '', node)
  for (const pod of pods) info.addPod(podInfoOf(pod))
  return info
}

export function podInfo(name: string, fixture: PodFixture = {}): PodInfo {
  return podInfoOf(makePod(name, fixture))
}

/** A Snapshot over these NodeInfos; namespaces maps a namespace to its labels. */
export function snapshotOf(nodes: NodeInfo[], namespaces: Record<string, Record<string, string>> = {}): Snapshot {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  return {
    nodes,
    get: (name) => byName.get(name),
    nodesWithAffinityPods: () => nodes.filter((n) => n.podsWithAffinity.size > 0),
    nodesWithRequiredAntiAffinityPods: () => nodes.filter((n) => n.podsWithRequiredAntiAffinity.size > 0),
    namespaceLabels: (ns) => namespaces[ns] ?? (ns === 'default' ? { 'kubernetes.io/metadata.name': 'default' } : undefined),
  }
}
