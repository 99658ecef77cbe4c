// The scheduler's queue of pending pods, after kube-scheduler's
// backend/queue (scheduling_queue.go, active_queue.go, backoff_queue.go).
//
// A pending pod known to the queue is in exactly one place:
// - activeQ: ready to be tried. A heap: highest priority first, then the pod
//   that entered the queue earliest (upstream's PrioritySort).
// - backoffQ: failed recently and waiting out its backoff, which doubles with
//   every attempt from podInitialBackoffMs up to podMaxBackoffMs, so a pod that
//   keeps failing cannot starve the others. A heap by backoff expiry; a timer
//   set for the earliest expiry moves pods to activeQ.
// - unschedulablePods: failed, remembering the plugins that rejected it.
//   Retrying it before something changes would fail again, so it waits for a
//   cluster event one of those plugins cares about (moveAllToActiveOrBackoff),
//   for a change to the pod itself (update), or at most
//   podMaxInUnschedulablePodsMs, in case an event was missed.
// - in flight: handed out by pop() and not yet back through
//   addUnschedulableIfNotPresent/addBackoff, nor released by done() or
//   delete(). Updates meanwhile are kept for its return, and a pod deleted
//   meanwhile is not let back in.
//
// An event can arrive while its pod is in flight: the pod is rejected for
// want of a node that was added meanwhile. So moveAllToActiveOrBackoff
// records the scheduling cycle it happened in (upstream's moveRequestCycle),
// and a pod rejected in a cycle that began no later than that goes to
// backoffQ instead of waiting for an event that has already passed.
//
// Everything runs on one thread: methods change the queue synchronously and
// hand ready pods to waiting pop()s only at their end, so a waiter woken by a
// batch (moveAllToActiveOrBackoff) gets the batch's best pod.
import { isDeepStrictEqual } from 'node:util'
import { realClock, type CancelTimer, type Clock } from '../shared/clock.ts'
import type { Pod } from '../shared/core-types.ts'
import type { ClusterEvent, PodInfo } from './framework.ts'
import { IndexedHeap } from './heap.ts'

export const defaultPodInitialBackoffMs = 1_000
export const defaultPodMaxBackoffMs = 10_000
export const defaultPodMaxInUnschedulablePodsMs = 5 * 60_000

/** A pod in the queue with its scheduling history. The queue owns it while the pod is queued. */
export interface QueuedPodInfo {
  /** The newest PodInfo the queue has seen for the pod. */
  podInfo: PodInfo
  /** Times pop() has handed the pod out. */
  attempts: number
  /** When the pod entered the queue: first added, or last returned after a failed attempt. Backoff counts from here. */
  timestamp: number
  /**
   * When the pod first entered activeQ, for the end-to-end scheduling latency
   * metric. New pods go straight there (no PreEnqueue gating here), so it is
   * when the queue first got the pod.
   */
  readonly initialAttemptTimestamp: number
  /**
   * Plugins that rejected the pod in its last attempt. pop() clears it; the
   * scheduler fills it before addUnschedulableIfNotPresent.
   */
  readonly unschedulablePlugins: Set<string>
}

export type QueuePart = 'active' | 'backoff' | 'unschedulable'

/** Why a pod entered a part of the queue (upstream's event label on scheduler_queue_incoming_pods_total). */
export type QueueEvent =
  | ClusterEvent
  | 'UnscheduledPodAdd'
  | 'UnscheduledPodUpdate'
  | 'ScheduleAttemptFailure'
  | 'BackoffComplete'
  | 'UnschedulableTimeout'

/** Optional observers, called synchronously. */
export interface SchedulingQueueMetrics {
  /** A pod entered a part of the queue. */
  incoming?(queue: QueuePart, event: QueueEvent): void
}

export interface SchedulingQueueOptions {
  /** @default realClock */
  clock?: Clock
  /** Backoff after the first attempt; it doubles per attempt. @default 1000 */
  podInitialBackoffMs?: number
  /** @default 10000 */
  podMaxBackoffMs?: number
  /** Longest a pod waits in unschedulablePods before it is retried anyway. @default 300000 (5 min) */
  podMaxInUnschedulablePodsMs?: number
  metrics?: SchedulingQueueMetrics
}

interface Entry {
  readonly qpi: QueuedPodInfo
  part: QueuePart
  /** Position in the part's heap; -1 outside heaps. */
  index: number
  /** Insertion order into a heap, the last tie-breaker, so equal pods come out first in, first out. */
  seq: number
  /** pod.spec.priority, copied here on entering activeQ so that heap comparisons stay cheap. */
  priority: number
  backoffExpiry: number
}

interface InFlight {
  readonly qpi: QueuedPodInfo
  /** The newest PodInfo from an update while the pod was in flight. */
  latest?: PodInfo
  /** An update changed the pod in a way that may make it schedulable. */
  changed: boolean
}

interface Waiter {
  resolve(qpi: QueuedPodInfo | undefined): void
}

export class SchedulingQueue {
  readonly #clock: Clock
  readonly #initialBackoffMs: number
  readonly #maxBackoffMs: number
  readonly #maxInUnschedulableMs: number
  readonly #metrics: SchedulingQueueMetrics
  /** Every queued pod by key, whichever part holds it. */
  readonly #entries = new Map<string, Entry>()
  readonly #activeQ = new IndexedHeap<Entry>(higherPriorityThenOlder)
  readonly #backoffQ = new IndexedHeap<Entry>(earlierBackoffExpiry)
  // Map order is the order pods entered it, which is timestamp order, so the
  // 5-minute flush looks only at the oldest entries.
  readonly #unschedulable = new Map<string, Entry>()
  readonly #inFlight = new Map<string, InFlight>()
  readonly #waiters = new Set<Waiter>()
  #seq = 0
  #schedulingCycle = 0
  #moveRequestCycle = -1
  #backoffTimer: { at: number; cancel: CancelTimer } | undefined
  #unschedulableTimer: CancelTimer | undefined
  #closed = false

  constructor({
    clock = realClock,
    podInitialBackoffMs = defaultPodInitialBackoffMs,
    podMaxBackoffMs = defaultPodMaxBackoffMs,
    podMaxInUnschedulablePodsMs = defaultPodMaxInUnschedulablePodsMs,
    metrics = {},
  }: SchedulingQueueOptions = {}) {
    checkDuration('podInitialBackoffMs', podInitialBackoffMs)
    checkDuration('podMaxBackoffMs', podMaxBackoffMs)
    checkDuration('podMaxInUnschedulablePodsMs', podMaxInUnschedulablePodsMs)
    if (podMaxBackoffMs < podInitialBackoffMs) {
      throw new RangeError(`podMaxBackoffMs must be >= podInitialBackoffMs (${podInitialBackoffMs}); got ${podMaxBackoffMs}`)
    }
    this.#clock = clock
    this.#initialBackoffMs = podInitialBackoffMs
    this.#maxBackoffMs = podMaxBackoffMs
    this.#maxInUnschedulableMs = podMaxInUnschedulablePodsMs
    this.#metrics = metrics
  }

  /** Queues a new pending pod in activeQ. A pod the queue already holds is updated instead. */
  add(podInfo: PodInfo): void {
    if (this.#closed) return
    if (this.#entries.has(podInfo.key) || this.#inFlight.has(podInfo.key)) {
      this.update(undefined, podInfo)
      return
    }
    this.#addNew(podInfo, 'UnscheduledPodAdd')
    this.#dispatch()
  }

  /**
   * Takes a changed pending pod. In activeQ or backoffQ it is replaced in
   * place. In unschedulablePods it is replaced, and moved on if anything but
   * status and bookkeeping metadata changed, since that may make it fit.
   * In flight, it returns with the new PodInfo. Unknown, it is added.
   * oldPod is the informer's previous version; undefined compares with the
   * queue's own.
   */
  update(oldPod: Pod | undefined, newPodInfo: PodInfo): void {
    if (this.#closed) return
    const key = newPodInfo.key
    const entry = this.#entries.get(key)
    if (!entry) {
      const flying = this.#inFlight.get(key)
      if (flying) {
        const before = oldPod ?? (flying.latest ?? flying.qpi.podInfo).pod
        flying.changed ||= isPodUpdated(before, newPodInfo.pod)
        flying.latest = newPodInfo
        return
      }
      this.#addNew(newPodInfo, 'UnscheduledPodUpdate')
      this.#dispatch()
      return
    }
    const before = oldPod ?? entry.qpi.podInfo.pod
    entry.qpi.podInfo = newPodInfo
    if (entry.part === 'active') {
      entry.priority = priorityOf(newPodInfo)
      this.#activeQ.fix(entry)
    } else if (entry.part === 'unschedulable' && isPodUpdated(before, newPodInfo.pod)) {
      this.#requeue(entry, 'UnscheduledPodUpdate')
      this.#dispatch()
    }
  }

  /** Removes the pod from every part; a pod in flight is dropped when it comes back. Returns whether it was queued. */
  delete(key: string): boolean {
    this.#inFlight.delete(key)
    const entry = this.#entries.get(key)
    if (!entry) return false
    this.#remove(entry)
    return true
  }

  /** Whether the pod is in activeQ, backoffQ or unschedulablePods (not in flight). */
  has(key: string): boolean {
    return this.#entries.has(key)
  }

  /**
   * Resolves with the best pod in activeQ, waiting while it is empty; pops
   * are served in call order. Each pop starts a scheduling cycle and counts an
   * attempt. Resolves undefined once the queue is closed or signal aborts.
   * The pod is in flight until it comes back through
   * addUnschedulableIfNotPresent/addBackoff or done(key).
   */
  pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    if (this.#closed || signal?.aborted) return Promise.resolve(undefined)
    if (this.#waiters.size === 0 && this.#activeQ.size > 0) return Promise.resolve(this.#popActive())
    return new Promise((resolve) => {
      const onAbort = (): void => {
        if (this.#waiters.delete(waiter)) resolve(undefined)
      }
      const waiter: Waiter = {
        resolve(qpi) {
          signal?.removeEventListener('abort', onAbort)
          resolve(qpi)
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.add(waiter)
    })
  }

  /** The number of pods popped so far; read it right after pop() to get the pod's cycle. */
  schedulingCycle(): number {
    return this.#schedulingCycle
  }

  /**
   * Takes back a pod that pop() handed out and that could not be scheduled,
   * with the plugins that rejected it in qpi.unschedulablePlugins. It goes to
   * unschedulablePods, or through backoff (backoffQ, or activeQ if its backoff
   * is already over) if there are no such plugins (an error, not a verdict),
   * if a move request came in since podSchedulingCycle, or if the pod itself
   * changed meanwhile. A pod deleted while in flight, or already queued again,
   * is dropped. Returns where it went.
   */
  addUnschedulableIfNotPresent(qpi: QueuedPodInfo, podSchedulingCycle: number): QueuePart | undefined {
    const flying = this.#takeBack(qpi)
    if (!flying) return undefined
    const entry = this.#returnedEntry(qpi)
    if (this.#moveRequestCycle >= podSchedulingCycle || qpi.unschedulablePlugins.size === 0 || flying.changed) {
      this.#requeue(entry, 'ScheduleAttemptFailure')
    } else {
      this.#toUnschedulable(entry, 'ScheduleAttemptFailure')
    }
    this.#dispatch()
    return entry.part
  }

  /**
   * Takes back a pod that pop() handed out and that failed for a reason other
   * than a plugin's verdict (binding failed, API error): it is retried after
   * its backoff. Dropped as in addUnschedulableIfNotPresent. Returns where it went.
   */
  addBackoff(qpi: QueuedPodInfo): QueuePart | undefined {
    if (!this.#takeBack(qpi)) return undefined
    const entry = this.#returnedEntry(qpi)
    this.#requeue(entry, 'ScheduleAttemptFailure')
    this.#dispatch()
    return entry.part
  }

  /** Ends the pod's time in flight after it was scheduled (or given up on) for good. */
  done(key: string): void {
    this.#inFlight.delete(key)
  }

  /**
   * Moves each unschedulable pod that the event may help (relevant() of its
   * rejecting plugins; every pod when relevant is absent or the pod has no
   * plugins recorded) to backoffQ, or to activeQ if its backoff is over. The
   * event also counts as a move request for pods in flight.
   */
  moveAllToActiveOrBackoff(event: ClusterEvent, relevant?: (plugins: ReadonlySet<string>) => boolean): void {
    if (this.#closed) return
    // Deleting the visited entry while iterating a Map is safe.
    for (const entry of this.#unschedulable.values()) {
      const plugins = entry.qpi.unschedulablePlugins
      if (relevant && plugins.size > 0 && !relevant(plugins)) continue
      this.#requeue(entry, event)
    }
    this.#moveRequestCycle = this.#schedulingCycle
    this.#dispatch()
  }

  lengths(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.#activeQ.size, backoff: this.#backoffQ.size, unschedulable: this.#unschedulable.size }
  }

  /** Cancels the timers and resolves waiting pops with undefined; later calls change nothing. */
  close(): void {
    this.#closed = true
    this.#backoffTimer?.cancel()
    this.#backoffTimer = undefined
    this.#unschedulableTimer?.()
    this.#unschedulableTimer = undefined
    for (const waiter of this.#waiters) waiter.resolve(undefined)
    this.#waiters.clear()
  }

  #addNew(podInfo: PodInfo, event: QueueEvent): void {
    const now = this.#clock.now()
    const qpi: QueuedPodInfo = { podInfo, attempts: 0, timestamp: now, initialAttemptTimestamp: now, unschedulablePlugins: new Set() }
    this.#toActive({ qpi, part: 'active', index: -1, seq: 0, priority: 0, backoffExpiry: now }, event)
  }

  #popActive(): QueuedPodInfo {
    const entry = this.#activeQ.pop()!
    this.#entries.delete(entry.qpi.podInfo.key)
    const qpi = entry.qpi
    qpi.attempts++
    this.#schedulingCycle++
    // The plugins of this attempt are yet to be found.
    qpi.unschedulablePlugins.clear()
    this.#inFlight.set(qpi.podInfo.key, { qpi, changed: false })
    return qpi
  }

  // Hands ready pods to waiting pops; called at the end of every change.
  #dispatch(): void {
    for (const waiter of this.#waiters) {
      if (this.#activeQ.size === 0) return
      this.#waiters.delete(waiter)
      waiter.resolve(this.#popActive())
    }
  }

  /** The in-flight record for qpi, removed; undefined if the pod is not in flight as this qpi. */
  #takeBack(qpi: QueuedPodInfo): InFlight | undefined {
    if (this.#closed) return undefined
    const key = qpi.podInfo.key
    const flying = this.#inFlight.get(key)
    // Another qpi for the key means the pod was deleted and re-created meanwhile.
    if (!flying || flying.qpi !== qpi || this.#entries.has(key)) return undefined
    this.#inFlight.delete(key)
    if (flying.latest) qpi.podInfo = flying.latest
    return flying
  }

  #returnedEntry(qpi: QueuedPodInfo): Entry {
    qpi.timestamp = this.#clock.now()
    return { qpi, part: 'active', index: -1, seq: 0, priority: 0, backoffExpiry: qpi.timestamp + this.#backoffMs(qpi.attempts) }
  }

  #backoffMs(attempts: number): number {
    // A pod never tried owes no backoff.
    if (attempts === 0) return 0
    let ms = this.#initialBackoffMs
    for (let i = 1; i < attempts && ms > 0 && ms < this.#maxBackoffMs; i++) ms *= 2
    return Math.min(ms, this.#maxBackoffMs)
  }

  /** Moves the entry, wherever it is, to backoffQ if still backing off, else to activeQ. */
  #requeue(entry: Entry, event: QueueEvent): void {
    if (entry.backoffExpiry > this.#clock.now()) this.#toBackoff(entry, event)
    else this.#toActive(entry, event)
  }

  #toActive(entry: Entry, event: QueueEvent): void {
    this.#remove(entry)
    entry.part = 'active'
    entry.seq = this.#seq++
    entry.priority = priorityOf(entry.qpi.podInfo)
    this.#entries.set(entry.qpi.podInfo.key, entry)
    this.#activeQ.push(entry)
    this.#metrics.incoming?.('active', event)
  }

  #toBackoff(entry: Entry, event: QueueEvent): void {
    this.#remove(entry)
    entry.part = 'backoff'
    entry.seq = this.#seq++
    this.#entries.set(entry.qpi.podInfo.key, entry)
    this.#backoffQ.push(entry)
    this.#armBackoffTimer()
    this.#metrics.incoming?.('backoff', event)
  }

  #toUnschedulable(entry: Entry, event: QueueEvent): void {
    this.#remove(entry)
    entry.part = 'unschedulable'
    this.#entries.set(entry.qpi.podInfo.key, entry)
    this.#unschedulable.set(entry.qpi.podInfo.key, entry)
    this.#armUnschedulableTimer()
    this.#metrics.incoming?.('unschedulable', event)
  }

  /** Takes the entry out of its part, if it is in one. */
  #remove(entry: Entry): void {
    const key = entry.qpi.podInfo.key
    if (this.#entries.get(key) !== entry) return
    this.#entries.delete(key)
    if (entry.part === 'active') this.#activeQ.remove(entry)
    else if (entry.part === 'backoff') this.#backoffQ.remove(entry)
    else this.#unschedulable.delete(key)
  }

  // One timer, for the earliest expiry. A timer left over from a removed head
  // fires early, finds nothing due and re-arms: cheaper than re-arming on
  // every removal.
  #armBackoffTimer(): void {
    const head = this.#backoffQ.peek()
    if (!head || (this.#backoffTimer && this.#backoffTimer.at <= head.backoffExpiry)) return
    this.#backoffTimer?.cancel()
    const at = head.backoffExpiry
    this.#backoffTimer = { at, cancel: this.#clock.setTimeout(() => this.#flushBackoffCompleted(), at - this.#clock.now()) }
  }

  #flushBackoffCompleted(): void {
    this.#backoffTimer = undefined
    const now = this.#clock.now()
    for (let head = this.#backoffQ.peek(); head && head.backoffExpiry <= now; head = this.#backoffQ.peek()) {
      this.#toActive(head, 'BackoffComplete')
    }
    this.#armBackoffTimer()
    this.#dispatch()
  }

  #armUnschedulableTimer(): void {
    if (this.#unschedulableTimer) return
    const oldest = this.#unschedulable.values().next().value
    if (!oldest) return
    const ms = oldest.qpi.timestamp + this.#maxInUnschedulableMs - this.#clock.now()
    this.#unschedulableTimer = this.#clock.setTimeout(() => this.#flushUnschedulableLeftover(), ms)
  }

  #flushUnschedulableLeftover(): void {
    this.#unschedulableTimer = undefined
    const now = this.#clock.now()
    for (const entry of this.#unschedulable.values()) {
      if (now - entry.qpi.timestamp < this.#maxInUnschedulableMs) break
      this.#requeue(entry, 'UnschedulableTimeout')
    }
    this.#armUnschedulableTimer()
    this.#dispatch()
  }
}

function checkDuration(name: string, ms: number): void {
  if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`${name} must be a finite number >= 0; got ${ms}`)
}

function priorityOf(podInfo: PodInfo): number {
  return podInfo.pod.spec?.priority ?? 0
}

function higherPriorityThenOlder(a: Entry, b: Entry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority
  if (a.qpi.timestamp !== b.qpi.timestamp) return a.qpi.timestamp < b.qpi.timestamp
  return a.seq < b.seq
}

function earlierBackoffExpiry(a: Entry, b: Entry): boolean {
  return a.backoffExpiry !== b.backoffExpiry ? a.backoffExpiry < b.backoffExpiry : a.seq < b.seq
}

/**
 * Whether the pod changed in a way that may change where it fits: anything
 * but its status and metadata no scheduling decision reads (upstream's
 * isPodUpdated).
 */
function isPodUpdated(before: Pod, after: Pod): boolean {
  return !isDeepStrictEqual(schedulingView(before), schedulingView(after))
}

function schedulingView(pod: Pod): object {
  const { status, metadata, ...rest } = pod
  const { resourceVersion, generation, managedFields, finalizers, ...meta } = metadata
  return { ...rest, metadata: meta }
}
