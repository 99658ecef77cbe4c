// The node lifecycle controller (upstream pkg/controller/nodelifecycle).
// Every --node-monitor-period it judges each node's heartbeat (node-health.ts):
// a silent node gets Ready Unknown ("Kubelet stopped posting node status."),
// a NodeNotReady Event, its pods' Ready condition set False, and - zone
// health permitting (zone-state.ts), one node at a time per zone - the
// NoExecute taint unreachable (Ready Unknown) or not-ready (Ready False),
// after which the taint eviction controller moves pods away. A node Ready
// again loses both taints. On every Node change it also keeps the NoSchedule
// condition taints and the unschedulable taint in step (node-taints.ts) and
// the beta os/arch labels equal to the stable ones.
import { isDeepStrictEqual } from 'node:util'
import type { KubeObject } from '../../../shared/api-types.ts'
import { commonResources, isConflict, isNotFound } from '../../../shared/client/index.ts'
import { sleep, type Clock } from '../../../shared/clock.ts'
import type { Condition, Node, Pod, Taint } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Lease } from '../../../shared/leader-election.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Reconciler } from '../../reconciler.ts'
import { assessNodeHealth, formatTime, type NodeHealthData } from './node-health.ts'
import { managedNoScheduleTaints, notReadyTaint, swapTaints, taintExists, taintSetDiff, unreachableTaint, wantedNoScheduleTaints } from './node-taints.ts'
import { computeZoneState, evictionQPS, zoneKeyOf, type DisruptionOptions, type ZoneState } from './zone-state.ts'

export interface NodeLifecycleOptions extends DisruptionOptions {
  /** --node-monitor-grace-period: silence after which a node is marked Unknown. @default 40_000 */
  monitorGracePeriodMs?: number
  /** --node-monitor-period: time between health passes. @default 5_000 */
  monitorPeriodMs?: number
  /** --node-startup-grace-period: the same for a node that never posted a Ready condition. @default 60_000 */
  startupGracePeriodMs?: number
}

/** Writes the controller makes; the real one goes through the client, tests record them. */
export interface NodeLifecycleApi {
  getNode(name: string): Promise<Node>
  /** PUT nodes/<name>/status; fails with a conflict when the node changed meanwhile. */
  updateNodeStatus(node: Node): Promise<Node>
  /** Sets spec.taints, guarded by resourceVersion. */
  patchNodeTaints(name: string, resourceVersion: string | undefined, taints: Taint[]): Promise<Node>
  patchNodeLabels(name: string, labels: Record<string, string>): Promise<void>
  /** Sets the pod's Ready condition (strategic merge of status.conditions, guarded by uid). */
  patchPodReady(pod: Pod, ready: Condition): Promise<void>
}

export interface NodeLifecycleDeps {
  nodes: { get(name: string): Node | undefined; list(): Node[] }
  pods: { get(key: string): Pod | undefined; byIndex(index: 'nodeName', value: string): Pod[] }
  leases: { get(key: string): Lease | undefined }
  api: NodeLifecycleApi
  recorder: Pick<EventRecorder, 'event'>
  clock: Clock
  log: Logger
}

/** upstream NodeHealthUpdateRetry / the taint helpers' retries. */
const updateRetries = 5
const leaseNamespace = 'kube-node-lease'

const labelPairs: Array<[stable: string, beta: string]> = [
  ['kubernetes.io/os', 'beta.kubernetes.io/os'],
  ['kubernetes.io/arch', 'beta.kubernetes.io/arch'],
]

function nodeRef(node: Node): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } }
}

function readyOf(node: Node): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')
}

export class NodeLifecycleController {
  readonly #d: NodeLifecycleDeps
  readonly #o: Required<Pick<NodeLifecycleOptions, 'monitorGracePeriodMs' | 'startupGracePeriodMs'>> & NodeLifecycleOptions
  readonly #health = new Map<string, NodeHealthData>()
  readonly #known = new Map<string, Node>()
  readonly #nodesToRetry = new Set<string>()
  readonly #zoneStates = new Map<string, ZoneState>()
  /** Nodes waiting for their NoExecute taint, by zone (upstream's zoneNoExecuteTainter queues). */
  readonly #taintQueue = new Map<string, Set<string>>()
  readonly #zoneTokens = new Map<string, { tokens: number; at: number; qps: number }>()

  constructor(deps: NodeLifecycleDeps, options: NodeLifecycleOptions = {}) {
    this.#d = deps
    this.#o = { ...options, monitorGracePeriodMs: options.monitorGracePeriodMs ?? 40_000, startupGracePeriodMs: options.startupGracePeriodMs ?? 60_000 }
  }

  /** The controller's memory of a node, for tests. */
  healthOf(name: string): NodeHealthData | undefined {
    return this.#health.get(name)
  }

  zoneState(zone: string): ZoneState | undefined {
    return this.#zoneStates.get(zone)
  }

  /** One health pass over every node, then the NoExecute tainting it allows. */
  async monitorNodeHealth(): Promise<void> {
    const nodes = this.#d.nodes.list()
    const names = new Set(nodes.map((n) => n.metadata.name!))
    for (const node of nodes) {
      const name = node.metadata.name!
      if (this.#known.has(name)) continue
      this.#d.log.info({ node: name }, 'controller observed a new node')
      this.#d.recorder.event(nodeRef(node), 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`)
      this.#known.set(name, node)
      this.#ensureZone(zoneKeyOf(node))
      await this.#markNodeAsReachable(node).catch((err) => this.#d.log.error({ node: name, err: String(err) }, 'failed to remove taints from node'))
    }
    for (const [name, node] of this.#known) {
      if (names.has(name)) continue
      this.#d.log.info({ node: name }, 'controller observed a node deletion')
      this.#d.recorder.event(nodeRef(node), 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`)
      this.#known.delete(name)
      this.#health.delete(name)
      this.#nodesToRetry.delete(name)
      for (const queue of this.#taintQueue.values()) queue.delete(name)
    }

    const zoneConditions = new Map<string, Array<Condition | undefined>>()
    await Promise.all(nodes.map(async (cached) => {
      const result = await this.#updateNodeHealth(cached)
      if (!result) return
      const { node, observedReady, currentReady } = result
      if (!('node.kubernetes.io/exclude-disruption' in (node.metadata.labels ?? {}))) {
        const zone = zoneKeyOf(node)
        zoneConditions.set(zone, [...(zoneConditions.get(zone) ?? []), currentReady])
      }
      if (!currentReady) return
      const name = node.metadata.name!
      await this.#processTaintBaseEviction(node, observedReady)
      const becameNotReady = currentReady.status !== 'True' && observedReady.status === 'True'
      if (becameNotReady) this.#d.recorder.event(nodeRef(node), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`)
      if (becameNotReady || (this.#nodesToRetry.has(name) && observedReady.status !== 'True')) {
        try {
          await this.markPodsNotReady(this.#d.pods.byIndex('nodeName', name), name)
        } catch (err) {
          this.#d.log.warn({ node: name, err: String(err) }, 'unable to mark all pods NotReady on node; queuing for retry')
          this.#nodesToRetry.add(name)
          return
        }
      }
      this.#nodesToRetry.delete(name)
    }))
    await this.#handleDisruption(zoneConditions, nodes)
    await this.doNoExecuteTaintingPass()
  }

  /** Runs the health judgement and writes Unknown conditions, re-reading the node on a failed write. */
  async #updateNodeHealth(cached: Node): Promise<{ node: Node; observedReady: Condition; currentReady: Condition | undefined } | undefined> {
    let node = cached
    const name = node.metadata.name!
    for (let i = 0; i < updateRetries; i++) {
      const lease = this.#d.leases.get(`${leaseNamespace}/${name}`)
      const assessed = assessNodeHealth(node, this.#health.get(name), lease?.spec?.renewTime ?? undefined, this.#d.clock.now(), this.#o)
      this.#health.set(name, assessed.health)
      if (!assessed.update) return { node, observedReady: assessed.observedReady, currentReady: assessed.currentReady }
      try {
        const written = await this.#d.api.updateNodeStatus(assessed.update.node)
        this.#health.set(name, assessed.update.health)
        this.#d.log.info({ node: name }, 'node stopped posting status; set its conditions Unknown')
        return { node: written, observedReady: assessed.observedReady, currentReady: assessed.currentReady }
      } catch (err) {
        this.#d.log.warn({ node: name, err: String(err) }, 'error updating node status')
        try {
          node = await this.#d.api.getNode(name)
        } catch (getErr) {
          this.#d.log.warn({ node: name, err: String(getErr) }, 'failed while getting a node to retry updating node health; probably deleted')
          return undefined
        }
      }
    }
    this.#d.log.error({ node: name }, 'update health of node failed; skipping, no pods will be evicted')
    return undefined
  }

  async #processTaintBaseEviction(node: Node, observedReady: Condition): Promise<void> {
    const name = node.metadata.name!
    switch (observedReady.status) {
      case 'False':
        // Already unreachable: swap straight away, the pods are being evicted anyway.
        if (taintExists(node.spec?.taints, unreachableTaint)) await this.#swapTaints(node, [notReadyTaint], [unreachableTaint])
        else this.#markNodeForTainting(node)
        return
      case 'Unknown':
        if (taintExists(node.spec?.taints, notReadyTaint)) await this.#swapTaints(node, [unreachableTaint], [notReadyTaint])
        else this.#markNodeForTainting(node)
        return
      case 'True':
        try {
          if (await this.#markNodeAsReachable(node)) this.#d.log.info({ node: name }, 'node is healthy again, removed all taints')
        } catch (err) {
          this.#d.log.error({ node: name, err: String(err) }, 'failed to remove taints from node; will retry in next iteration')
        }
    }
  }

  #ensureZone(zone: string): void {
    if (this.#zoneStates.has(zone)) return
    this.#zoneStates.set(zone, 'Initial')
    this.#zoneTokens.set(zone, { tokens: 1, at: this.#d.clock.now(), qps: this.#o.evictionLimiterQPS ?? 0.1 })
  }

  #markNodeForTainting(node: Node): void {
    const zone = zoneKeyOf(node)
    this.#ensureZone(zone)
    let queue = this.#taintQueue.get(zone)
    if (!queue) this.#taintQueue.set(zone, (queue = new Set()))
    queue.add(node.metadata.name!)
  }

  /** Removes both NoExecute taints and any queued tainting; true when the node was queued. */
  async #markNodeAsReachable(node: Node): Promise<boolean> {
    await this.#swapTaints(node, [], [unreachableTaint, notReadyTaint])
    return this.#taintQueue.get(zoneKeyOf(node))?.delete(node.metadata.name!) ?? false
  }

  /** Takes one token of the zone's bucket (burst 1) if there is one. */
  #takeToken(zone: string): boolean {
    const bucket = this.#zoneTokens.get(zone)
    if (!bucket || bucket.qps <= 0) return false
    const now = this.#d.clock.now()
    bucket.tokens = Math.min(1, bucket.tokens + ((now - bucket.at) / 1000) * bucket.qps)
    bucket.at = now
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  #setLimiter(zone: string, qps: number): void {
    const bucket = this.#zoneTokens.get(zone)
    if (!bucket) return
    // upstream SwapLimiter: a new bucket starts full unless eviction stops.
    Object.assign(bucket, { qps, tokens: qps > 0 ? 1 : 0, at: this.#d.clock.now() })
  }

  /** Taints queued nodes NoExecute as each zone's rate allows (upstream doNoExecuteTaintingPass). */
  async doNoExecuteTaintingPass(): Promise<void> {
    for (const [zone, queue] of this.#taintQueue) {
      for (const name of [...queue]) {
        const node = this.#d.nodes.get(name)
        if (!node) {
          queue.delete(name)
          continue
        }
        const status = readyOf(node)?.status
        if (status !== 'False' && status !== 'Unknown') {
          // Ready again: nothing to taint.
          queue.delete(name)
          continue
        }
        const [add, remove] = status === 'False' ? [notReadyTaint, unreachableTaint] : [unreachableTaint, notReadyTaint]
        if (taintExists(node.spec?.taints, add) && !taintExists(node.spec?.taints, remove)) {
          queue.delete(name)
          continue
        }
        if (!this.#takeToken(zone)) break
        try {
          await this.#swapTaints(node, [add], [remove])
          queue.delete(name)
        } catch (err) {
          this.#d.log.warn({ node: name, err: String(err) }, 'failed to taint node NoExecute; will retry')
        }
      }
    }
  }

  async #handleDisruption(zoneConditions: Map<string, Array<Condition | undefined>>, nodes: Node[]): Promise<void> {
    const newStates = new Map<string, ZoneState>()
    let allAreFullyDisrupted = true
    for (const [zone, conditions] of zoneConditions) {
      const { state } = computeZoneState(conditions, this.#o.unhealthyZoneThreshold)
      if (state !== 'FullDisruption') allAreFullyDisrupted = false
      newStates.set(zone, state)
      this.#ensureZone(zone)
    }
    let allWasFullyDisrupted = true
    for (const [zone, state] of [...this.#zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.#zoneStates.delete(zone)
        continue
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false
        break
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return
    if (allAreFullyDisrupted) {
      this.#d.log.info('all nodes are not ready: entering master disruption mode, no evictions')
      for (const node of nodes) await this.#markNodeAsReachable(node).catch((err) => this.#d.log.error({ node: node.metadata.name, err: String(err) }, 'failed to remove taints from node'))
      for (const zone of this.#zoneStates.keys()) {
        this.#setLimiter(zone, 0)
        this.#zoneStates.set(zone, 'FullDisruption')
      }
      return
    }
    if (allWasFullyDisrupted) {
      this.#d.log.info('some nodes are ready: exiting master disruption mode')
      // Everyone gets a fresh grace period: their silence may have been ours.
      const now = this.#d.clock.now()
      for (const node of nodes) {
        const h = this.#health.get(node.metadata.name!)
        if (h) this.#health.set(node.metadata.name!, { ...h, probeTimestamp: now, readyTransitionTimestamp: now })
      }
    }
    for (const [zone, state] of this.#zoneStates) {
      const next = newStates.get(zone) ?? state
      if (!allWasFullyDisrupted && next === state) continue
      if (next !== state) this.#d.log.info({ zone, state: next }, 'zone is now in a new state')
      this.#setLimiter(zone, evictionQPS(next, zoneConditions.get(zone)?.length ?? 0, this.#o))
      this.#zoneStates.set(zone, next)
    }
  }

  /**
   * Sets Ready False on the pods of a node (upstream MarkPodsNotReady), with
   * a NodeNotReady Warning Event on each; throws when some could not be written.
   */
  async markPodsNotReady(pods: Pod[], nodeName: string): Promise<void> {
    const errors: unknown[] = []
    for (const pod of pods) {
      if (pod.spec?.nodeName !== nodeName) continue
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')
      if (!ready || ready.status === 'False') continue
      try {
        await this.#d.api.patchPodReady(pod, { ...ready, type: 'Ready', status: 'False', lastTransitionTime: formatTime(this.#d.clock.now()) })
        this.#d.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready')
      } catch (err) {
        if (!isNotFound(err)) errors.push(err)
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `failed to mark ${errors.length} pods of node ${nodeName} NotReady`)
  }

  /** A pod newly bound to a node that is not Ready is marked NotReady at once (upstream processPod). */
  async processPod(key: string): Promise<void> {
    const pod = this.#d.pods.get(key)
    const nodeName = pod?.spec?.nodeName
    if (!pod || !nodeName) return
    const health = this.#health.get(nodeName)
    if (!health?.readyCondition || !this.#d.nodes.get(nodeName)) return
    if (health.readyCondition.status !== 'True') await this.markPodsNotReady([pod], nodeName)
  }

  /** Condition and unschedulable NoSchedule taints, then the beta labels (upstream doNodeProcessingPassWorker). */
  async processNode(name: string): Promise<void> {
    const node = this.#d.nodes.get(name)
    if (!node) return
    const { add, remove } = taintSetDiff(wantedNoScheduleTaints(node), managedNoScheduleTaints(node))
    if (add.length > 0 || remove.length > 0) await this.#swapTaints(node, add, remove)
    const labels = node.metadata.labels ?? {}
    const update: Record<string, string> = {}
    for (const [stable, beta] of labelPairs) if (stable in labels && labels[beta] !== labels[stable]) update[beta] = labels[stable]
    if (Object.keys(update).length > 0) await this.#d.api.patchNodeLabels(name, update)
  }

  /** Adds and removes taints, re-reading the node on a conflict (upstream SwapNodeControllerTaint). */
  async #swapTaints(cached: Node, add: Taint[], remove: Taint[]): Promise<void> {
    let node = cached
    for (let i = 0; ; i++) {
      const next = swapTaints(node.spec?.taints, add, remove, this.#d.clock.now())
      if (!next) return
      try {
        await this.#d.api.patchNodeTaints(node.metadata.name!, node.metadata.resourceVersion, next)
        return
      } catch (err) {
        if (isNotFound(err)) return
        if (!isConflict(err) || i >= updateRetries - 1) throw err
        node = await this.#d.api.getNode(node.metadata.name!)
      }
    }
  }
}

function sameTaints(a: Node, b: Node): boolean {
  return isDeepStrictEqual(a.spec?.taints ?? [], b.spec?.taints ?? [])
}

export function createNodeLifecycleController(options: NodeLifecycleOptions = {}): ControllerDefinition {
  const periodMs = options.monitorPeriodMs ?? 5_000
  for (const [name, v] of Object.entries({ monitorPeriodMs: periodMs, monitorGracePeriodMs: options.monitorGracePeriodMs ?? 40_000, startupGracePeriodMs: options.startupGracePeriodMs ?? 60_000 })) {
    if (!(v > 0)) throw new RangeError(`${name} must be > 0; got ${v}`)
  }
  return {
    name: 'node-lifecycle',
    init(ctx: ControllerContext) {
      const log = ctx.log.child({ controller: 'node-lifecycle' })
      const nodes = ctx.informers.informerFor<Node>(commonResources.nodes)
      const pods = ctx.informers.informerFor<Pod>(commonResources.pods)
      const leases = ctx.informers.informerFor<Lease>(commonResources.leases, { namespace: leaseNamespace })
      const controller = new NodeLifecycleController({
        nodes, pods, leases, log, clock: ctx.clock,
        recorder: ctx.recorder('node-controller'),
        api: {
          getNode: async (name) => (await ctx.client.nodes.get(name)) as Node,
          updateNodeStatus: async (node) => (await ctx.client.nodes.updateStatus(node)) as Node,
          patchNodeTaints: async (name, resourceVersion, taints) =>
            (await ctx.client.nodes.patch(name, { metadata: { resourceVersion }, spec: { taints } }, 'merge')) as Node,
          async patchNodeLabels(name, labels) {
            await ctx.client.nodes.patch(name, { metadata: { labels } }, 'strategic')
          },
          async patchPodReady(pod, ready) {
            const body = { metadata: { uid: pod.metadata.uid }, status: { conditions: [ready] } }
            await ctx.client.pods.namespace(pod.metadata.namespace!).patch(pod.metadata.name!, body, 'strategic', { subresource: 'status' })
          },
        },
      }, options)
      const nodeQueue = new Reconciler({ name: 'node-lifecycle-nodes', sync: (name) => controller.processNode(name), log, clock: ctx.clock })
      const podQueue = new Reconciler({ name: 'node-lifecycle-pods', sync: (key) => controller.processPod(key), log, clock: ctx.clock })
      nodes.addEventHandler({
        onAdd: (node) => nodeQueue.enqueue(node),
        onUpdate: (old, node) => {
          // Status heartbeats that change no condition status and no taint need no pass.
          const statuses = (n: Node) => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join()
          if (statuses(old) !== statuses(node) || !sameTaints(old, node) || !!old.spec?.unschedulable !== !!node.spec?.unschedulable || !isDeepStrictEqual(old.metadata.labels, node.metadata.labels)) nodeQueue.enqueue(node)
        },
      })
      pods.addEventHandler({
        onAdd: (pod) => pod.spec?.nodeName && podQueue.enqueue(pod),
        onUpdate: (old, pod) => pod.spec?.nodeName && pod.spec.nodeName !== old.spec?.nodeName && podQueue.enqueue(pod),
      })
      return async (signal) => {
        await Promise.all([nodes.whenSynced(), pods.whenSynced(), leases.whenSynced()])
        log.info({ monitorPeriodMs: periodMs, monitorGracePeriodMs: options.monitorGracePeriodMs ?? 40_000 }, 'starting node lifecycle controller')
        const monitor = (async () => {
          while (!signal.aborted) {
            try {
              await controller.monitorNodeHealth()
            } catch (err) {
              log.error({ err: String(err) }, 'error monitoring node health')
            }
            await sleep(ctx.clock, periodMs, signal)
          }
        })()
        await Promise.all([nodeQueue.run(8, signal), podQueue.run(4, signal), monitor])
      }
    },
  }
}
