// Many simulated nodes in one process: one NodeAgent each (its own Node,
// Lease and status loop) over one shared keep-alive client and one clock.
// First renewals and status syncs are spread at random over their intervals,
// so a thousand nodes send a steady trickle instead of a burst every 10 s;
// registrations go a few at a time so startup does not flood the apiserver.
import { realClock, type Clock } from '../../shared/clock.ts'
import type { Client } from '../../shared/client/index.ts'
import type { Logger } from '../../shared/logger.ts'
import { NodeAgent, type NodeAgentOptions } from './node-agent.ts'
import type { NodeOptions } from './node-object.ts'

type Timing = Pick<NodeAgentOptions, 'nodeLeaseDurationSeconds' | 'nodeStatusUpdateFrequencyMs' | 'nodeStatusReportFrequencyMs' | 'health'>

export interface NodeFleetOptions extends Timing {
  client: Pick<Client, 'nodes' | 'leases'>
  /** @default realClock */
  clock?: Clock
  log?: Logger
  /** @default Math.random */
  random?: () => number
  /** Registrations in flight at once. @default 16 */
  registerConcurrency?: number
}

export class NodeFleet {
  readonly #o: NodeFleetOptions
  readonly #agents = new Map<string, NodeAgent>()

  constructor(options: NodeFleetOptions) {
    this.#o = options
  }

  get agents(): NodeAgent[] {
    return [...this.#agents.values()]
  }

  get(name: string): NodeAgent | undefined {
    return this.#agents.get(name)
  }

  /** Adds a node; it starts with start(). Per-node options win over the fleet's. */
  add(options: NodeOptions & Partial<Timing>): NodeAgent {
    if (this.#agents.has(options.nodeName)) throw new RangeError(`node ${JSON.stringify(options.nodeName)} is already in the fleet`)
    const random = this.#o.random ?? Math.random
    const leaseDuration = options.nodeLeaseDurationSeconds ?? this.#o.nodeLeaseDurationSeconds ?? 40
    const statusFrequency = options.nodeStatusUpdateFrequencyMs ?? this.#o.nodeStatusUpdateFrequencyMs ?? 10_000
    const agent = new NodeAgent({
      nodeLeaseDurationSeconds: this.#o.nodeLeaseDurationSeconds,
      nodeStatusUpdateFrequencyMs: this.#o.nodeStatusUpdateFrequencyMs,
      nodeStatusReportFrequencyMs: this.#o.nodeStatusReportFrequencyMs,
      health: this.#o.health,
      ...options,
      client: this.#o.client,
      clock: this.#o.clock ?? realClock,
      log: this.#o.log,
      random,
      // Registration already wrote a fresh status and the Lease is due in a full interval: spread both.
      leaseInitialDelayMs: random() * leaseDuration * 250,
      statusInitialDelayMs: random() * statusFrequency,
    })
    this.#agents.set(options.nodeName, agent)
    return agent
  }

  /** Registers every node not yet started, a few at a time; resolves when all are registered. */
  async start(): Promise<void> {
    const queue = this.agents.filter((a) => !a.node)
    const workers = Array.from({ length: Math.min(this.#o.registerConcurrency ?? 16, queue.length) }, async () => {
      for (let agent = queue.shift(); agent; agent = queue.shift()) await agent.start()
    })
    await Promise.all(workers)
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()))
  }
}
