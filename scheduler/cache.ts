// The scheduler's picture of the cluster: every node and every unfinished pod
// bound to one, as the informers report them, plus the pods this scheduler
// has assumed onto a node but whose binding the watch has not confirmed yet.
//
// Assuming is what keeps a burst from over-committing a node: the pod counts
// against the node from the moment the scheduler picks it, while the binding
// is still on the wire. When the watch later shows the pod bound, the
// informer's copy replaces the assumed one; when binding fails, forget()
// takes it off again.
import type { Node, Pod } from '../shared/core-types.ts'
import { NodeInfo, podInfoOf, podKey, type PodInfo, type Snapshot } from './framework.ts'

export class SchedulerCache implements Snapshot {
  /** Every NodeInfo, including ones for pods bound to a node not (yet) seen. */
  readonly #infos = new Map<string, NodeInfo>()
  /** pod key → node it counts against. */
  readonly #podNode = new Map<string, string>()
  /** Keys of pods assumed but not yet seen bound by the watch. */
  readonly #assumed = new Set<string>()
  readonly #namespaces = new Map<string, Record<string, string>>()
  #nodeList: NodeInfo[] | undefined

  get nodes(): readonly NodeInfo[] {
    // Sorted by name: a stable order for the rotating start index.
    this.#nodeList ??= [...this.#infos.values()].filter((i) => i.node).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return this.#nodeList
  }

  get(nodeName: string): NodeInfo | undefined {
    const info = this.#infos.get(nodeName)
    return info?.node ? info : undefined
  }

  nodesWithAffinityPods(): readonly NodeInfo[] {
    return this.nodes.filter((n) => n.podsWithAffinity.size > 0)
  }

  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[] {
    return this.nodes.filter((n) => n.podsWithRequiredAntiAffinity.size > 0)
  }

  namespaceLabels(namespace: string): Record<string, string> | undefined {
    return this.#namespaces.get(namespace)
  }

  setNamespace(name: string, labels: Record<string, string>): void {
    this.#namespaces.set(name, labels)
  }

  removeNamespace(name: string): void {
    this.#namespaces.delete(name)
  }

  setNode(node: Node): void {
    const name = node.metadata.name ?? ''
    const info = this.#infos.get(name)
    if (info) {
      if (!info.node) this.#nodeList = undefined
      info.setNode(node)
    } else {
      this.#infos.set(name, new NodeInfo(name, node))
      this.#nodeList = undefined
    }
  }

  removeNode(name: string): void {
    const info = this.#infos.get(name)
    if (!info) return
    this.#nodeList = undefined
    // Pods still bound there keep counting (the node may come back); the
    // NodeInfo goes when its last pod does, as upstream's cache keeps it.
    if (info.pods.size > 0) info.node = undefined
    else this.#infos.delete(name)
  }

  #infoFor(nodeName: string): NodeInfo {
    let info = this.#infos.get(nodeName)
    if (!info) {
      info = new NodeInfo(nodeName)
      this.#infos.set(nodeName, info)
    }
    return info
  }

  #remove(key: string): void {
    const nodeName = this.#podNode.get(key)
    if (nodeName === undefined) return
    this.#podNode.delete(key)
    const info = this.#infos.get(nodeName)
    if (!info) return
    info.removePod(key)
    if (!info.node && info.pods.size === 0) this.#infos.delete(nodeName)
  }

  #place(info: PodInfo, nodeName: string): void {
    this.#remove(info.key)
    this.#infoFor(nodeName).addPod(info)
    this.#podNode.set(info.key, nodeName)
  }

  /** A bound, unfinished pod as the informer has it (added or updated). */
  setPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName
    if (!nodeName) return
    const key = podKey(pod)
    this.#assumed.delete(key)
    this.#place(podInfoOf(pod), nodeName)
  }

  /** The informer saw the pod go (deleted, or finished). */
  removePod(pod: Pod): void {
    const key = podKey(pod)
    this.#assumed.delete(key)
    this.#remove(key)
  }

  /** Counts the pod against nodeName now, before the binding is confirmed. */
  assume(info: PodInfo, nodeName: string): void {
    const pod: Pod = { ...info.pod, spec: { ...info.pod.spec, nodeName } }
    this.#place({ ...info, pod }, nodeName)
    this.#assumed.add(info.key)
  }

  /** Binding failed: the assumed pod no longer counts. */
  forget(key: string): void {
    if (!this.#assumed.delete(key)) return
    this.#remove(key)
  }

  isAssumed(key: string): boolean {
    return this.#assumed.has(key)
  }

  /** The node a pod counts against, bound or assumed. */
  nodeOf(key: string): string | undefined {
    return this.#podNode.get(key)
  }

  stats(): { nodes: number; pods: number; assumed: number } {
    return { nodes: this.nodes.length, pods: this.#podNode.size, assumed: this.#assumed.size }
  }
}
