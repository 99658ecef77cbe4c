// The window of recent committed events that lets a watch resume from a
// resourceVersion instead of re-listing. Bounded by count (memory) and by age
// (like etcd compaction, so clients exercise their re-list path on a quiet
// cluster too). A ring buffer: appends and evictions are O(1), and finding
// where a watch resumes is a binary search, since revisions only grow.
import type { StoreEvent } from './store.ts'

export interface EventHistoryOptions {
  /** Most events kept. 0 keeps none: every watch must start from now. */
  capacity: number
  /** Events older than this are dropped. */
  maxAgeMs: number
  /** The revision the store opened at: nothing before it can be replayed. */
  startRevision: number
  now: () => number
}

export class EventHistory {
  private readonly events: (StoreEvent | undefined)[]
  private readonly times: number[]
  private head = 0
  private length = 0
  private readonly maxAgeMs: number
  private readonly now: () => number
  /** Events after this revision are all still held (or yet to come). */
  private oldest: number

  constructor(options: EventHistoryOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 0) throw new RangeError(`history capacity must be a non-negative integer, got ${options.capacity}`)
    this.events = new Array<StoreEvent | undefined>(options.capacity).fill(undefined)
    this.times = new Array<number>(options.capacity).fill(0)
    this.maxAgeMs = options.maxAgeMs
    this.now = options.now
    this.oldest = options.startRevision
  }

  /** The oldest revision a watch may resume from. */
  get oldestWatchableRevision(): number {
    this.evictAged()
    return this.oldest
  }

  /** Appends a committed event; events must arrive in revision order. */
  append(event: StoreEvent): void {
    const capacity = this.events.length
    if (capacity === 0) {
      this.oldest = event.revision
      return
    }
    if (this.length === capacity) this.evictOne()
    const slot = (this.head + this.length) % capacity
    this.events[slot] = event
    this.times[slot] = this.now()
    this.length++
    this.evictAged()
  }

  /** Held events with revision > `revision` whose key starts with `prefix`, in order. */
  eventsAfter(revision: number, prefix: string): StoreEvent[] {
    this.evictAged()
    const out: StoreEvent[] = []
    for (let i = this.firstAfter(revision); i < this.length; i++) {
      const event = this.at(i)
      if (event.key.startsWith(prefix)) out.push(event)
    }
    return out
  }

  /** The logical index of the first held event with revision > `revision`. */
  private firstAfter(revision: number): number {
    let lo = 0
    let hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.at(mid).revision > revision) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  private at(i: number): StoreEvent {
    return this.events[(this.head + i) % this.events.length]!
  }

  private evictAged(): void {
    if (this.length === 0) return
    const cutoff = this.now() - this.maxAgeMs
    while (this.length > 0 && this.times[this.head] < cutoff) this.evictOne()
  }

  private evictOne(): void {
    this.oldest = this.events[this.head]!.revision
    this.events[this.head] = undefined
    this.head = (this.head + 1) % this.events.length
    this.length--
  }
}
