// The kubelet's pod side for one or many nodes in one process: one watch of
// the pods bound to its nodes, one PodWorker per pod, one status manager.
// (The node side — registration, Lease, NodeStatus — lives in node/.)
import { join } from 'node:path'
import { mkdir, rm } from 'node:fs/promises'
import type { Client } from '../shared/client/index.ts'
import { commonResources, isNotFound } from '../shared/client/index.ts'
import { realClock, type Clock } from '../shared/clock.ts'
import type { Container, Node, Pod } from '../shared/core-types.ts'
import { EventRecorder } from '../shared/event-recorder.ts'
import { Informer } from '../shared/informer/index.ts'
import type { Logger } from '../shared/logger.ts'
import { PodIPAllocator, podSubnetPrefix } from './pods/pod-ips.ts'
import { PodWorker, type PodWorkerDeps, type PreparedVolumes } from './pods/pod-worker.ts'
import { StatusManager } from './pods/status-manager.ts'
import type { ContainerRuntime } from './runtime/types.ts'

export interface KubeletNode {
  name: string
  /** InternalIP: status.hostIP of its pods. */
  ip: string
  /** Pods' range when the Node has no spec.podCIDR (no node IPAM); the sim fleet gives each node its own. */
  podCIDR?: string
}

/** What turns a pod spec into container inputs (env.ts, volumes.ts). */
export interface PodInputs {
  prepareVolumes(pod: Pod, podDir: string, podIP: string, node: KubeletNode): Promise<PreparedVolumes>
  resolveEnv(pod: Pod, container: Container, podIP: string, node: KubeletNode): Promise<Array<[string, string]>>
  expand(args: readonly string[], env: ReadonlyArray<readonly [string, string]>): string[]
}

export interface KubeletOptions {
  client: Client
  nodes: readonly KubeletNode[]
  runtime: ContainerRuntime
  runtimeKind: 'process' | 'sim'
  rootDir: string
  inputs: PodInputs
  log: Logger
  clock?: Clock
  /** Crash-loop and image-pull back-off. @default 10 s doubling to 5 min */
  backoff?: { initialMs: number; maxMs: number }
}

export class Kubelet {
  readonly #opts: KubeletOptions
  readonly #clock: Clock
  readonly #nodes = new Map<string, KubeletNode>()
  readonly #ips = new Map<string, Promise<PodIPAllocator>>()
  readonly #recorders = new Map<string, EventRecorder>()
  readonly #workers = new Map<string, PodWorker>()
  readonly statusManager: StatusManager
  readonly pods: Informer<Pod>

  constructor(options: KubeletOptions) {
    this.#opts = options
    this.#clock = options.clock ?? realClock
    this.statusManager = new StatusManager(options.client, options.log)
    for (const node of options.nodes) {
      this.#nodes.set(node.name, node)
      // Upstream's kubelet names its node as the Events' source host.
      this.#recorders.set(node.name, new EventRecorder({ client: options.client, component: 'kubelet', host: node.name, clock: this.#clock, log: options.log }))
    }
    // One node: only its pods. Many (sim): one watch of every bound pod, sorted by node here.
    const fieldSelector = options.nodes.length === 1 ? `spec.nodeName=${options.nodes[0].name}` : 'spec.nodeName!='
    const source = options.client.resource<Pod>(commonResources.pods)
    this.pods = new Informer<Pod>(source, { fieldSelector, logger: options.log.child({ informer: 'pods' }) })
    this.pods.addEventHandler({
      onAdd: (pod) => this.#podChanged(pod),
      onUpdate: (_, pod) => this.#podChanged(pod),
      onDelete: (pod) => this.#podGone(pod),
    })
  }

  start(): void {
    this.pods.start()
  }

  async whenSynced(): Promise<void> {
    await this.pods.whenSynced()
  }

  /** The worker of a pod by namespace and name, for logs and exec. */
  workerFor(namespace: string, name: string): PodWorker | undefined {
    const pod = this.pods.get(`${namespace}/${name}`)
    return pod?.metadata.uid ? this.#workers.get(pod.metadata.uid) : undefined
  }

  /** Stops watching; containers keep their processes only as long as this process lives. */
  async stop(): Promise<void> {
    await this.pods.stop()
    for (const recorder of this.#recorders.values()) await recorder.flush()
  }

  /** Stops every pod's containers (process shutdown). */
  async stopPods(): Promise<void> {
    await Promise.all([...this.#workers.values()].map((w) => w.terminate('gone')))
  }

  #podChanged(pod: Pod): void {
    const node = this.#nodes.get(pod.spec?.nodeName ?? '')
    const uid = pod.metadata.uid
    if (!node || !uid) return
    let worker = this.#workers.get(uid)
    if (!worker) {
      worker = new PodWorker(pod, this.#depsFor(node))
      this.#workers.set(uid, worker)
    }
    worker.update(pod)
  }

  #podGone(pod: Pod): void {
    const uid = pod.metadata.uid ?? ''
    const worker = this.#workers.get(uid)
    if (!worker) return
    this.#workers.delete(uid)
    this.statusManager.forget(uid)
    void worker.terminate('gone').then(() => rm(this.#podDir(pod), { recursive: true, force: true }))
  }

  #podDir(pod: Pod): string {
    return join(this.#opts.rootDir, 'pods', pod.metadata.uid ?? 'unknown')
  }

  /**
   * The node's pod IP range, fixed at its first pod: the podCIDR node IPAM
   * gave the Node (read once from the API, as it is assigned after
   * registration), else the configured or derived one.
   */
  #allocatorFor(node: KubeletNode): Promise<PodIPAllocator> {
    let allocator = this.#ips.get(node.name)
    if (!allocator) {
      allocator = (async () => {
        let podCIDR: string | undefined
        try {
          podCIDR = ((await this.#opts.client.nodes.get(node.name)) as Node).spec?.podCIDR
        } catch (err) {
          this.#opts.log.warn({ err, node: node.name }, 'could not read the node\'s podCIDR; deriving pod IPs from the node IP')
        }
        return new PodIPAllocator(podSubnetPrefix(node.ip, podCIDR ?? node.podCIDR, this.#opts.runtimeKind))
      })()
      this.#ips.set(node.name, allocator)
    }
    return allocator
  }

  #depsFor(node: KubeletNode): PodWorkerDeps {
    const { client, runtime, inputs, log } = this.#opts
    return {
      runtime,
      recorder: this.#recorders.get(node.name)!,
      clock: this.#clock,
      log,
      nodeName: node.name,
      hostIP: node.ip,
      backoff: this.#opts.backoff ?? { initialMs: 10_000, maxMs: 300_000 },
      podDir: (pod) => this.#podDir(pod),
      // hostNetwork pods share the node's network: their IP is the node's, as upstream's.
      allocateIP: async (pod) => (pod.spec?.hostNetwork ? node.ip : (await this.#allocatorFor(node)).allocate(pod.metadata.uid ?? '', pod.status?.podIP)),
      releaseIP: (pod) => void this.#ips.get(node.name)?.then((ips) => ips.release(pod.metadata.uid ?? '')),
      prepareVolumes: async (pod, podIP) => {
        // The pod's directory holds its volumes and logs and is its containers' default working directory.
        await mkdir(this.#podDir(pod), { recursive: true })
        return inputs.prepareVolumes(pod, this.#podDir(pod), podIP, node)
      },
      resolveEnv: (pod, container, podIP) => inputs.resolveEnv(pod, container, podIP, node),
      expand: inputs.expand,
      publishStatus: (pod, status) => this.statusManager.set(pod.metadata.uid ?? '', pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', status),
      confirmDeletion: async (pod) => {
        const uid = pod.metadata.uid ?? ''
        await this.statusManager.flush(uid)
        try {
          await client.pods.namespace(pod.metadata.namespace ?? 'default').delete(pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } })
        } catch (err) {
          if (!isNotFound(err)) throw err
        }
      },
    }
  }
}
