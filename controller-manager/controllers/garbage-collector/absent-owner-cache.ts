// Owners the collector has confirmed do not exist (upstream's absentOwnerCache,
// an LRU of 500). A uid is never reused, so an owner found absent stays
// absent: later dependents naming it need no GET. Keyed by full coordinates,
// because a reference with a wrong kind or namespace may name a uid that does
// exist under other coordinates.
import { identityKey, type ObjectIdentity } from './graph.ts'

export class AbsentOwnerCache {
  readonly #max: number
  readonly #keys = new Set<string>()

  /** @param max entries kept; the least recently used go first. @default 500 */
  constructor(max = 500) {
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`max must be a positive integer; got ${max}`)
    this.#max = max
  }

  add(identity: ObjectIdentity): void {
    const key = identityKey(identity)
    this.#keys.delete(key)
    this.#keys.add(key)
    if (this.#keys.size > this.#max) this.#keys.delete(this.#keys.values().next().value!)
  }

  has(identity: ObjectIdentity): boolean {
    const key = identityKey(identity)
    if (!this.#keys.has(key)) return false
    // Refresh its place: a set keeps insertion order, so re-adding moves it last.
    this.#keys.delete(key)
    this.#keys.add(key)
    return true
  }

  get size(): number {
    return this.#keys.size
  }
}
