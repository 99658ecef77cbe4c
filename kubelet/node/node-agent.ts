// One node's kubelet half that faces the control plane: register the Node,
// then keep its Lease renewed and its status current. The status loop runs
// every --node-status-update-frequency but sends a patch only when the status
// changed or --node-status-report-frequency has passed since the last one
// (upstream tryUpdateNodeStatus), so a healthy node's heartbeat is its Lease.
import { realClock, type Clock } from '../../shared/clock.ts'
import type { Client } from '../../shared/client/index.ts'
import type { Node } from '../../shared/core-types.ts'
import type { Logger } from '../../shared/logger.ts'
import type { ConditionOverride, NodeHealth } from './conditions.ts'
import { NodeLeaseController } from './lease.ts'
import { Loop } from './loop.ts'
import { buildNode, goArch, resolveNodeConfig, type NodeConfig, type NodeOptions } from './node-object.ts'
import { nodeStatusHasChanged, nodeStatusPatch, setNodeStatus } from './node-status.ts'
import { registerNode } from './register.ts'

/** upstream nodeStatusUpdateRetry: immediate tries per sync, the first from the cached Node. */
const nodeStatusUpdateRetry = 5

export interface NodeAgentOptions extends NodeOptions {
  client: Pick<Client, 'nodes' | 'leases'>
  /** @default realClock */
  clock?: Clock
  log?: Logger
  /** In [0, 1): jitters the loops. @default Math.random */
  random?: () => number
  /** --node-lease-duration-seconds. @default 40 */
  nodeLeaseDurationSeconds?: number
  /** --node-status-update-frequency: how often status is computed. @default 10_000 */
  nodeStatusUpdateFrequencyMs?: number
  /** --node-status-report-frequency: how often an unchanged status is still posted. @default 300_000 */
  nodeStatusReportFrequencyMs?: number
  /** Delay of the first lease renewal after registration (fleets stagger it). @default 0 */
  leaseInitialDelayMs?: number
  /** Delay of the first status sync after registration (fleets stagger it). @default 0 */
  statusInitialDelayMs?: number
  /** Read on every status sync: pressure and readiness as the rest of the kubelet sees them. */
  health?: () => NodeHealth
}

export class NodeAgent {
  readonly name: string
  readonly config: NodeConfig
  readonly lease: NodeLeaseController
  readonly #o: NodeAgentOptions
  readonly #clock: Clock
  readonly #statusLoop: Loop
  readonly #overrides = new Map<string, ConditionOverride>()
  #node: Node | undefined
  #lastReport = -Infinity
  #chain: Promise<void> = Promise.resolve()
  #abort = new AbortController()
  /** Status patches sent, for tests and benchmarks. */
  statusPatches = 0

  constructor(options: NodeAgentOptions) {
    this.#o = options
    this.name = options.nodeName
    this.#clock = options.clock ?? realClock
    this.config = resolveNodeConfig(options)
    this.lease = new NodeLeaseController({
      client: options.client,
      nodeName: options.nodeName,
      leaseDurationSeconds: options.nodeLeaseDurationSeconds,
      initialDelayMs: options.leaseInitialDelayMs,
      nodeUid: () => this.#node?.metadata.uid,
      clock: this.#clock,
      random: options.random,
      log: options.log,
    })
    this.#statusLoop = new Loop({
      clock: this.#clock,
      periodMs: options.nodeStatusUpdateFrequencyMs ?? 10_000,
      initialDelayMs: options.statusInitialDelayMs,
      random: options.random,
      run: () => this.syncStatus(),
      onError: (err) => options.log?.error({ err, node: this.name }, 'unable to update node status'),
    })
  }

  /** The Node as last read from or written to the apiserver (its uid owns the Lease). */
  get node(): Node | undefined {
    return this.#node
  }

  /** Registers (retrying until it succeeds or stop()), then starts the lease and status loops. */
  async start(): Promise<Node> {
    if (this.#abort.signal.aborted) this.#abort = new AbortController()
    const initial = buildNode(this.config, this.#clock.now(), this.#health())
    this.#node = await registerNode({ client: this.#o.client, node: initial, clock: this.#clock, log: this.#o.log, signal: this.#abort.signal })
    // Created with our status just now: that was a report. Re-registered: the first sync brings status up to date.
    if (this.#node.status?.conditions?.length && !nodeStatusHasChanged(this.#node.status, initial.status)) this.#lastReport = this.#clock.now()
    this.lease.start()
    this.#statusLoop.start()
    return this.#node
  }

  /** Stops registration retries and both loops; waits for requests in flight. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error(`node agent ${this.name} stopped`))
    await Promise.all([this.lease.stop(), this.#statusLoop.stop()])
    await this.#chain
  }

  /**
   * Forces a condition (e.g. Ready False, "node is shutting down") until
   * cleared, and posts the status now. Resolves once that sync is done.
   */
  setCondition(condition: ConditionOverride): Promise<void> {
    this.#overrides.set(condition.type, condition)
    return this.syncStatus()
  }

  /** Drops an override; the setters' own value returns with the next sync, sent now. */
  clearCondition(type: string): Promise<void> {
    this.#overrides.delete(type)
    return this.syncStatus()
  }

  /** One status sync now, after any in flight (syncs never overlap). */
  syncStatus(): Promise<void> {
    const run = this.#chain.then(() => this.#updateNodeStatus())
    this.#chain = run.catch(() => {})
    return run
  }

  #health(): NodeHealth {
    return this.#o.health?.() ?? {}
  }

  async #updateNodeStatus(): Promise<void> {
    if (!this.#node) return
    let last: unknown
    for (let i = 0; i < nodeStatusUpdateRetry; i++) {
      try {
        return await this.#tryUpdateNodeStatus()
      } catch (err) {
        last = err
        this.#o.log?.error({ err, node: this.name }, 'error updating node status, will retry')
      }
    }
    throw new Error(`update node status exceeds retry count: ${last}`)
  }

  async #tryUpdateNodeStatus(): Promise<void> {
    const { nodes } = this.#o.client
    // Compare with the Node as it is now (upstream reads its lister): the node lifecycle controller may
    // have set Ready to Unknown meanwhile, and a kubelet that compared with its own last write would not
    // correct that until the next report period.
    const original = (await nodes.get(this.name)) as Node
    const now = this.#clock.now()

    // kubernetes.io/os and /arch must always be right: the scheduler and DaemonSets select on them.
    const arch = goArch()
    const labels = original.metadata.labels ?? {}
    if (labels['kubernetes.io/os'] !== 'linux' || labels['kubernetes.io/arch'] !== arch) {
      this.#node = (await nodes.patch(this.name, { metadata: { labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch } } }, 'strategic')) as Node
      this.statusPatches++
    }

    const desired: Node = structuredClone(original)
    setNodeStatus(desired, this.config, now, this.#health(), [...this.#overrides.values()])
    const changed = nodeStatusHasChanged(original.status, desired.status)
    if (!changed && now - this.#lastReport < (this.#o.nodeStatusReportFrequencyMs ?? 300_000)) return
    const patch = nodeStatusPatch(original.status, desired.status!)
    if (!patch) return
    this.#node = (await nodes.patch(this.name, patch, 'strategic', { subresource: 'status' })) as Node
    this.#lastReport = now
    this.statusPatches++
  }
}
