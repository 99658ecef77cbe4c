// Jittered exponential backoff for reconnecting: each failure doubles the
// delay up to a cap, and a random factor spreads clients that lost the same
// apiserver so they do not all come back in the same instant.

export interface BackoffOptions {
  /** Delay after the first failure. @default 100 */
  initialMs?: number
  /** Cap on one delay. @default 30_000 */
  maxMs?: number
  /** Returns [0, 1); a test passes a fixed one. @default Math.random */
  random?: () => number
}

export class Backoff {
  readonly #initialMs: number
  readonly #maxMs: number
  readonly #random: () => number
  #failures = 0

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 100
    this.#maxMs = options.maxMs ?? 30_000
    this.#random = options.random ?? Math.random
    if (!(this.#initialMs > 0)) throw new RangeError(`initialMs must be > 0; got ${this.#initialMs}`)
    if (!(this.#maxMs >= this.#initialMs)) throw new RangeError(`maxMs must be >= initialMs; got ${this.#maxMs}`)
  }

  /** The delay before the next try: between half and all of min(initial * 2^failures, max). */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#failures, 30))
    this.#failures++
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2)
  }

  /** After a success: the next failure waits initialMs again. */
  reset(): void {
    this.#failures = 0
  }
}
