// The controller work queue, with client-go's workqueue semantics (queue.go,
// delaying_queue.go, rate_limiting_queue.go) in one class:
//
// - Keys are namespace/name strings. Adding a key that is already waiting does
//   nothing (the `dirty` set), so handlers can enqueue on every event.
// - A key handed out by get() is `processing` until done(key). It is never
//   handed out twice at once; if it is added meanwhile it waits, and done()
//   puts it back in the queue. So one object is reconciled by one worker at a
//   time, and a change seen during a reconcile is never lost.
// - addAfter(key, ms) parks the key until then; of several delays for one key
//   the earliest wins. addRateLimited(key) is addAfter with the rate
//   limiter's delay; forget(key) resets the key's backoff after a success.
// - After shutDown() adds are ignored and parked keys dropped; get() still
//   hands out keys already queued, then resolves undefined to end workers.
import { realClock, type Clock } from './clock.ts'
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts'

/** Optional observers, called synchronously; each is a plain callback. */
export interface WorkQueueMetrics {
  /** Keys ready to be handed out, after every change. */
  depth?(depth: number): void
  /** A key entered the queue (not counted when de-duplicated). */
  added?(key: string): void
  /** Time a key waited in the queue before get() handed it out. */
  queueLatency?(ms: number): void
  /** Time from get() to done(): how long processing took. */
  workDuration?(ms: number): void
  /** addRateLimited() was called for the key. */
  retried?(key: string): void
}

export interface WorkQueueOptions {
  /** Names the queue in logs and metrics. @default '' */
  name?: string
  /** @default realClock */
  clock?: Clock
  /** Delay policy for addRateLimited(). @default defaultControllerRateLimiter(clock) */
  rateLimiter?: RateLimiter
  metrics?: WorkQueueMetrics
}

export class WorkQueue {
  readonly name: string
  #clock: Clock
  #rateLimiter: RateLimiter
  #metrics: WorkQueueMetrics
  // FIFO of ready keys; items[head..] are live, the prefix is compacted lazily.
  #items: string[] = []
  #head = 0
  #dirty = new Set<string>()
  #processing = new Map<string, number>() // key -> time get() handed it out
  #addedAt = new Map<string, number>() // key -> time it entered the queue
  #waiting = new Map<string, { at: number; cancel: () => void }>()
  #getters: ((key: string | undefined) => void)[] = []
  #drained: (() => void)[] = []
  #shuttingDown = false

  constructor({ name = '', clock = realClock, rateLimiter, metrics = {} }: WorkQueueOptions = {}) {
    this.name = name
    this.#clock = clock
    this.#rateLimiter = rateLimiter ?? defaultControllerRateLimiter(clock)
    this.#metrics = metrics
  }

  /** Queues the key unless it is already queued; a key being processed is queued on done(). */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return
    this.#dirty.add(key)
    this.#metrics.added?.(key)
    if (this.#processing.has(key)) return
    this.#push(key)
    this.#dispatch()
  }

  /**
   * Resolves with the next key, which the caller must pass to done(); waits
   * while the queue is empty. Resolves undefined once the queue is shut down
   * and empty: the worker should exit.
   */
  get(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.#getters.push(resolve)
      this.#dispatch()
    })
  }

  /** Ends processing of the key; if it was added meanwhile, queues it again. */
  done(key: string): void {
    const started = this.#processing.get(key)
    if (started === undefined) return
    this.#processing.delete(key)
    this.#metrics.workDuration?.(this.#clock.now() - started)
    if (this.#dirty.has(key)) {
      this.#push(key)
      this.#dispatch()
    }
    if (this.#processing.size === 0) this.#resolveDrained()
  }

  /** Adds the key after ms; if it is already parked, the earlier time wins. ms <= 0 adds now. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return
    if (!(ms > 0)) {
      this.add(key)
      return
    }
    const at = this.#clock.now() + ms
    const parked = this.#waiting.get(key)
    if (parked) {
      if (parked.at <= at) return
      parked.cancel()
    }
    const cancel = this.#clock.setTimeout(() => {
      this.#waiting.delete(key)
      this.add(key)
    }, ms)
    this.#waiting.set(key, { at, cancel })
  }

  /** Adds the key after the rate limiter's delay; call after a failed attempt. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return
    this.#metrics.retried?.(key)
    this.addAfter(key, this.#rateLimiter.when(key))
  }

  /** Clears the key's retry history; call after a successful attempt. Does not dequeue it. */
  forget(key: string): void {
    this.#rateLimiter.forget(key)
  }

  /** Failed attempts counted for the key since it was last forgotten. */
  numRequeues(key: string): number {
    return this.#rateLimiter.retries(key)
  }

  /** Keys ready to be handed out (not those parked by addAfter or being processed). For information only. */
  len(): number {
    return this.#items.length - this.#head
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown
  }

  /**
   * Stops accepting keys and drops parked ones. Workers get the keys already
   * queued, then undefined. Calling it after shutDownWithDrain() stops the wait.
   */
  shutDown(): void {
    this.#shutDown()
    this.#resolveDrained()
  }

  /**
   * As shutDown(), then resolves once no key is being processed, so in-flight
   * reconciles finish. Workers must call done() for every key they got.
   */
  shutDownWithDrain(): Promise<void> {
    this.#shutDown()
    if (this.#processing.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }

  #shutDown(): void {
    this.#shuttingDown = true
    for (const { cancel } of this.#waiting.values()) cancel()
    this.#waiting.clear()
    this.#dispatch()
  }

  #resolveDrained(): void {
    for (const resolve of this.#drained.splice(0)) resolve()
  }

  #push(key: string): void {
    this.#items.push(key)
    this.#addedAt.set(key, this.#clock.now())
    this.#metrics.depth?.(this.len())
  }

  // Hands ready keys straight to waiting getters, so a key is marked
  // processing in the same turn it leaves the queue: no second get() can
  // slip in between.
  #dispatch(): void {
    while (this.#getters.length > 0 && this.len() > 0) {
      const key = this.#items[this.#head++]
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head)
        this.#head = 0
      }
      const now = this.#clock.now()
      this.#metrics.depth?.(this.len())
      this.#metrics.queueLatency?.(now - (this.#addedAt.get(key) ?? now))
      this.#addedAt.delete(key)
      this.#dirty.delete(key)
      this.#processing.set(key, now)
      this.#getters.shift()!(key)
    }
    if (this.#shuttingDown && this.len() === 0) {
      for (const resolve of this.#getters.splice(0)) resolve(undefined)
    }
  }
}

/** What a reconcile may ask for besides success: come back after a delay. */
export type ProcessResult = void | { requeueAfter: number }

/** The part of a pino Logger that runWorkers uses. */
export interface WorkerLog {
  error(fields: object, msg: string): void
}

/**
 * Runs n workers until the queue shuts down: get a key, process it, then on
 * success forget its backoff (and park it for requeueAfter when asked), on a
 * throw addRateLimited; always done. Resolves when every worker has exited.
 */
export async function runWorkers(
  queue: WorkQueue,
  n: number,
  process: (key: string) => Promise<ProcessResult>,
  log?: WorkerLog,
): Promise<void> {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be an integer >= 1; got ${n}`)
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get()
      if (key === undefined) return
      try {
        const result = await process(key)
        queue.forget(key)
        if (result && result.requeueAfter >= 0) queue.addAfter(key, result.requeueAfter)
      } catch (err) {
        log?.error({ queue: queue.name, key, retries: queue.numRequeues(key), err }, 'processing failed; retrying with backoff')
        queue.addRateLimited(key)
      } finally {
        queue.done(key)
      }
    }
  }
  await Promise.all(Array.from({ length: n }, worker))
}
