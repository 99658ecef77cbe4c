// A periodic task on an injected Clock, as wait.JitterUntil with sliding=true:
// run, then wait period * (1 + jitter * random) after the run ends, so a slow
// apiserver never gets two runs of one task at once. Sleeps inside the task
// (backoff) go through the same loop so stop() cuts them short.
import type { CancelTimer, Clock } from '../../shared/clock.ts'

export class StoppedError extends Error {
  constructor() {
    super('stopped')
    this.name = 'StoppedError'
  }
}

export interface LoopOptions {
  clock: Clock
  periodMs: number
  /** upstream's JitterFactor. @default 0.04 */
  jitter?: number
  /** @default 0: run at once */
  initialDelayMs?: number
  random?: () => number
  run(): Promise<void>
  /** Called with whatever run() threw (StoppedError excepted). */
  onError(err: unknown): void
}

export class Loop {
  readonly #o: LoopOptions
  #stopped = true
  #timer: CancelTimer | undefined
  #running: Promise<void> | undefined
  readonly #sleeps = new Set<{ cancel: CancelTimer; reject: (err: Error) => void }>()

  constructor(options: LoopOptions) {
    this.#o = options
  }

  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#schedule(this.#o.initialDelayMs ?? 0)
  }

  /** Cancels the next tick and any sleep; waits for a run in flight to end. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#timer?.()
    this.#timer = undefined
    for (const s of this.#sleeps) {
      s.cancel()
      s.reject(new StoppedError())
    }
    this.#sleeps.clear()
    await this.#running
  }

  /** A sleep on the loop's clock that rejects with StoppedError on stop(). */
  sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.reject(new StoppedError())
    return new Promise((resolve, reject) => {
      const entry = {
        reject,
        cancel: this.#o.clock.setTimeout(() => {
          this.#sleeps.delete(entry)
          resolve()
        }, ms),
      }
      this.#sleeps.add(entry)
    })
  }

  #schedule(ms: number): void {
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined
      this.#running = this.#tick()
    }, ms)
  }

  async #tick(): Promise<void> {
    try {
      await this.#o.run()
    } catch (err) {
      if (!(err instanceof StoppedError)) this.#o.onError(err)
    }
    this.#running = undefined
    if (this.#stopped) return
    const random = this.#o.random ?? Math.random
    this.#schedule(this.#o.periodMs * (1 + (this.#o.jitter ?? 0.04) * random()))
  }
}
