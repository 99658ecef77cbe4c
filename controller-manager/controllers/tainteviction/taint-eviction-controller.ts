// The taint eviction controller (upstream pkg/controller/tainteviction, once
// the node lifecycle controller's taint manager): deletes the pods of a node
// with NoExecute taints they do not tolerate, at once, or once the smallest
// tolerationSeconds of the tolerations they use has passed; pending
// deletions are cancelled when the taints go, the pod's tolerations change
// or the pod goes. A deletion first sets the pod condition DisruptionTarget
// (reason DeletionByTaintManager), then deletes gracefully: the pod stays
// Terminating until its kubelet confirms, as any other delete.
//
// Informer handlers only enqueue `node:<name>` or `pod:<ns>/<name>`; one
// worker handles both, so a pod is always judged against the node taints last
// handled (upstream shards by node name for the same reason).
import type { KubeObject } from '../../../shared/api-types.ts'
import { commonResources, isNotFound } from '../../../shared/client/index.ts'
import type { Clock } from '../../../shared/clock.ts'
import type { Condition, Node, Pod, Taint } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Reconciler, splitKey } from '../../reconciler.ts'
import { decideEviction, noExecuteTaints } from './eviction-timing.ts'
import { TimedWorkerQueue, type TimedWork } from './timed-workers.ts'

/** upstream `retries`: attempts to mark and delete a pod when its time comes. */
const deleteRetries = 5
const retryDelayMs = 10

export interface TaintEvictionApi {
  /** A live read of the pod (the cache may lag behind a toleration change). */
  getPod(namespace: string, name: string): Promise<Pod>
  /** Strategic-merge patch of the pod's status conditions, guarded by its uid. */
  patchPodConditions(pod: Pod, conditions: Condition[]): Promise<void>
  /** A normal (graceful) delete. */
  deletePod(namespace: string, name: string): Promise<void>
}

export interface TaintEvictionDeps {
  pods: { get(key: string): Pod | undefined; byIndex(index: 'nodeName', value: string): Pod[] }
  nodes: { get(name: string): Node | undefined }
  api: TaintEvictionApi
  recorder: Pick<EventRecorder, 'event'>
  clock: Clock
  log: Logger
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? [])
}

/** metav1.Time: RFC 3339 in whole seconds. */
function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A reference to the pod by name only, as upstream's Events about a pod being evicted carry. */
function podRef(key: string): KubeObject {
  const { namespace, name } = splitKey(key)
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name } }
}

export class TaintEvictionController {
  readonly reconciler: Reconciler
  readonly #d: TaintEvictionDeps
  readonly #evictions: TimedWorkerQueue
  /** Node name → its NoExecute taints, for nodes that have some. */
  readonly #taintedNodes = new Map<string, Taint[]>()

  constructor(deps: TaintEvictionDeps) {
    this.#d = deps
    this.#evictions = new TimedWorkerQueue(deps.clock, (key, work) => this.#evict(key, work))
    this.reconciler = new Reconciler({ name: 'taint-eviction', sync: (key) => this.sync(key), log: deps.log, clock: deps.clock })
  }

  /** Pending deletions, for tests. */
  scheduled(podKey: string): TimedWork | undefined {
    return this.#evictions.get(podKey)
  }

  nodeUpdated(oldNode: Node | undefined, node: Node | undefined): void {
    const name = (node ?? oldNode)?.metadata.name
    if (!name) return
    if (oldNode && node && sameJson(noExecuteTaints(oldNode.spec?.taints), noExecuteTaints(node.spec?.taints))) return
    this.reconciler.enqueueKey(`node:${name}`)
  }

  podUpdated(oldPod: Pod | undefined, pod: Pod | undefined): void {
    const p = pod ?? oldPod
    if (!p) return
    if (oldPod && pod && sameJson(oldPod.spec?.tolerations, pod.spec?.tolerations) && oldPod.spec?.nodeName === pod.spec?.nodeName) return
    this.reconciler.enqueueKey(`pod:${p.metadata.namespace}/${p.metadata.name}`)
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith('node:')) this.handleNodeUpdate(key.slice(5))
    else if (key.startsWith('pod:')) this.handlePodUpdate(key.slice(4))
  }

  /** Stops every pending deletion (controller shutdown). */
  stop(): void {
    this.#evictions.cancelAll()
  }

  handleNodeUpdate(name: string): void {
    const node = this.#d.nodes.get(name)
    if (!node) {
      this.#taintedNodes.delete(name)
      return
    }
    const taints = noExecuteTaints(node.spec?.taints)
    if (taints.length === 0) this.#taintedNodes.delete(name)
    else this.#taintedNodes.set(name, taints)
    const pods = this.#d.pods.byIndex('nodeName', name)
    const now = this.#d.clock.now()
    for (const pod of pods) this.#processPodOnNode(`${pod.metadata.namespace}/${pod.metadata.name}`, pod, taints, now)
  }

  handlePodUpdate(key: string): void {
    const pod = this.#d.pods.get(key)
    if (!pod) {
      this.#cancel(key)
      return
    }
    const nodeName = pod.spec?.nodeName
    if (!nodeName) return
    const taints = this.#taintedNodes.get(nodeName)
    // An untainted node: any eviction was cancelled when its taints went.
    if (!taints) return
    this.#processPodOnNode(key, pod, taints, this.#d.clock.now())
  }

  #processPodOnNode(key: string, pod: Pod, taints: Taint[], now: number): void {
    const decision = decideEviction(taints, pod.spec?.tolerations, now)
    switch (decision.action) {
      case 'cancel':
        this.#cancel(key)
        return
      case 'evict-now':
        // Already deleted for these taints: a second delete would only repeat the Event.
        if (this.#evictions.isDone(key)) return
        this.#d.log.debug({ pod: key, node: pod.spec?.nodeName }, 'not all taints are tolerated, deleting pod now')
        this.#cancel(key)
        this.#evictions.addWork(key, now, now)
        return
      case 'evict-after': {
        const fireAt = decision.startMs + decision.delayMs
        const scheduled = this.#evictions.get(key)
        if (scheduled) {
          // An earlier deadline already set stays (the pod's tolerations may have grown).
          if (scheduled.fireAt <= fireAt) return
          this.#cancel(key)
        }
        this.#evictions.addWork(key, decision.startMs, fireAt)
      }
    }
  }

  #cancel(key: string): void {
    if (this.#evictions.cancelWork(key)) {
      this.#d.recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`)
    }
  }

  async #evict(key: string, work: TimedWork): Promise<void> {
    const { namespace, name } = splitKey(key)
    this.#d.log.info({ pod: key, waitedMs: this.#d.clock.now() - work.createdAt }, 'deleting pod')
    this.#d.recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`)
    let last: unknown
    for (let i = 0; i < deleteRetries; i++) {
      try {
        await this.#markAndDelete(namespace, name)
        return
      } catch (err) {
        if (isNotFound(err)) return
        last = err
        await new Promise<void>((resolve) => this.#d.clock.setTimeout(resolve, retryDelayMs))
      }
    }
    this.#d.log.error({ pod: key, err: String(last) }, 'failed to delete pod')
    throw last
  }

  async #markAndDelete(namespace: string, name: string): Promise<void> {
    const pod = await this.#d.api.getPod(namespace, name)
    const conditions = pod.status?.conditions ?? []
    const previous = conditions.find((c) => c.type === 'DisruptionTarget')
    const wanted: Condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }
    // upstream UpdatePodCondition: only a change is written; the transition time moves with the status.
    if (!previous || previous.status !== wanted.status || previous.reason !== wanted.reason || previous.message !== wanted.message) {
      const since = previous && previous.status === wanted.status ? previous.lastTransitionTime : formatTime(this.#d.clock.now())
      await this.#d.api.patchPodConditions(pod, [{ ...wanted, lastProbeTime: null, lastTransitionTime: since }])
    }
    await this.#d.api.deletePod(namespace, name)
  }
}

export function createTaintEvictionController(): ControllerDefinition {
  return {
    name: 'taint-eviction',
    init(ctx: ControllerContext) {
      const log = ctx.log.child({ controller: 'taint-eviction' })
      const pods = ctx.informers.informerFor<Pod>(commonResources.pods)
      const nodes = ctx.informers.informerFor<Node>(commonResources.nodes)
      const podsOf = (namespace: string) => ctx.client.pods.namespace(namespace)
      const controller = new TaintEvictionController({
        pods, nodes, clock: ctx.clock, log,
        recorder: ctx.recorder('taint-eviction-controller'),
        api: {
          getPod: async (namespace, name) => (await podsOf(namespace).get(name)) as Pod,
          async patchPodConditions(pod, conditions) {
            const body = { metadata: { uid: pod.metadata.uid }, status: { conditions } }
            await podsOf(pod.metadata.namespace!).patch(pod.metadata.name!, body, 'strategic', { subresource: 'status' })
          },
          async deletePod(namespace, name) {
            await podsOf(namespace).delete(name)
          },
        },
      })
      pods.addEventHandler({
        onAdd: (pod) => controller.podUpdated(undefined, pod),
        onUpdate: (oldPod, pod) => controller.podUpdated(oldPod, pod),
        onDelete: (pod) => controller.podUpdated(pod, undefined),
      })
      nodes.addEventHandler({
        onAdd: (node) => controller.nodeUpdated(undefined, node),
        onUpdate: (oldNode, node) => controller.nodeUpdated(oldNode, node),
        onDelete: (node) => controller.nodeUpdated(node, undefined),
      })
      return async (signal) => {
        await Promise.all([pods.whenSynced(), nodes.whenSynced()])
        log.info('starting taint eviction controller')
        try {
          // One worker: node and pod keys are handled in order against one taint map.
          await controller.reconciler.run(1, signal)
        } finally {
          controller.stop()
        }
      }
    },
  }
}
