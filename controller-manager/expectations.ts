// Expectations (upstream's ControllerExpectations): after a controller asks
// for n creations or deletions, it must not act on the same object again
// until its informer has seen them, or it would count the same missing pods
// twice and create one too many. Expectations expire after 5 minutes, as
// upstream's, so a lost watch event cannot wedge a controller forever.
import { realClock, type Clock } from '../shared/clock.ts'

const expectationsTimeoutMs = 5 * 60_000

interface Entry {
  add: number
  del: number
  at: number
}

export class Expectations {
  readonly #entries = new Map<string, Entry>()
  readonly #clock: Clock

  constructor(clock: Clock = realClock) {
    this.#clock = clock
  }

  /** Whether the controller may act on key: nothing outstanding, or it timed out. */
  satisfied(key: string): boolean {
    const e = this.#entries.get(key)
    if (!e) return true
    return (e.add <= 0 && e.del <= 0) || this.#clock.now() - e.at > expectationsTimeoutMs
  }

  expect(key: string, add: number, del: number): void {
    this.#entries.set(key, { add, del, at: this.#clock.now() })
  }

  expectCreations(key: string, n: number): void {
    this.expect(key, n, 0)
  }

  expectDeletions(key: string, n: number): void {
    this.expect(key, 0, n)
  }

  /** The informer saw one of the expected creations (or a creation failed and will not be seen). */
  creationObserved(key: string): void {
    const e = this.#entries.get(key)
    if (e) e.add--
  }

  deletionObserved(key: string): void {
    const e = this.#entries.get(key)
    if (e) e.del--
  }

  /** The object is gone: forget what was expected of it. */
  delete(key: string): void {
    this.#entries.delete(key)
  }
}
