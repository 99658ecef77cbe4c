// Fan-out of committed events to watchers. Watchers are indexed by the
// "directory" of their prefix (up to and including its last '/'), so an event
// only visits the buckets of its own key's directories ('', '/', '/registry/',
// '/registry/pods/', '/registry/pods/ns/') rather than every watcher. The same
// event object goes to every watcher: delivery allocates nothing per watcher.
import type { StoreEvent, Watch } from './store.ts'

type OnEvent = (event: StoreEvent) => void

class Watcher implements Watch {
  readonly prefix: string
  readonly dir: string
  private readonly onEvent: OnEvent
  private readonly hub: WatchHub
  /** Events at or below this were already in the watcher's starting state. */
  private readonly after: number
  /**
   * While replay is pending, live events wait here so they reach the
   * watcher after the replayed ones, never before.
   */
  private backlog: StoreEvent[] | undefined
  private stopped = false

  constructor(hub: WatchHub, prefix: string, after: number, onEvent: OnEvent, replaying: boolean) {
    this.hub = hub
    this.prefix = prefix
    this.dir = prefix.slice(0, prefix.lastIndexOf('/') + 1)
    this.after = after
    this.onEvent = onEvent
    this.backlog = replaying ? [] : undefined
  }

  deliver(event: StoreEvent): void {
    if (this.stopped || event.revision <= this.after) return
    if (this.backlog !== undefined) {
      this.backlog.push(event)
      return
    }
    this.call(event)
  }

  /** Delivers history, then whatever arrived live meanwhile, then goes live. */
  replay(events: readonly StoreEvent[]): void {
    for (const event of events) {
      if (this.stopped) return
      this.call(event)
    }
    const backlog = this.backlog ?? []
    for (let i = 0; i < backlog.length && !this.stopped; i++) this.call(backlog[i])
    this.backlog = undefined
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.backlog = undefined
    this.hub.remove(this)
  }

  private call(event: StoreEvent): void {
    try {
      this.onEvent(event)
    } catch (err) {
      // onEvent runs inside the commit path: it must not take the writers
      // down. Its consumer has now missed an event, so keeping it would
      // hide a gap; stop it instead and say so.
      this.stop()
      process.emitWarning(`watch on ${this.prefix} stopped: its event handler threw: ${String(err)}`, 'WatchHandlerError')
    }
  }
}

export class WatchHub {
  private readonly byDir = new Map<string, Set<Watcher>>()
  private count = 0

  get size(): number {
    return this.count
  }

  /**
   * Registers a watcher for events under `prefix` with revision > `after`.
   * `replay` (history it has yet to see) is delivered in a microtask, so the
   * caller holds the Watch before its handler first runs.
   */
  add(prefix: string, after: number, onEvent: OnEvent, replay: readonly StoreEvent[]): Watch {
    const watcher = new Watcher(this, prefix, after, onEvent, replay.length > 0)
    let bucket = this.byDir.get(watcher.dir)
    if (bucket === undefined) this.byDir.set(watcher.dir, (bucket = new Set()))
    bucket.add(watcher)
    this.count++
    if (replay.length > 0) queueMicrotask(() => watcher.replay(replay))
    return watcher
  }

  remove(watcher: Watcher): void {
    const bucket = this.byDir.get(watcher.dir)
    if (bucket === undefined || !bucket.delete(watcher)) return
    this.count--
    if (bucket.size === 0) this.byDir.delete(watcher.dir)
  }

  dispatch(event: StoreEvent): void {
    if (this.count === 0) return
    const key = event.key
    const root = this.byDir.get('')
    if (root !== undefined) deliverTo(root, event, 0)
    for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) {
      const bucket = this.byDir.get(key.slice(0, slash + 1))
      if (bucket !== undefined) deliverTo(bucket, event, slash + 1)
    }
  }

  stopAll(): void {
    for (const bucket of [...this.byDir.values()]) for (const watcher of [...bucket]) watcher.stop()
  }
}

/** A watcher whose prefix is the bucket's directory matches every key that reached the bucket. */
function deliverTo(bucket: Set<Watcher>, event: StoreEvent, dirLength: number): void {
  for (const watcher of bucket) {
    if (watcher.prefix.length === dirLength || event.key.startsWith(watcher.prefix)) watcher.deliver(event)
  }
}
