// What the cached store needs from a durable copy: read everything once at
// open, then persist committed batches. Conflict checks, revisions, history
// and watches stay in the cached store, so a backend is only this. Keys always
// begin with '/', leaving the rest of the key space for a backend's own use.
import type { StoreEvent } from './store.ts'

export interface DurableBackend {
  /**
   * Reads every stored object, calling `visit` with its key and JSON, and
   * returns the last revision persisted (which may be newer than every
   * object's: the newest write may have been a delete).
   */
  load(visit: (key: string, json: string) => void): Promise<{ revision: number }>
  /**
   * Persists a batch atomically and durably (synced), together with the
   * batch's last revision. Events arrive in revision order; for one key the
   * last one wins. Rejecting means nothing in the batch may be assumed
   * written.
   */
  persist(events: readonly StoreEvent[]): Promise<void>
  close(): Promise<void>
}
