// An informer keeps a local, indexed copy of one resource and tells handlers
// how it changes. Contract (as client-go's shared_informer.go):
// - Eventually consistent: the cache trails the apiserver, and after a
//   disconnect it catches up by resuming the watch or, when the server's
//   history no longer reaches back that far (410 Expired), by listing again.
// - Ordered per object: handlers see one object's changes in the order the
//   apiserver made them; a re-list is delivered as the difference against the
//   cache (adds, updates, deletes), so nothing is seen twice or skipped.
// - Handlers run synchronously on the informer's loop: return fast and hand
//   work to a queue. They must not mutate the objects they are given; the
//   cache shares them.
// - An object is stored only when its resourceVersion is newer than the
//   cached one, so a late or replayed event never moves the cache backwards.
import type { KubeList, KubeObject, WatchEvent } from '../api-types.ts'
import { isExpired, type ListOptions, type WatchOptions, type WatchStream } from '../client/index.ts'
import { realClock, type CancelTimer, type Clock } from '../clock.ts'
import { createLogger, type Logger } from '../logger.ts'
import { Backoff, type BackoffOptions } from './backoff.ts'
import { builtinIndexers, Indexer, keyOf, type IndexFunc } from './indexer.ts'

/** What an informer needs of a ResourceClient; tests pass a fake. */
export interface ListerWatcher<T extends KubeObject> {
  list(options: ListOptions): Promise<KubeList<T>>
  watch(options: WatchOptions): Promise<WatchStream<T>>
}

export interface EventHandler<T extends KubeObject> {
  onAdd?(obj: T): void
  onUpdate?(oldObj: T, newObj: T): void
  /** Gets the last state seen: the DELETED event's object, or the cached one when a re-list found it gone. */
  onDelete?(obj: T): void
}

export interface InformerOptions<T extends KubeObject> {
  labelSelector?: string
  fieldSelector?: string
  /** Extra named indexes besides `namespace`, `nodeName`, `ownerUid` and `label:<key>`. */
  indexers?: Record<string, IndexFunc<T>>
  /** Re-deliver onUpdate(obj, obj) for every cached object this often; 0 turns it off. @default 0 */
  resyncPeriodMs?: number
  /** Items per list page. @default 500 */
  pageSize?: number
  /** Reconnect backoff. @default { initialMs: 100, maxMs: 30_000 } */
  backoff?: BackoffOptions
  clock?: Clock
  /** Returns [0, 1); picks watch timeouts and backoff jitter. @default Math.random */
  random?: () => number
  logger?: Logger
}

let defaultLogger: Logger | undefined

export class Informer<T extends KubeObject = KubeObject> {
  readonly #source: ListerWatcher<T>
  readonly #options: InformerOptions<T>
  readonly #clock: Clock
  readonly #random: () => number
  readonly #log: Logger
  readonly #backoff: Backoff
  readonly #indexer: Indexer<T>
  readonly #handlers = new Set<EventHandler<T>>()
  readonly #abort = new AbortController()
  #started = false
  #synced = false
  #resolveSynced!: () => void
  readonly #syncedPromise = new Promise<void>((resolve) => (this.#resolveSynced = resolve))
  #resourceVersion = ''
  #needList = true
  #loop: Promise<void> | undefined
  #cancelResync: CancelTimer | undefined
  #wake: (() => void) | undefined

  constructor(source: ListerWatcher<T>, options: InformerOptions<T> = {}) {
    this.#source = source
    this.#options = options
    this.#clock = options.clock ?? realClock
    this.#random = options.random ?? Math.random
    this.#log = options.logger ?? (defaultLogger ??= createLogger('informer', 'warn'))
    this.#backoff = new Backoff({ random: this.#random, ...options.backoff })
    this.#indexer = new Indexer<T>({ ...(builtinIndexers as Record<string, IndexFunc<T>>), ...options.indexers })
    if ((options.resyncPeriodMs ?? 0) < 0) throw new RangeError(`resyncPeriodMs must be >= 0; got ${options.resyncPeriodMs}`)
  }

  /**
   * Registers handlers. Added after objects are cached, it first gets onAdd
   * for each of them, so every handler sees the whole set. Returns a function
   * that removes it.
   */
  addEventHandler(handler: EventHandler<T>): () => void {
    this.#handlers.add(handler)
    for (const obj of this.#indexer.list()) this.#call('onAdd', () => handler.onAdd?.(obj))
    return () => this.#handlers.delete(handler)
  }

  /** Adds a named index; files objects already cached. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.#indexer.addIndexer(name, fn)
  }

  /** Starts listing and watching; calling it again does nothing. */
  start(): void {
    if (this.#started || this.#abort.signal.aborted) return
    this.#started = true
    this.#loop = this.#run()
    this.#scheduleResync()
  }

  /** Ends the watch and timers; resolves when the loop has exited. The cache stays readable. */
  async stop(): Promise<void> {
    this.#abort.abort()
    this.#cancelResync?.()
    this.#wake?.()
    await this.#loop
  }

  /** True once the first list has been delivered to the cache and handlers. */
  hasSynced(): boolean {
    return this.#synced
  }

  /** Resolves once hasSynced(); never rejects. */
  whenSynced(): Promise<void> {
    return this.#syncedPromise
  }

  /** The resourceVersion the cache is current to ('' before the first list). */
  lastSyncResourceVersion(): string {
    return this.#resourceVersion
  }

  /** By `namespace/name` (or `name` when cluster-scoped). */
  get(key: string): T | undefined {
    return this.#indexer.get(key)
  }

  list(): T[] {
    return this.#indexer.list()
  }

  /** See Indexer.byIndex: built-ins `namespace`, `nodeName`, `ownerUid`, and `label:<key>`. */
  byIndex(name: string, value: string): T[] {
    return this.#indexer.byIndex(name, value)
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal
    while (!signal.aborted) {
      let delayMs = 0
      try {
        if (this.#needList) {
          await this.#listAndReplace(signal)
          this.#backoff.reset()
        }
        if (signal.aborted) break
        const sawEvents = await this.#watch(signal)
        // A stream that ends after delivering events (timeoutSeconds, a
        // restarting server) resumes at once; one that ends empty-handed
        // backs off, so a server that keeps closing watches is not hammered.
        if (sawEvents) this.#backoff.reset()
        else delayMs = this.#backoff.next()
      } catch (err) {
        if (signal.aborted) break
        delayMs = this.#backoff.next()
        if (isExpired(err)) {
          // The server's history no longer reaches our resourceVersion (from a
          // watch ERROR event, a watch request or a list page): start over.
          this.#needList = true
          this.#log.info({ resourceVersion: this.#resourceVersion, delayMs }, 'resourceVersion expired, listing again')
        } else {
          this.#log.warn({ err: String(err), resourceVersion: this.#resourceVersion, delayMs }, 'list or watch failed, retrying')
        }
      }
      if (delayMs > 0 && !signal.aborted) await this.#sleep(delayMs)
    }
  }

  async #listAndReplace(signal: AbortSignal): Promise<void> {
    const list = await this.#source.list({
      labelSelector: this.#options.labelSelector, fieldSelector: this.#options.fieldSelector,
      limit: this.#options.pageSize ?? 500, allPages: true, signal,
    })
    if (signal.aborted) return
    this.#replace(list.items)
    this.#resourceVersion = list.metadata.resourceVersion ?? ''
    this.#needList = false
    if (!this.#synced) {
      this.#synced = true
      this.#resolveSynced()
    }
  }

  /** Delivers a full list as its difference against the cache. */
  #replace(items: T[]): void {
    const seen = new Set<string>()
    for (const obj of items) {
      seen.add(keyOf(obj))
      this.#upsert(obj)
    }
    for (const key of this.#indexer.keys()) {
      if (seen.has(key)) continue
      const old = this.#indexer.delete(key)!
      this.#emit('onDelete', (h) => h.onDelete?.(old))
    }
  }

  /** Resolves true if the stream delivered anything before it ended. */
  async #watch(signal: AbortSignal): Promise<boolean> {
    const stream = await this.#source.watch({
      resourceVersion: this.#resourceVersion, labelSelector: this.#options.labelSelector, fieldSelector: this.#options.fieldSelector,
      allowWatchBookmarks: true, timeoutSeconds: Math.floor(300 * (1 + this.#random())), signal, errors: 'throw',
    })
    let sawEvents = false
    try {
      for await (const event of stream) {
        if (signal.aborted) break
        sawEvents = true
        this.#apply(event)
      }
    } finally {
      stream.close()
    }
    return sawEvents
  }

  #apply(event: WatchEvent<T>): void {
    const obj = event.object
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.#upsert(obj)
        break
      case 'DELETED': {
        const old = this.#indexer.get(keyOf(obj))
        // Not cached (already gone, or never matched the selector): nothing to tell.
        if (!old || isOlder(obj, old)) break
        this.#indexer.delete(keyOf(obj))
        this.#emit('onDelete', (h) => h.onDelete?.(obj))
        break
      }
      case 'BOOKMARK':
        break
      default:
        this.#log.warn({ type: event.type }, 'unexpected watch event type')
        return
    }
    const rv = obj?.metadata?.resourceVersion
    if (rv) this.#resourceVersion = rv
  }

  #upsert(obj: T): void {
    const old = this.#indexer.get(keyOf(obj))
    if (old && !isOlder(old, obj)) return
    this.#indexer.set(obj)
    if (old) this.#emit('onUpdate', (h) => h.onUpdate?.(old, obj))
    else this.#emit('onAdd', (h) => h.onAdd?.(obj))
  }

  #scheduleResync(): void {
    const period = this.#options.resyncPeriodMs ?? 0
    if (period <= 0 || this.#abort.signal.aborted) return
    this.#cancelResync = this.#clock.setTimeout(() => {
      if (this.#synced) for (const obj of this.#indexer.list()) this.#emit('onUpdate', (h) => h.onUpdate?.(obj, obj))
      this.#scheduleResync()
    }, period)
  }

  #emit(what: keyof EventHandler<T>, call: (h: EventHandler<T>) => void): void {
    for (const handler of this.#handlers) this.#call(what, () => call(handler))
  }

  #call(what: string, call: () => void): void {
    try {
      call()
    } catch (err) {
      // One broken handler must not stop the cache or the other handlers.
      this.#log.error({ handler: what, err: String(err) }, 'event handler threw')
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#clock.setTimeout(() => {
        this.#wake = undefined
        resolve()
      }, ms)
      this.#wake = () => {
        cancel()
        resolve()
      }
    })
  }
}

/** Whether `a` is older than `b` by resourceVersion; versions that are not integers count as newer. */
function isOlder(a: KubeObject, b: KubeObject): boolean {
  const ra = parseRv(a.metadata.resourceVersion)
  const rb = parseRv(b.metadata.resourceVersion)
  if (ra === undefined || rb === undefined) return a.metadata.resourceVersion !== b.metadata.resourceVersion
  return ra < rb
}

function parseRv(rv: string | undefined): bigint | undefined {
  if (!rv || !/^\d+$/.test(rv)) return undefined
  return BigInt(rv)
}
