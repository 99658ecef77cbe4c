// Leader election on a coordination.k8s.io/v1 Lease, as client-go's
// tools/leaderelection does it, so that two copies of a component may run and
// only one acts.
//
// Contract:
// - A candidate takes the lease when it is absent, released (empty
//   holderIdentity) or expired. Expiry is judged by this process's own clock:
//   a lease counts as expired leaseDurationSeconds after this candidate last
//   saw its record change, never by comparing renewTime with our clock, so
//   clock skew between machines cannot hand the lease to two holders.
// - Every write carries the resourceVersion that was read, so of two
//   candidates racing for one lease the apiserver lets one through and
//   answers the other with 409 Conflict.
// - The leader renews every retryPeriod; when it has not renewed for
//   renewDeadline it stops leading: the signal given to onStartedLeading is
//   aborted and onStoppedLeading runs. renewDeadline < leaseDuration, so it
//   stops before anyone else may take over.
// - As upstream, an elector leads at most once: after losing the lease it does
//   not campaign again; the component is expected to exit.
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import type { KubeObject } from './api-types.ts'
import { realClock, type CancelTimer, type Clock } from './clock.ts'
import { isAlreadyExists, isConflict, isNotFound, type Client } from './client/index.ts'
import type { Logger } from './logger.ts'

export interface LeaseSpec {
  holderIdentity?: string
  leaseDurationSeconds?: number
  acquireTime?: string
  renewTime?: string
  leaseTransitions?: number
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec
}

export interface LeaderElectionOptions {
  client: Pick<Client, 'leases'>
  /** @default 'kube-system' */
  namespace?: string
  /** Lease name, e.g. 'kube-scheduler' or 'kube-controller-manager'. */
  name: string
  /** @default `${hostname()}_${randomUUID()}`, as upstream components do */
  identity?: string
  /** How long a lease stays valid without renewal. @default 15 */
  leaseDurationSeconds?: number
  /** How long the leader keeps trying to renew before it gives up. @default 10 */
  renewDeadlineSeconds?: number
  /** Time between attempts to acquire or renew. @default 2 */
  retryPeriodSeconds?: number
  /** @default realClock */
  clock?: Clock
  /** Returns a number in [0, 1): jitters acquire attempts. @default Math.random */
  random?: () => number
  log?: Logger
  /** Runs once this candidate holds the lease; signal aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void
  /** Runs when a leader stops leading: lost the lease, or released it. */
  onStoppedLeading?(): void
  /** Runs when this candidate observes a new holder, itself included. */
  onNewLeader?(identity: string): void
}

/** Upstream's JitterFactor for acquire retries: wait retryPeriod * (1 + 1.2 * random). */
const acquireJitter = 1.2

/** A MicroTime: RFC 3339 with six fractional digits, as metav1.MicroTime serialises. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`
}

export class LeaderElector {
  readonly identity: string
  readonly #opts: LeaderElectionOptions
  readonly #clock: Clock
  readonly #leaseDurationMs: number
  readonly #renewDeadlineMs: number
  readonly #retryPeriodMs: number
  #lease: Lease | undefined
  #observedSpec = ''
  #observedTime = 0
  #observedHolder = ''
  #leading: AbortController | undefined
  #lastRenew = 0
  #stopped = false
  #started = false
  #timer: CancelTimer | undefined
  #deadline: CancelTimer | undefined
  #inFlight: Promise<void> | undefined
  #request = new AbortController()

  constructor(options: LeaderElectionOptions) {
    const lease = options.leaseDurationSeconds ?? 15
    const renew = options.renewDeadlineSeconds ?? 10
    const retry = options.retryPeriodSeconds ?? 2
    // The same checks as upstream's NewLeaderElector: without them two leaders overlap.
    if (!(lease > renew)) throw new RangeError(`leaseDurationSeconds must be greater than renewDeadlineSeconds; got ${lease} and ${renew}`)
    if (!(renew > acquireJitter * retry)) throw new RangeError(`renewDeadlineSeconds must be greater than ${acquireJitter} * retryPeriodSeconds; got ${renew} and ${retry}`)
    if (!(retry > 0)) throw new RangeError(`retryPeriodSeconds must be > 0; got ${retry}`)
    if (!options.name) throw new RangeError('name must not be empty')
    this.#opts = options
    this.identity = options.identity ?? defaultIdentity()
    this.#clock = options.clock ?? realClock
    this.#leaseDurationMs = lease * 1000
    this.#renewDeadlineMs = renew * 1000
    this.#retryPeriodMs = retry * 1000
  }

  get namespace(): string {
    return this.#opts.namespace ?? 'kube-system'
  }

  isLeader(): boolean {
    return this.#leading !== undefined
  }

  /** The holder last observed, '' when none. */
  leader(): string {
    return this.#observedHolder
  }

  /** Starts campaigning; returns at once. */
  run(): void {
    if (this.#started) throw new Error('LeaderElector.run called twice')
    this.#started = true
    this.#schedule(0)
  }

  /**
   * Stops campaigning and renewing without touching the lease, as a crashed
   * process would: a successor waits for the lease to expire.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#timer?.()
    this.#request.abort()
    await this.#inFlight
    this.#stopLeading()
  }

  /**
   * Stops, and when this candidate holds the lease clears holderIdentity so a
   * successor may take it at once instead of waiting for it to expire.
   * Never throws: a failed release only means the successor waits.
   */
  async release(): Promise<void> {
    const wasLeader = this.isLeader()
    await this.stop()
    if (!wasLeader || !this.#lease) return
    const spec = this.#lease.spec ?? {}
    if (spec.holderIdentity !== this.identity) return
    const now = formatMicroTime(this.#clock.now())
    try {
      // As upstream: keep the transitions count, shorten the duration to 1 s.
      this.#lease = await this.#leases().update({
        ...this.#lease,
        spec: { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: spec.leaseTransitions ?? 0 },
      })
    } catch (err) {
      this.#opts.log?.warn({ err, lease: this.#leaseName() }, 'failed to release lease')
    }
  }

  #leases() {
    return this.#opts.client.leases.namespace(this.namespace) as unknown as {
      get(name: string, o?: { signal?: AbortSignal }): Promise<Lease>
      create(obj: Lease, o?: { signal?: AbortSignal }): Promise<Lease>
      update(obj: Lease, o?: { signal?: AbortSignal }): Promise<Lease>
    }
  }

  #leaseName(): string {
    return `${this.namespace}/${this.#opts.name}`
  }

  #schedule(ms: number): void {
    if (this.#stopped) return
    this.#timer = this.#clock.setTimeout(() => {
      this.#inFlight = this.#tick()
    }, ms)
  }

  async #tick(): Promise<void> {
    let ok = false
    try {
      ok = await this.#tryAcquireOrRenew()
    } catch (err) {
      if (!this.#stopped) this.#opts.log?.warn({ err, lease: this.#leaseName() }, 'error acquiring or renewing lease')
    }
    if (this.#stopped) return
    if (ok) {
      this.#lastRenew = this.#clock.now()
      if (!this.#leading) this.#startLeading()
      this.#armDeadline()
      this.#schedule(this.#retryPeriodMs)
    } else if (this.#leading) {
      // Keep trying until the deadline timer fires.
      this.#schedule(this.#retryPeriodMs)
    } else {
      const random = this.#opts.random ?? Math.random
      this.#schedule(this.#retryPeriodMs * (1 + acquireJitter * random()))
    }
  }

  #armDeadline(): void {
    this.#deadline?.()
    this.#deadline = this.#clock.setTimeout(() => {
      if (!this.#leading || this.#clock.now() - this.#lastRenew < this.#renewDeadlineMs) return
      this.#opts.log?.info({ lease: this.#leaseName(), identity: this.identity }, 'failed to renew lease within renew deadline')
      this.#stopped = true
      this.#timer?.()
      this.#request.abort()
      this.#stopLeading()
    }, this.#renewDeadlineMs)
  }

  #startLeading(): void {
    this.#leading = new AbortController()
    this.#opts.log?.info({ lease: this.#leaseName(), identity: this.identity }, 'acquired lease')
    this.#opts.onStartedLeading(this.#leading.signal)
  }

  #stopLeading(): void {
    this.#deadline?.()
    const leading = this.#leading
    if (!leading) return
    this.#leading = undefined
    leading.abort()
    this.#opts.onStoppedLeading?.()
  }

  #observe(lease: Lease): void {
    this.#lease = lease
    const spec = lease.spec ?? {}
    const key = JSON.stringify(spec)
    if (key !== this.#observedSpec) {
      this.#observedSpec = key
      this.#observedTime = this.#clock.now()
    }
    const holder = spec.holderIdentity ?? ''
    if (holder !== this.#observedHolder) {
      this.#observedHolder = holder
      if (holder) this.#opts.onNewLeader?.(holder)
    }
  }

  /** One attempt; true when this candidate holds the lease afterwards. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const leases = this.#leases()
    const signal = this.#request.signal
    const now = this.#clock.now()
    const desired: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.#leaseDurationMs / 1000,
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
    }
    let current: Lease
    try {
      current = await leases.get(this.#opts.name, { signal })
    } catch (err) {
      if (!isNotFound(err)) throw err
      try {
        const created = await leases.create({
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
          metadata: { name: this.#opts.name, namespace: this.namespace },
          spec: { ...desired, leaseTransitions: 0 },
        }, { signal })
        this.#observe(created)
        return true
      } catch (createErr) {
        // Another candidate created it first.
        if (isAlreadyExists(createErr)) return false
        throw createErr
      }
    }
    this.#observe(current)
    const spec = current.spec ?? {}
    const holder = spec.holderIdentity ?? ''
    if (holder && holder !== this.identity && this.#observedTime + (spec.leaseDurationSeconds ?? 0) * 1000 > now) return false
    if (holder === this.identity) {
      desired.acquireTime = spec.acquireTime ?? desired.acquireTime
      desired.leaseTransitions = spec.leaseTransitions ?? 0
    } else {
      desired.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
    }
    try {
      // current carries the resourceVersion we read: a racing write wins, we get 409.
      const updated = await leases.update({ ...current, spec: desired }, { signal })
      this.#observe(updated)
      return true
    } catch (err) {
      if (isConflict(err)) return false
      throw err
    }
  }
}
