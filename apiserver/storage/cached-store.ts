// The Store: every object in memory, one global revision, watch history and
// fan-out, over an optional durable backend (none = memory mode).
//
// A write runs synchronously at call time: checks, next revision, the new
// object serialized once, the in-memory state moved. Only then does it queue
// for the backend; its promise resolves, and watchers hear of it, once the
// batch holding it is synced. Reads therefore see writes still in flight;
// `revision` counts them, `committedRevision` does not.
//
// A failed sync is fatal: the writes not yet durable are rolled back out of
// memory (newest first), rejected, and every later write is refused with
// Unavailable. Reads keep working on the last durable state.
import type { KubeObject } from '../../shared/api-types.ts'
import type { DurableBackend } from './durable-backend.ts'
import { EventHistory } from './event-history.ts'
import { GroupCommit } from './group-commit.ts'
import { checkPreconditions } from './preconditions.ts'
import { SortedKeys } from './sorted-keys.ts'
import type { ListOptions, PagedListResult, Preconditions, Store, StoredObject, StoreEvent, Watch, WatchOptions } from './store.ts'
import { StorageError } from './store.ts'
import { WatchHub } from './watch-hub.ts'

export interface CachedStoreOptions {
  /** The durable copy. Omitted: memory only, lost on exit. */
  backend?: DurableBackend
  /** Most events kept for watch resume. @default 10_000 */
  historySize?: number
  /** Events older than this cannot be resumed from (etcd's default compaction interval). @default 300_000 */
  historyMaxAgeMs?: number
  /** @default Date.now */
  now?: () => number
}

/** A queued write: its event, and how to settle the caller's promise. */
interface PendingWrite {
  readonly event: StoreEvent
  readonly resolve: (stored: StoredObject) => void
  readonly reject: (error: unknown) => void
}

export class CachedStore implements Store {
  private readonly objects: Map<string, StoredObject>
  private readonly keys = new SortedKeys()
  private readonly history: EventHistory
  private readonly hub = new WatchHub()
  private readonly commits: GroupCommit<PendingWrite>
  /** Writes applied in memory whose batch has not synced yet, in revision order. */
  private readonly uncommitted: PendingWrite[] = []
  private readonly backend: DurableBackend | undefined
  private latestRevision: number
  private latestCommitted: number
  /** The promise of the newest queued write: no-op updates wait on it. */
  private lastWrite: Promise<unknown> = Promise.resolve()
  /** Set once writes are refused: after a failed sync, or on close. */
  private refusal: string | undefined
  private closing: Promise<void> | undefined

  /** Opens a store, loading every object from the backend when there is one. */
  static async open(options: CachedStoreOptions = {}): Promise<CachedStore> {
    const loaded = new Map<string, StoredObject>()
    let revision = 0
    if (options.backend !== undefined) {
      // Objects are parsed on first use, not here: start-up stays fast and
      // objects nobody reads cost only their JSON text.
      const meta = await options.backend.load((key, json) => loaded.set(key, new HeldObject(key, json)))
      revision = meta.revision
    }
    return new CachedStore(options, loaded, revision)
  }

  private constructor(options: CachedStoreOptions, loaded: Map<string, StoredObject>, revision: number) {
    this.backend = options.backend
    this.objects = loaded
    for (const key of loaded.keys()) this.keys.add(key)
    this.latestRevision = revision
    this.latestCommitted = revision
    this.history = new EventHistory({
      capacity: options.historySize ?? 10_000,
      maxAgeMs: options.historyMaxAgeMs ?? 300_000,
      startRevision: revision,
      now: options.now ?? Date.now,
    })
    const backend = options.backend
    this.commits = new GroupCommit<PendingWrite>({
      persist: backend && ((batch) => backend.persist(batch.map((write) => write.event))),
      onCommitted: (batch) => this.deliver(batch),
      onFailed: (uncommitted, error) => this.rollBack(uncommitted, error),
    })
  }

  get revision(): number {
    return this.latestRevision
  }

  get committedRevision(): number {
    return this.latestCommitted
  }

  get oldestWatchableRevision(): number {
    return this.history.oldestWatchableRevision
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key)
  }

  list(prefix: string, options: ListOptions = {}): PagedListResult {
    const at = options.atRevision
    if (at !== undefined && at < this.latestRevision) return this.listAt(prefix, at, options)
    const { startAfter, filter } = options
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity
    const items: StoredObject[] = []
    let lastKey: string | undefined
    let more = false
    this.keys.walk(prefix, startAfter, (key) => {
      if (items.length === limit) {
        more = true
        return false
      }
      const stored = this.objects.get(key)!
      if (filter === undefined || filter(stored)) {
        items.push(stored)
        lastKey = key
      }
      return true
    })
    const result: PagedListResult = { items, revision: this.latestRevision, more }
    // Without a filter every key after the page matches, so the count is exact.
    if (more && filter === undefined) result.remaining = this.keys.countRange(prefix, lastKey)
    return result
  }

  /**
   * The state at `revision`: today's objects with every later change undone,
   * using the held history (and the writes not yet synced) to find what each
   * changed key looked like before its first change after `revision`.
   */
  private listAt(prefix: string, revision: number, options: ListOptions): PagedListResult {
    if (revision < this.history.oldestWatchableRevision) {
      throw new StorageError('Expired', prefix, `revision ${revision} is older than the history window`, this.history.oldestWatchableRevision)
    }
    const before = new Map<string, StoredObject | undefined>()
    const undo = (event: StoreEvent) => {
      if (event.revision > revision && event.key.startsWith(prefix) && !before.has(event.key)) before.set(event.key, event.previous)
    }
    for (const event of this.history.eventsAfter(revision, prefix)) undo(event)
    for (const write of this.uncommitted) undo(write.event)
    if (before.size === 0) return { ...this.list(prefix, { ...options, atRevision: undefined }), revision }

    const keys: string[] = []
    this.keys.walk(prefix, options.startAfter, (key) => {
      keys.push(key)
      return true
    })
    for (const key of before.keys()) {
      if (!this.objects.has(key) && (options.startAfter === undefined || key > options.startAfter)) keys.push(key)
    }
    keys.sort()
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity
    const items: StoredObject[] = []
    let i = 0
    for (; i < keys.length && items.length < limit; i++) {
      const stored = before.has(keys[i]) ? before.get(keys[i]) : this.objects.get(keys[i])
      if (stored && (options.filter === undefined || options.filter(stored))) items.push(stored)
    }
    const result: PagedListResult = { items, revision, more: i < keys.length }
    if (result.more && options.filter === undefined) {
      result.remaining = keys.slice(i).filter((k) => (before.has(k) ? before.get(k) : this.objects.get(k)) !== undefined).length
    }
    return result
  }

  count(prefix: string): number {
    return this.keys.countRange(prefix)
  }

  async create(key: string, object: KubeObject): Promise<StoredObject> {
    // Backends load the '/' range only (LevelDB keeps its meta key outside it).
    if (!key.startsWith('/')) throw new RangeError(`storage keys begin with '/', got ${JSON.stringify(key)}`)
    this.assertWritable(key)
    if (this.objects.has(key)) throw new StorageError('KeyExists', key)
    const revision = this.latestRevision + 1
    const current = storedAt(key, object, revision)
    this.objects.set(key, current)
    this.keys.add(key)
    return this.commit({ type: 'ADDED', key, current, revision })
  }

  async update(key: string, update: (current: KubeObject) => KubeObject | undefined, preconditions?: Preconditions): Promise<StoredObject> {
    this.assertWritable(key)
    const previous = this.objects.get(key)
    if (previous === undefined) throw new StorageError('NotFound', key)
    checkPreconditions(previous, preconditions)
    const next = update(structuredClone(previous.object))
    // The callback is synchronous, but it could still have written through
    // this store; then it computed from a stale state.
    if (this.objects.get(key) !== previous) throw new StorageError('Conflict', key, `${key} changed while its update was being computed`)
    if (next === undefined) return this.whenDurable(previous)
    const revision = this.latestRevision + 1
    const current = storedAt(key, next, revision)
    this.objects.set(key, current)
    return this.commit({ type: 'MODIFIED', key, current, previous, revision })
  }

  async delete(key: string, preconditions?: Preconditions): Promise<StoredObject> {
    this.assertWritable(key)
    const previous = this.objects.get(key)
    if (previous === undefined) throw new StorageError('NotFound', key)
    checkPreconditions(previous, preconditions)
    const revision = this.latestRevision + 1
    // As etcd reports it: the last state, stamped with the delete's revision.
    const current = storedAt(key, previous.object, revision)
    this.objects.delete(key)
    this.keys.delete(key)
    return this.commit({ type: 'DELETED', key, current, previous, revision })
  }

  watch(prefix: string, options: WatchOptions, onEvent: (event: StoreEvent) => void): Watch {
    if (this.closing !== undefined) throw new StorageError('Unavailable', prefix, 'store is closed')
    const from = options.fromRevision
    if (!Number.isInteger(from) || from < 0) throw new RangeError(`fromRevision must be a non-negative integer, got ${from}`)
    if (from === 0) return this.hub.add(prefix, this.latestRevision, onEvent, [])
    const oldest = this.history.oldestWatchableRevision
    if (from < oldest) {
      throw new StorageError('Expired', prefix, `too old resource version: ${from} (${oldest})`, oldest)
    }
    return this.hub.add(prefix, from, onEvent, this.history.eventsAfter(from, prefix))
  }

  /** Refuses new writes, waits for those in flight, stops every watch, closes the backend. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.refusal ??= 'store is closed'
      await this.commits.whenIdle()
      this.hub.stopAll()
      await this.backend?.close()
    })()
    return this.closing
  }

  private assertWritable(key: string): void {
    if (this.refusal !== undefined) throw new StorageError('Unavailable', key, this.refusal)
  }

  /** Takes the next revision and queues the write; resolves once it is durable. */
  private commit(event: StoreEvent): Promise<StoredObject> {
    this.latestRevision = event.revision
    const { promise, resolve, reject } = Promise.withResolvers<StoredObject>()
    const write = { event, resolve, reject }
    this.uncommitted.push(write)
    this.commits.enqueue(write)
    this.lastWrite = promise
    return promise
  }

  /**
   * Resolves with `stored` once it is durable. A no-op update must not hand
   * out a state that a failed sync could still take back.
   */
  private async whenDurable(stored: StoredObject): Promise<StoredObject> {
    if (stored.revision > this.latestCommitted) await this.lastWrite
    return stored
  }

  private deliver(batch: readonly PendingWrite[]): void {
    this.uncommitted.splice(0, batch.length)
    for (const write of batch) {
      this.history.append(write.event)
      this.latestCommitted = write.event.revision
      this.hub.dispatch(write.event)
      write.resolve(write.event.current)
    }
  }

  private rollBack(uncommitted: readonly PendingWrite[], error: unknown): void {
    this.uncommitted.length = 0
    this.refusal = `storage sync failed, writes are refused until restart: ${error instanceof Error ? error.message : String(error)}`
    for (let i = uncommitted.length - 1; i >= 0; i--) {
      const { key, previous } = uncommitted[i].event
      if (previous === undefined) {
        this.objects.delete(key)
        this.keys.delete(key)
      } else {
        this.objects.set(key, previous)
        this.keys.add(key)
      }
    }
    this.latestRevision = this.latestCommitted
    for (const write of uncommitted) {
      const failure = new StorageError('Unavailable', write.event.key, this.refusal)
      failure.cause = error
      write.reject(failure)
    }
  }
}

/**
 * The stored form of `object` at `revision`. Copies only the two levels it
 * changes; the rest is shared with the caller, who hands it over.
 */
function storedAt(key: string, object: KubeObject, revision: number): StoredObject {
  const versioned: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } }
  return new HeldObject(key, JSON.stringify(versioned), revision, versioned)
}

/**
 * A stored object kept as its JSON text, the form LIST, GET and watch send.
 * The parsed form is held only weakly: it is there while something uses it
 * (a write in progress, a selector being matched) and the garbage collector
 * may drop it afterwards, so memory holds each object about once, not twice.
 * Objects read back from disk start with no parsed form at all.
 */
class HeldObject implements StoredObject {
  readonly key: string
  readonly json: string
  private knownRevision: number | undefined
  private parsed: WeakRef<KubeObject> | undefined

  constructor(key: string, json: string, revision?: number, object?: KubeObject) {
    this.key = key
    this.json = json
    this.knownRevision = revision
    if (object) this.parsed = new WeakRef(object)
  }

  get object(): KubeObject {
    let object = this.parsed?.deref()
    if (!object) {
      object = JSON.parse(this.json) as KubeObject
      this.parsed = new WeakRef(object)
    }
    return object
  }

  get revision(): number {
    return (this.knownRevision ??= Number(this.object.metadata?.resourceVersion) || 0)
  }
}
