// The node Lease heartbeat, as component-helpers' lease controller runs it
// for the kubelet: kube-node-lease/<node>, holderIdentity the node name,
// renewed every leaseDuration/4. The last written Lease is reused for the
// next PUT (no GET per renewal); a 409 re-reads it; a failed read or create
// backs off 200 ms, 400 ms, ... up to 7 s; a round that fails 5 updates waits
// for the next interval. The owner reference to the Node is added as soon as
// the Node's uid is known, so the Lease goes when the Node is deleted.
import type { OwnerReference } from '../../shared/api-types.ts'
import { realClock, type Clock } from '../../shared/clock.ts'
import { isConflict, isNotFound, type Client } from '../../shared/client/index.ts'
import { formatMicroTime, type Lease } from '../../shared/leader-election.ts'
import type { Logger } from '../../shared/logger.ts'
import { Loop } from './loop.ts'

export const nodeLeaseNamespace = 'kube-node-lease'
/** upstream maxUpdateRetries: immediate PUTs per round before waiting for the next interval. */
const maxUpdateRetries = 5
const maxBackoffMs = 7_000

export interface NodeLeaseOptions {
  client: Pick<Client, 'leases' | 'nodes'>
  nodeName: string
  /** --node-lease-duration-seconds. @default 40 */
  leaseDurationSeconds?: number
  /** upstream: leaseDuration * 0.25 (nodeLeaseRenewIntervalFraction). @default leaseDurationSeconds * 250 */
  renewIntervalMs?: number
  /** Delay of the first renewal: a fleet spreads its nodes over the interval. @default 0 */
  initialDelayMs?: number
  /** The Node's uid when the caller has it; otherwise the Node is read to set the owner reference. */
  nodeUid?: () => string | undefined
  /** Called when an update fails again within a round (upstream closes the heartbeat connections). */
  onRepeatedHeartbeatFailure?: () => void
  /** @default realClock */
  clock?: Clock
  random?: () => number
  log?: Logger
}

export class NodeLeaseController {
  readonly #o: NodeLeaseOptions
  readonly #clock: Clock
  readonly #durationSeconds: number
  readonly #loop: Loop
  #latest: Lease | undefined
  /** Successful creates and updates, for tests and benchmarks. */
  renewals = 0

  constructor(options: NodeLeaseOptions) {
    this.#o = options
    this.#clock = options.clock ?? realClock
    this.#durationSeconds = options.leaseDurationSeconds ?? 40
    this.#loop = new Loop({
      clock: this.#clock,
      periodMs: options.renewIntervalMs ?? this.#durationSeconds * 250,
      initialDelayMs: options.initialDelayMs,
      random: options.random,
      run: () => this.sync(),
      onError: (err) => options.log?.error({ err, node: options.nodeName }, 'failed to renew node lease'),
    })
  }

  /** The Lease last created or updated. */
  get latestLease(): Lease | undefined {
    return this.#latest
  }

  start(): void {
    this.#loop.start()
  }

  stop(): Promise<void> {
    return this.#loop.stop()
  }

  #leases() {
    return this.#o.client.leases.namespace(nodeLeaseNamespace)
  }

  /** One round: renew from the last written Lease, else ensure it exists and renew that. */
  async sync(): Promise<void> {
    if (this.#latest) {
      try {
        await this.#retryUpdate(this.#latest)
        return
      } catch (err) {
        this.#o.log?.info({ err, node: this.#o.nodeName }, 'failed to update lease using latest lease, fallback to ensure lease')
      }
    }
    const { lease, created } = await this.#backoffEnsure()
    this.#latest = lease
    if (lease && !created) await this.#retryUpdate(lease)
  }

  /** Gets or creates the Lease, retrying with doubling sleeps until it succeeds (or stop()). */
  async #backoffEnsure(): Promise<{ lease: Lease | undefined; created: boolean }> {
    let sleep = 100
    for (;;) {
      try {
        return await this.#ensure()
      } catch (err) {
        sleep = Math.min(2 * sleep, maxBackoffMs)
        this.#o.log?.error({ err, node: this.#o.nodeName, retryInMs: sleep }, 'failed to ensure lease exists, will retry')
        await this.#loop.sleep(sleep)
      }
    }
  }

  async #ensure(): Promise<{ lease: Lease | undefined; created: boolean }> {
    try {
      return { lease: await this.#leases().get(this.#o.nodeName), created: false }
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
    const fresh: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.#o.nodeName, namespace: nodeLeaseNamespace },
      spec: { holderIdentity: this.#o.nodeName, leaseDurationSeconds: this.#durationSeconds },
    }
    // Upstream does not create a Lease it cannot give an owner: it tries again next round.
    if (!(await this.#stamp(fresh))) return { lease: undefined, created: false }
    const lease = await this.#leases().create(fresh)
    this.renewals++
    return { lease, created: true }
  }

  /** Sets renewTime and, when missing, the owner reference; false when the Node could not be read. */
  async #stamp(lease: Lease): Promise<boolean> {
    lease.spec = { ...lease.spec, renewTime: formatMicroTime(this.#clock.now()) }
    if (lease.metadata.ownerReferences?.length) return true
    let uid = this.#o.nodeUid?.()
    if (!uid) {
      try {
        uid = (await this.#o.client.nodes.get(this.#o.nodeName)).metadata.uid
      } catch (err) {
        this.#o.log?.error({ err, node: this.#o.nodeName }, 'failed to get node when trying to set owner ref to the node lease')
        return false
      }
    }
    if (!uid) return false
    const owner: OwnerReference = { apiVersion: 'v1', kind: 'Node', name: this.#o.nodeName, uid }
    lease.metadata = { ...lease.metadata, ownerReferences: [owner] }
    return true
  }

  async #retryUpdate(base: Lease | undefined): Promise<void> {
    for (let i = 0; i < maxUpdateRetries; i++) {
      if (!base) {
        ;({ lease: base } = await this.#backoffEnsure())
        if (!base) continue
      }
      const next = structuredClone(base)
      // An owner reference that cannot be set yet does not block the renewal.
      await this.#stamp(next)
      try {
        this.#latest = await this.#leases().update(next)
        this.renewals++
        return
      } catch (err) {
        this.#o.log?.error({ err, node: this.#o.nodeName }, 'failed to update lease')
        // Someone else wrote the Lease: renew on top of theirs.
        if (isConflict(err)) {
          ;({ lease: base } = await this.#backoffEnsure())
          continue
        }
        if (i > 0) this.#o.onRepeatedHeartbeatFailure?.()
      }
    }
    throw new Error(`failed ${maxUpdateRetries} attempts to update lease`)
  }
}
