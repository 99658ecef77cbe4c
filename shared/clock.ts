// Time as a parameter. Queues, leases and the sim runtime take a Clock so that
// tests drive time with FakeClock.advance() instead of sleeping.

/** Cancels a timer; calling it after the timer fired, or twice, does nothing. */
export type CancelTimer = () => void

export interface Clock {
  /** Milliseconds since the epoch (wall clock, as Date.now()). */
  now(): number
  /** Runs fn once, ms milliseconds from now (ms <= 0: on the next turn / advance). */
  setTimeout(fn: () => void, ms: number): CancelTimer
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    // Not unref'd: a parked key is pending work. WorkQueue.shutDown() cancels
    // its timers, so they do not hold a finished process open.
    const t = globalThis.setTimeout(fn, Math.max(0, ms))
    return () => globalThis.clearTimeout(t)
  },
}

interface FakeTimer { at: number; seq: number; fn: () => void }

/**
 * A Clock for tests: time moves only in advance(). Timers fire in order of
 * due time, then of creation; a timer set by a firing timer fires in the same
 * advance() if it falls due within it.
 */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #timers: FakeTimer[] = []

  constructor(start = 0) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): CancelTimer {
    const timer: FakeTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn }
    this.#timers.push(timer)
    return () => {
      const i = this.#timers.indexOf(timer)
      if (i >= 0) this.#timers.splice(i, 1)
    }
  }

  /** Timers not yet fired or cancelled. */
  pending(): number {
    return this.#timers.length
  }

  /**
   * Moves time forward by ms, firing each timer that falls due at its own
   * time. Between timers it yields to the event loop so that promise
   * continuations (a worker woken by a timer) run before the next one fires.
   */
  async advance(ms: number): Promise<void> {
    if (ms < 0) throw new RangeError(`ms must be >= 0; got ${ms}`)
    const end = this.#now + ms
    for (;;) {
      await flushMicrotasks()
      const next = this.#nextDue(end)
      if (!next) break
      this.#timers.splice(this.#timers.indexOf(next), 1)
      this.#now = next.at
      next.fn()
    }
    this.#now = end
    await flushMicrotasks()
  }

  #nextDue(end: number): FakeTimer | undefined {
    let best: FakeTimer | undefined
    for (const t of this.#timers) {
      if (t.at > end) continue
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t
    }
    return best
  }
}

/** Lets pending promise continuations run; a macrotask boundary, not a sleep. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Waits ms on clock; resolves early (never rejects) when signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      cancel()
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const cancel = clock.setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
