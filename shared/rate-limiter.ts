// Retry policy for work-queue keys, as client-go's default_rate_limiters.go:
// per-key exponential backoff so one failing object backs off alone, plus an
// overall token bucket so a burst of failures cannot flood the apiserver.
import { realClock, type Clock } from './clock.ts'

/**
 * Decides how long a key waits before its next retry.
 * `when` counts a failure (it is called once per retry, never to peek);
 * `forget` clears the key's history after a success; `retries` is how many
 * failures are currently counted for the key.
 */
export interface RateLimiter {
  /** Milliseconds the key should wait before it is processed again. */
  when(key: string): number
  /** Stops tracking the key: its next failure starts from the base delay. */
  forget(key: string): void
  /** Failures counted for the key since it was last forgotten. */
  retries(key: string): number
}

export interface ExponentialBackoffOptions {
  /** Delay after the first failure; doubles with each further one. @default 5 */
  baseMs?: number
  /** Upper bound on the delay. @default 1_000_000 (1000 s) */
  maxMs?: number
}

/** baseMs · 2^failures, capped at maxMs; per key. */
export class ExponentialBackoffRateLimiter implements RateLimiter {
  readonly baseMs: number
  readonly maxMs: number
  #failures = new Map<string, number>()

  constructor({ baseMs = 5, maxMs = 1_000_000 }: ExponentialBackoffOptions = {}) {
    if (!(baseMs >= 0)) throw new RangeError(`baseMs must be >= 0; got ${baseMs}`)
    if (!(maxMs >= 0)) throw new RangeError(`maxMs must be >= 0; got ${maxMs}`)
    this.baseMs = baseMs
    this.maxMs = maxMs
  }

  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0
    this.#failures.set(key, failures + 1)
    // 2 ** n overflows to Infinity for large n; min() then gives maxMs.
    return Math.min(this.baseMs * 2 ** failures, this.maxMs)
  }

  forget(key: string): void {
    this.#failures.delete(key)
  }

  retries(key: string): number {
    return this.#failures.get(key) ?? 0
  }
}

export interface TokenBucketOptions {
  /** Tokens added per second. @default 10 */
  qps?: number
  /** Bucket size: how many calls pass without waiting after a quiet spell. @default 100 */
  burst?: number
  /** @default realClock */
  clock?: Clock
}

/**
 * An overall limit shared by all keys. Each `when` reserves a token; when the
 * bucket is empty it reserves one from the future and returns the wait, so a
 * burst of N calls is spread out at qps rather than all told "now".
 */
export class TokenBucketRateLimiter implements RateLimiter {
  readonly qps: number
  readonly burst: number
  #clock: Clock
  #tokens: number
  #last: number

  constructor({ qps = 10, burst = 100, clock = realClock }: TokenBucketOptions = {}) {
    if (!(qps > 0)) throw new RangeError(`qps must be > 0; got ${qps}`)
    if (!(burst >= 1)) throw new RangeError(`burst must be >= 1; got ${burst}`)
    this.qps = qps
    this.burst = burst
    this.#clock = clock
    this.#tokens = burst
    this.#last = clock.now()
  }

  when(_key: string): number {
    const now = this.#clock.now()
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps)
    this.#last = now
    this.#tokens -= 1
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.qps) * 1000
  }

  // The bucket is global: a key's success does not give tokens back.
  forget(_key: string): void {}

  retries(_key: string): number {
    return 0
  }
}

/** The slowest of several limiters wins; forget and retries reach all of them. */
export class MaxOfRateLimiter implements RateLimiter {
  readonly limiters: readonly RateLimiter[]

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new RangeError('MaxOfRateLimiter needs at least one limiter')
    this.limiters = limiters
  }

  when(key: string): number {
    // Every limiter must count the failure, so no short-circuit.
    let ms = 0
    for (const l of this.limiters) ms = Math.max(ms, l.when(key))
    return ms
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key)
  }

  retries(key: string): number {
    let n = 0
    for (const l of this.limiters) n = Math.max(n, l.retries(key))
    return n
  }
}

/**
 * Upstream's DefaultControllerRateLimiter: per-key backoff from 5 ms to 1000 s,
 * and 10 qps with a burst of 100 across all keys.
 */
export function defaultControllerRateLimiter(clock: Clock = realClock): RateLimiter {
  return new MaxOfRateLimiter(new ExponentialBackoffRateLimiter(), new TokenBucketRateLimiter({ qps: 10, burst: 100, clock }))
}
