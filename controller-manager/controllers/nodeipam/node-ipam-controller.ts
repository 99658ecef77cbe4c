// The node IPAM controller with upstream's RangeAllocator
// (pkg/controller/nodeipam/ipam/range_allocator.go): every Node without
// spec.podCIDRs gets the next free range of the cluster CIDR, patched into
// spec.podCIDR and spec.podCIDRs (write-once fields). The pool is rebuilt from
// the Nodes' podCIDRs before any allocation, so a restart hands out no range
// twice; a deleted Node's range goes back. When the pool is empty the Node
// gets a CIDRNotAvailable Event and is retried with back-off.
import { commonResources, isNotFound } from '../../../shared/client/index.ts'
import type { Node } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Reconciler } from '../../reconciler.ts'
import { CIDRExhaustedError, CidrSet } from './cidr-set.ts'

export interface NodeIpamOptions {
  /** --cluster-cidr: the range node pod ranges are cut from. @default '10.244.0.0/16' */
  clusterCIDR?: string
  /** --node-cidr-mask-size: the prefix length of each node's range. @default 24 */
  nodeCIDRMaskSize?: number
}

/** What the allocator writes through; tests pass an in-memory one. */
export interface NodeIpamApi {
  /** Sets spec.podCIDR and spec.podCIDRs of the Node (upstream PatchNodeCIDRs). */
  patchNodeCIDRs(name: string, cidrs: string[]): Promise<void>
}

/** upstream cidrUpdateRetries: patch attempts before the range goes back to the pool. */
const cidrUpdateRetries = 3

function podCIDRsOf(node: Node): string[] {
  return node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : []
}

/**
 * The allocation logic apart from informers and queues: `occupy` and
 * `release` follow Node events; `allocate` runs for a Node that has no range.
 */
export class RangeAllocator {
  readonly cidrs: CidrSet
  readonly #api: NodeIpamApi
  readonly #recorder: Pick<EventRecorder, 'event'> | undefined
  readonly #log: Logger | undefined
  /** Ranges patched onto Nodes whose update the informer has not shown yet (upstream's nodesInProcessing). */
  readonly #assigned = new Map<string, string>()

  constructor(options: { clusterCIDR: string; nodeCIDRMaskSize: number; api: NodeIpamApi; recorder?: Pick<EventRecorder, 'event'>; log?: Logger }) {
    this.cidrs = new CidrSet(options.clusterCIDR, options.nodeCIDRMaskSize)
    this.#api = options.api
    this.#recorder = options.recorder
    this.#log = options.log
  }

  /** Marks a Node's ranges used; false (logged) when one lies outside the cluster CIDR or is garbage. */
  occupy(node: Node): boolean {
    // Only the first range belongs to this (single-stack) pool.
    const [cidr] = podCIDRsOf(node)
    if (!cidr) return true
    this.#assigned.delete(node.metadata.name ?? '')
    try {
      this.cidrs.occupy(cidr)
      return true
    } catch (err) {
      this.#log?.error({ node: node.metadata.name, cidr, err: String(err) }, 'failed to mark cidr as occupied')
      return false
    }
  }

  release(node: Node): void {
    const name = node.metadata.name ?? ''
    const [cidr = this.#assigned.get(name)] = podCIDRsOf(node)
    this.#assigned.delete(name)
    if (!cidr) return
    try {
      this.cidrs.release(cidr)
      this.#log?.debug({ node: node.metadata.name, cidr }, 'released cidr of deleted node')
    } catch (err) {
      this.#log?.error({ node: node.metadata.name, cidr, err: String(err) }, 'failed to release cidr')
    }
  }

  /**
   * Gives the Node a range unless it has one. Throws (so the caller retries)
   * when the pool is empty or the patch keeps failing; the range is returned
   * to the pool in both cases.
   */
  async allocate(node: Node): Promise<string | undefined> {
    if (podCIDRsOf(node).length > 0) {
      this.occupy(node)
      return undefined
    }
    const name = node.metadata.name!
    // A stale copy of a Node we already gave a range: its update is on the way.
    if (this.#assigned.has(name)) return undefined
    let cidr: string
    try {
      cidr = this.cidrs.allocateNext()
    } catch (err) {
      if (err instanceof CIDRExhaustedError) this.#recorder?.event(nodeRef(node), 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`)
      throw err
    }
    let last: unknown
    for (let i = 0; i < cidrUpdateRetries; i++) {
      try {
        await this.#api.patchNodeCIDRs(name, [cidr])
        this.#assigned.set(name, cidr)
        this.#log?.info({ node: name, cidr }, 'set node PodCIDR')
        return cidr
      } catch (err) {
        last = err
        if (isNotFound(err)) break
      }
    }
    this.cidrs.release(cidr)
    if (isNotFound(last)) return undefined
    this.#recorder?.event(nodeRef(node), 'Normal', 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`)
    throw last
  }
}

/** The Node as upstream's RecordNodeStatusChange refers to it. */
function nodeRef(node: Node): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } }
}

export function createNodeIpamController(options: NodeIpamOptions = {}): ControllerDefinition {
  const clusterCIDR = options.clusterCIDR ?? '10.244.0.0/16'
  const nodeCIDRMaskSize = options.nodeCIDRMaskSize ?? 24
  // Bad flags fail at start, as upstream's controller-manager exits on them.
  new CidrSet(clusterCIDR, nodeCIDRMaskSize)
  return {
    name: 'node-ipam',
    init(ctx: ControllerContext) {
      const log = ctx.log.child({ controller: 'node-ipam' })
      const nodes: Informer<Node> = ctx.informers.informerFor<Node>(commonResources.nodes)
      const allocator = new RangeAllocator({
        clusterCIDR, nodeCIDRMaskSize, log,
        recorder: ctx.recorder('cidrAllocator'),
        api: {
          async patchNodeCIDRs(name, cidrs) {
            await ctx.client.nodes.patch(name, { spec: { podCIDR: cidrs[0], podCIDRs: cidrs } }, 'strategic')
          },
        },
      })
      const sync = async (name: string): Promise<ProcessResult> => {
        const node = nodes.get(name)
        if (!node || node.metadata.deletionTimestamp) return
        await allocator.allocate(node)
      }
      const reconciler = new Reconciler({ name: 'node-ipam', sync, log, clock: ctx.clock })
      nodes.addEventHandler({
        onAdd: (node) => (podCIDRsOf(node).length > 0 ? allocator.occupy(node) : reconciler.enqueue(node)),
        onUpdate: (_, node) => (podCIDRsOf(node).length > 0 ? allocator.occupy(node) : reconciler.enqueue(node)),
        onDelete: (node) => allocator.release(node),
      })
      return async (signal) => {
        await nodes.whenSynced()
        // Every range in use is known before the first one is handed out.
        for (const node of nodes.list()) allocator.occupy(node)
        log.info({ clusterCIDR, nodeCIDRMaskSize, occupied: allocator.cidrs.allocated }, 'starting range CIDR allocator')
        await reconciler.run(ctx.workers('node-ipam'), signal)
      }
    },
  }
}
