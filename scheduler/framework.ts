// The scheduling framework: what a plugin sees and what it answers, after
// kube-scheduler's framework/interface.go.
//
// One scheduling cycle places one pod. It runs synchronously (no await), so
// every plugin sees the same cluster state: the cache cannot change under it.
//   1. preFilter, once per pod: compute what filters need (CycleState), or
//      reject the pod everywhere.
//   2. filter, per node: Success, Unschedulable (another pod's removal could
//      help, so preemption is worth trying), UnschedulableAndUnresolvable
//      (nothing about other pods would help), or Error.
//   3. preScore once, score per feasible node, normalize once per plugin;
//      every plugin's final scores are 0..100 (maxNodeScore) and are
//      multiplied by its weight.
import type { Node, Pod } from '../shared/core-types.ts'
import { podRequests, resourceListOf, type ResourceList } from '../shared/pod-resources.ts'

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error'

export interface Status {
  readonly code: Code
  /** Short reasons, aggregated over nodes into the FailedScheduling message, e.g. 'Insufficient cpu'. */
  readonly reasons: readonly string[]
  /** The plugin that answered; the framework fills it in. */
  plugin?: string
}

export const success: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) }) as Status

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons }
}

export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons }
}

export const maxNodeScore = 100

/** Per-cycle scratch space: preFilter/preScore write, filter/score read. Keyed by plugin name. */
export type CycleState = Map<string, unknown>

/** A host port a container binds; ip '0.0.0.0' stands for every address. */
export interface HostPort {
  ip: string
  protocol: string
  port: number
}

/** A pod with what scheduling reads of it computed once. */
export interface PodInfo {
  readonly pod: Pod
  /** namespace/name */
  readonly key: string
  readonly requests: ResourceList
  /** Requests with 100m cpu / 200Mi memory standing in for missing ones (for scoring). */
  readonly nonZeroRequests: ResourceList
  readonly hostPorts: readonly HostPort[]
  /** It has pod affinity or anti-affinity terms of any kind. */
  readonly hasAffinity: boolean
  /** It has required pod anti-affinity terms (existing pods can repel newcomers). */
  readonly hasRequiredAntiAffinity: boolean
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`
}

export function hostPortsOf(pod: Pod): HostPort[] {
  const ports: HostPort[] = []
  // Regular init containers have exited before the pod's ports matter; sidecars (restartPolicy Always) keep theirs.
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')
  for (const container of [...sidecars, ...(pod.spec?.containers ?? [])]) {
    for (const p of container.ports ?? []) {
      if (!p.hostPort) continue
      ports.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort })
    }
  }
  return ports
}

export function podInfoOf(pod: Pod): PodInfo {
  const affinity = pod.spec?.affinity
  const anti = affinity?.podAntiAffinity
  return {
    pod,
    key: podKey(pod),
    requests: podRequests(pod.spec),
    nonZeroRequests: podRequests(pod.spec, { nonZero: true }),
    hostPorts: hostPortsOf(pod),
    hasAffinity: Boolean(affinity?.podAffinity || anti),
    hasRequiredAntiAffinity: (anti?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0,
  }
}

function portsConflict(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0')
}

/** A node with the pods bound (or assumed) to it and what they use. */
export class NodeInfo {
  readonly name: string
  /** Undefined while pods are known to be bound to a node the cache has not seen (yet). */
  node: Node | undefined
  allocatable: ResourceList = new Map()
  readonly pods = new Map<string, PodInfo>()
  /** Sum of the pods' requests. */
  readonly requested: ResourceList = new Map()
  /** Sum of the pods' non-zero requests (for scoring). */
  readonly nonZeroRequested: ResourceList = new Map()
  readonly usedPorts: HostPort[] = []
  /** Pods here with any pod (anti-)affinity; the inter-pod affinity plugin looks only at these. */
  readonly podsWithAffinity = new Map<string, PodInfo>()
  readonly podsWithRequiredAntiAffinity = new Map<string, PodInfo>()
  /** Bumped on every change. */
  generation = 0

  constructor(name: string, node?: Node) {
    this.name = name
    if (node) this.setNode(node)
  }

  setNode(node: Node): void {
    this.node = node
    this.allocatable = resourceListOf(node.status?.allocatable)
    this.generation++
  }

  /** allocatable pods; upstream treats a node without it as holding none. */
  get allowedPodNumber(): number {
    return this.allocatable.get('pods') ?? 0
  }

  labels(): Record<string, string> {
    return this.node?.metadata.labels ?? {}
  }

  addPod(info: PodInfo): void {
    if (this.pods.has(info.key)) this.removePod(info.key)
    this.pods.set(info.key, info)
    for (const [name, value] of info.requests) this.requested.set(name, (this.requested.get(name) ?? 0) + value)
    for (const [name, value] of info.nonZeroRequests) this.nonZeroRequested.set(name, (this.nonZeroRequested.get(name) ?? 0) + value)
    this.usedPorts.push(...info.hostPorts)
    if (info.hasAffinity) this.podsWithAffinity.set(info.key, info)
    if (info.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.set(info.key, info)
    this.generation++
  }

  removePod(key: string): PodInfo | undefined {
    const info = this.pods.get(key)
    if (!info) return undefined
    this.pods.delete(key)
    for (const [name, value] of info.requests) this.requested.set(name, (this.requested.get(name) ?? 0) - value)
    for (const [name, value] of info.nonZeroRequests) this.nonZeroRequested.set(name, (this.nonZeroRequested.get(name) ?? 0) - value)
    for (const port of info.hostPorts) {
      const i = this.usedPorts.findIndex((p) => p.ip === port.ip && p.protocol === port.protocol && p.port === port.port)
      if (i >= 0) this.usedPorts.splice(i, 1)
    }
    this.podsWithAffinity.delete(key)
    this.podsWithRequiredAntiAffinity.delete(key)
    this.generation++
    return info
  }

  /** Whether one of the ports is taken here. */
  portsConflict(ports: readonly HostPort[]): boolean {
    return ports.some((want) => this.usedPorts.some((used) => portsConflict(want, used)))
  }
}

/** The cluster as one scheduling cycle sees it. */
export interface Snapshot {
  /** Nodes the scheduler knows the Node object of, in a stable order. */
  readonly nodes: readonly NodeInfo[]
  get(nodeName: string): NodeInfo | undefined
  /** Nodes holding at least one pod with pod (anti-)affinity. */
  nodesWithAffinityPods(): readonly NodeInfo[]
  /** Nodes holding at least one pod with required anti-affinity. */
  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[]
  /** A namespace's labels, for affinity terms with a namespaceSelector; undefined when unknown. */
  namespaceLabels(namespace: string): Record<string, string> | undefined
}

/**
 * Kinds of cluster change after which a pod a plugin rejected may fit; the
 * queue moves unschedulable pods back only for changes one of their
 * rejecting plugins registered for.
 */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeDelete'
  | 'PodAdd'
  | 'PodUpdate'
  | 'PodDelete'
  | 'NamespaceChange'

export interface FilterPlugin {
  readonly name: string
  /** Changes that can make a pod this plugin rejected schedulable. */
  readonly events: readonly ClusterEvent[]
  /** Once per pod before filter: may fill state, or reject the pod on every node. */
  preFilter?(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | undefined
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status
}

export interface ScorePlugin {
  readonly name: string
  readonly weight: number
  /** Once per pod with the nodes that passed filtering. */
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): void
  /** A raw score; plugins without normalize must return 0..maxNodeScore. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number
  /** Rewrites scores (aligned with nodes) into 0..maxNodeScore. */
  normalize?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void
}
