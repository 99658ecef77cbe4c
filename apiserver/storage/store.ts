// The storage contract. The apiserver's registry is the only caller; it deals
// in keys and whole objects and knows nothing of LevelDB.
//
// Semantics (see ../shared/DESIGN.md §3):
// - One global revision. Every successful write takes the next revision; the
//   stored object's metadata.resourceVersion is set to it (decimal string).
// - All objects live in memory and are read from there; the durable backend is
//   written on every change and read once, at open.
// - A write's promise resolves only after the write is durable (synced), and
//   watchers hear of it only then. Concurrent writes share one synced batch.
// - Conflict checks and the in-memory state move at call time, so two writes
//   issued back to back see each other even before either is synced.
import type { KubeObject } from '../../shared/api-types.ts'

export interface StoredObject {
  readonly key: string
  /** Treat as frozen: callers clone before mutating. */
  readonly object: KubeObject
  /** `object` serialized once, at write time; list and watch reuse it. */
  readonly json: string
  readonly revision: number
}

export interface StoreEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'
  readonly key: string
  /** The new state; for DELETED, the last state, with the delete's revision as resourceVersion. */
  readonly current: StoredObject
  /** The state before this write (MODIFIED and DELETED). Needed to filter watches by selector. */
  readonly previous?: StoredObject
  readonly revision: number
}

export interface Preconditions {
  /** The object's current resourceVersion must equal this. */
  resourceVersion?: string
  uid?: string
}

export interface ListResult {
  items: StoredObject[]
  /** The revision the list was taken at. */
  revision: number
}

export interface ListOptions {
  /** Only keys strictly greater than this (pagination). */
  startAfter?: string
  /** Stop after this many items that pass `filter`; `more` tells whether any were left. */
  limit?: number
  filter?: (obj: StoredObject) => boolean
  /**
   * List the state as it was at this revision (a consistent snapshot, as etcd
   * serves continued pages). Must be inside the history window: older throws
   * StorageError Expired.
   */
  atRevision?: number
}

export interface PagedListResult extends ListResult {
  /** True when `limit` stopped the walk early. */
  more: boolean
  /** Matching items left after this page, when cheaply known. */
  remaining?: number
}

export interface WatchOptions {
  /** Deliver events with revision > fromRevision. 0 = from now on. */
  fromRevision: number
}

export interface Watch {
  /** Stop delivering events. Idempotent. */
  stop(): void
}

export type StorageErrorCode = 'KeyExists' | 'NotFound' | 'Conflict' | 'Expired' | 'Unavailable'

/** Storage's own errors; the registry translates them into Status errors. */
export class StorageError extends Error {
  readonly code: StorageErrorCode
  readonly key: string
  /** For Expired: the oldest revision still available. */
  readonly oldestRevision?: number
  constructor(code: StorageErrorCode, key: string, message?: string, oldestRevision?: number) {
    super(message ?? `${code}: ${key}`)
    this.code = code
    this.key = key
    this.oldestRevision = oldestRevision
  }
}

export interface Store {
  /** The latest revision assigned to a write. */
  readonly revision: number
  /** The latest revision whose events have been delivered to watchers. */
  readonly committedRevision: number
  /** The oldest revision a watch may still start from (older gives Expired). */
  readonly oldestWatchableRevision: number

  get(key: string): StoredObject | undefined
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): PagedListResult
  count(prefix: string): number

  /** Throws StorageError KeyExists. */
  create(key: string, object: KubeObject): Promise<StoredObject>
  /**
   * Replaces the object. `update` receives the current state (a structured
   * clone, free to mutate) and returns the next one, or undefined to leave it
   * unchanged (no write, no new revision). Throws NotFound, or Conflict when
   * preconditions fail. Runs synchronously against the in-memory state, so no
   * other write can slip in between read and write.
   */
  update(key: string, update: (current: KubeObject) => KubeObject | undefined, preconditions?: Preconditions): Promise<StoredObject>
  /** Removes the object; resolves with its last state. Throws NotFound or Conflict. */
  delete(key: string, preconditions?: Preconditions): Promise<StoredObject>

  /**
   * Calls `onEvent` for every change under `prefix` after `fromRevision`, in
   * revision order: first the history still held, then live changes. Throws
   * StorageError Expired when `fromRevision` is older than the history window.
   * `onEvent` must not throw and must not block: it runs inside the commit path.
   */
  watch(prefix: string, options: WatchOptions, onEvent: (event: StoreEvent) => void): Watch

  close(): Promise<void>
}
