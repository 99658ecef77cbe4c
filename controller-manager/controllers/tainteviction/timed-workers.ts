// One timer per key (upstream's TimedWorkerQueue): work added for a key runs
// once at its fire time unless cancelled first. Adding work for a key that
// already has some does nothing: the caller cancels first when it means to
// move the time. Work that succeeded leaves its key marked done, so the same
// pod is not deleted again on every later node update, until cancelWork
// clears the key; work that failed clears it so it can be added again.
import type { CancelTimer, Clock } from '../../../shared/clock.ts'

export interface TimedWork {
  /** When the wait began (the taint's timeAdded). */
  createdAt: number
  fireAt: number
}

export class TimedWorkerQueue {
  readonly #clock: Clock
  readonly #run: (key: string, work: TimedWork) => Promise<void>
  readonly #workers = new Map<string, TimedWork & { cancel: CancelTimer }>()
  readonly #done = new Set<string>()

  constructor(clock: Clock, run: (key: string, work: TimedWork) => Promise<void>) {
    this.#clock = clock
    this.#run = run
  }

  /** Schedules `run(key)` at fireAt (at once when it has passed). */
  addWork(key: string, createdAt: number, fireAt: number): void {
    if (this.#workers.has(key) || this.#done.has(key)) return
    const work = { createdAt, fireAt }
    const cancel = this.#clock.setTimeout(() => {
      void this.#run(key, work).then(
        () => {
          if (this.#workers.get(key)?.cancel !== cancel) return
          this.#workers.delete(key)
          this.#done.add(key)
        },
        () => {
          if (this.#workers.get(key)?.cancel === cancel) this.#workers.delete(key)
        },
      )
    }, fireAt - this.#clock.now())
    this.#workers.set(key, { ...work, cancel })
  }

  /** Cancels pending work and forgets done work; true when work was pending. */
  cancelWork(key: string): boolean {
    this.#done.delete(key)
    const worker = this.#workers.get(key)
    if (!worker) return false
    worker.cancel()
    this.#workers.delete(key)
    return true
  }

  /** Whether the key's work ran and succeeded (and was not cancelled since). */
  isDone(key: string): boolean {
    return this.#done.has(key)
  }

  get(key: string): TimedWork | undefined {
    const w = this.#workers.get(key)
    return w ? { createdAt: w.createdAt, fireAt: w.fireAt } : undefined
  }

  get size(): number {
    return this.#workers.size
  }

  cancelAll(): void {
    for (const key of [...this.#workers.keys()]) this.cancelWork(key)
    this.#done.clear()
  }
}
