// The pod garbage collector (upstream's pkg/controller/podgc). Every check
// period it force-deletes (grace period 0):
// - the oldest terminated pods beyond --terminated-pod-gc-threshold
//   (evicted ones first);
// - terminating pods on nodes that are not Ready and carry the
//   node.kubernetes.io/out-of-service taint;
// - pods bound to nodes that no longer exist, once the node has stayed
//   missing through a quarantine and a live GET confirms it (the informer may
//   simply not have seen a new node yet);
// - terminating pods never bound to a node: no kubelet will ever finish them.
// A pod not yet terminal is first marked Failed, so it does not stay Running
// for ever when no kubelet is left to say otherwise.
import { commonResources, isNotFound } from '../../../shared/client/index.ts'
import { sleep, type Clock } from '../../../shared/clock.ts'
import type { Condition, Node, Pod } from '../../../shared/core-types.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'

export const outOfServiceTaint = 'node.kubernetes.io/out-of-service'

export interface PodGCOptions {
  /** Terminated pods kept before the oldest are deleted; 0 turns this off. @default 12500 */
  terminatedPodThreshold?: number
  /** How long a missing node stays missing before its pods go. @default 40_000 */
  quarantineMs?: number
  /** Time between passes. @default 20_000 */
  checkPeriodMs?: number
}

/** What a pass needs of the cluster; tests pass an in-memory one. */
export interface PodGCApi {
  pods(): Pod[]
  nodes(): Node[]
  /** Live check, past the cache. */
  nodeExists(name: string): Promise<boolean>
  /** Merge-patches status (phase and conditions). */
  patchPodStatus(pod: Pod, status: { phase: string; conditions?: Condition[] }): Promise<void>
  /** DELETE with gracePeriodSeconds 0; not found is no error. */
  forceDelete(pod: Pod): Promise<void>
}

export class PodGC {
  readonly #api: PodGCApi
  readonly #clock: Clock
  readonly #log: Logger
  readonly #threshold: number
  readonly #quarantineMs: number
  /** Missing node → when its quarantine ends (upstream's delaying nodeQueue; the first sighting counts). */
  readonly #quarantine = new Map<string, number>()

  constructor(options: { api: PodGCApi; clock: Clock; log: Logger } & PodGCOptions) {
    this.#api = options.api
    this.#clock = options.clock
    this.#log = options.log
    this.#threshold = options.terminatedPodThreshold ?? 12500
    this.#quarantineMs = options.quarantineMs ?? 40_000
    if (!(this.#threshold >= 0)) throw new RangeError(`terminatedPodThreshold must be >= 0; got ${this.#threshold}`)
  }

  /** One pass; resolves when its deletes have been sent. */
  async gc(): Promise<void> {
    const pods = this.#api.pods()
    const nodes = this.#api.nodes()
    if (this.#threshold > 0) await this.#gcTerminated(pods)
    await this.#gcTerminating(pods, nodes)
    await this.#gcOrphaned(pods, nodes)
    await this.#gcUnscheduledTerminating(pods)
  }

  async #gcTerminated(pods: Pod[]): Promise<void> {
    const terminated = pods.filter(isPodTerminated)
    const count = terminated.length - this.#threshold
    if (count <= 0) return
    this.#log.info({ numPods: count }, 'garbage collecting terminated pods')
    await Promise.all(terminated.sort(byEvictionAndCreationTimestamp).slice(0, count).map((pod) => this.#markFailedAndDelete(pod)))
  }

  async #gcTerminating(pods: Pod[], nodes: Node[]): Promise<void> {
    const byName = new Map(nodes.map((n) => [n.metadata.name, n]))
    const victims = pods.filter((pod) => {
      if (!pod.metadata.deletionTimestamp) return false
      const node = byName.get(pod.spec?.nodeName ?? '')
      return !!node && !isNodeReady(node) && (node.spec?.taints ?? []).some((t) => t.key === outOfServiceTaint)
    })
    await Promise.all(victims.sort(byEvictionAndCreationTimestamp).map((pod) => this.#markFailedAndDelete(pod)))
  }

  async #gcOrphaned(pods: Pod[], nodes: Node[]): Promise<void> {
    const existing = new Set(nodes.map((n) => n.metadata.name))
    const now = this.#clock.now()
    for (const pod of pods) {
      const nodeName = pod.spec?.nodeName
      if (nodeName && !existing.has(nodeName) && !this.#quarantine.has(nodeName)) this.#quarantine.set(nodeName, now + this.#quarantineMs)
    }
    const deleted = new Set<string>()
    for (const [nodeName, until] of [...this.#quarantine]) {
      if (until > now) continue
      this.#quarantine.delete(nodeName)
      if (existing.has(nodeName)) continue
      try {
        if (!(await this.#api.nodeExists(nodeName))) deleted.add(nodeName)
      } catch (err) {
        // Quarantined again on the next pass if still needed.
        this.#log.warn({ node: nodeName, err: String(err) }, 'error while getting node')
      }
    }
    if (deleted.size === 0) return
    const condition: Condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }
    await Promise.all(pods.filter((pod) => deleted.has(pod.spec?.nodeName ?? '')).map(async (pod) => {
      this.#log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: pod.spec?.nodeName }, 'found orphaned pod assigned to a missing node, deleting')
      await this.#markFailedAndDelete(pod, condition)
    }))
  }

  async #gcUnscheduledTerminating(pods: Pod[]): Promise<void> {
    const victims = pods.filter((pod) => pod.metadata.deletionTimestamp && !pod.spec?.nodeName)
    await Promise.all(victims.map((pod) => this.#markFailedAndDelete(pod)))
  }

  async #markFailedAndDelete(pod: Pod, condition?: Condition): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`
    try {
      const phase = pod.status?.phase
      if (phase !== 'Succeeded' && phase !== 'Failed') {
        const now = new Date(this.#clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')
        let conditions: Condition[] | undefined
        if (condition) {
          const others = (pod.status?.conditions ?? []).filter((c) => c.type !== condition.type)
          const previous = pod.status?.conditions?.find((c) => c.type === condition.type)
          const since = previous && previous.status === condition.status ? previous.lastTransitionTime : now
          conditions = [...others, { ...condition, lastProbeTime: null, lastTransitionTime: since }]
        }
        await this.#api.patchPodStatus(pod, conditions ? { phase: 'Failed', conditions } : { phase: 'Failed' })
      }
      await this.#api.forceDelete(pod)
      this.#log.info({ pod: key }, 'forced deletion of pod succeeded')
    } catch (err) {
      if (!isNotFound(err)) this.#log.warn({ pod: key, err: String(err) }, 'failed to force delete pod')
    }
  }
}

/** Not Pending, Running or Unknown. A pod with no phase yet counts as Pending. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase ?? 'Pending'
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown'
}

function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}

/** Evicted pods first, then oldest first, then by name. */
export function byEvictionAndCreationTimestamp(a: Pod, b: Pod): number {
  const evicted = (p: Pod) => p.status?.phase === 'Failed' && p.status.reason === 'Evicted'
  if (evicted(a) !== evicted(b)) return evicted(a) ? -1 : 1
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0
  if (ta !== tb) return ta - tb
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0
}

export function createPodGCController(options: PodGCOptions = {}): ControllerDefinition {
  const periodMs = options.checkPeriodMs ?? 20_000
  return {
    name: 'podgc',
    init(ctx: ControllerContext) {
      const log = ctx.log.child({ controller: 'podgc' })
      const pods = ctx.informers.informerFor<Pod>(commonResources.pods)
      const nodes = ctx.informers.informerFor<Node>(commonResources.nodes)
      const gc = new PodGC({
        ...options, clock: ctx.clock, log,
        api: {
          pods: () => pods.list(),
          nodes: () => nodes.list(),
          async nodeExists(name) {
            try {
              await ctx.client.nodes.get(name)
              return true
            } catch (err) {
              if (isNotFound(err)) return false
              throw err
            }
          },
          async patchPodStatus(pod, status) {
            await ctx.client.pods.namespace(pod.metadata.namespace!).patch(pod.metadata.name!, { metadata: { uid: pod.metadata.uid }, status }, 'merge', { subresource: 'status' })
          },
          async forceDelete(pod) {
            try {
              await ctx.client.pods.namespace(pod.metadata.namespace!).delete(pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } })
            } catch (err) {
              if (!isNotFound(err)) throw err
            }
          },
        },
      })
      return async (signal) => {
        await Promise.all([pods.whenSynced(), nodes.whenSynced()])
        while (!signal.aborted) {
          try {
            await gc.gc()
          } catch (err) {
            log.error({ err: String(err) }, 'pod garbage collection pass failed')
          }
          await sleep(ctx.clock, periodMs, signal)
        }
      }
    },
  }
}

/** The pod garbage collector with upstream's defaults. */
export const podGCController: ControllerDefinition = createPodGCController()
