// Writes pod statuses to the apiserver (upstream's status manager): the
// newest status per pod wins, one write per pod is in flight at a time, and a
// status equal to the last one written is not sent again. Writes go through
// pods/<name>/status as a merge patch of the whole status, so fields the
// kubelet does not own (nominatedNodeName, other writers' conditions, which
// the worker copies in) are kept.
import { isDeepStrictEqual } from 'node:util'
import { isConflict, isNotFound, type Client } from '../../shared/client/index.ts'
import type { PodStatus } from '../../shared/core-types.ts'
import type { Logger } from '../../shared/logger.ts'

interface Entry {
  namespace: string
  name: string
  uid: string
  pending?: PodStatus
  written?: PodStatus
  inFlight?: Promise<void>
}

export class StatusManager {
  readonly #client: Pick<Client, 'pods'>
  readonly #log: Logger
  readonly #entries = new Map<string, Entry>()
  /** Status writes sent, for the benchmark and tests. */
  writes = 0

  constructor(client: Pick<Client, 'pods'>, log: Logger) {
    this.#client = client
    this.#log = log
  }

  /** Queues the pod's status; returns at once. */
  set(uid: string, namespace: string, name: string, status: PodStatus): void {
    let entry = this.#entries.get(uid)
    if (!entry) this.#entries.set(uid, (entry = { namespace, name, uid }))
    if (isDeepStrictEqual(status, entry.pending ?? entry.written)) return
    entry.pending = status
    entry.inFlight ??= this.#drain(entry)
  }

  /** Resolves when the pod's queued status has been written (or failed). */
  async flush(uid: string): Promise<void> {
    const entry = this.#entries.get(uid)
    while (entry?.inFlight) await entry.inFlight
  }

  /** Forget the pod (it is gone): nothing more is written for it. */
  forget(uid: string): void {
    const entry = this.#entries.get(uid)
    if (entry) entry.pending = undefined
    this.#entries.delete(uid)
  }

  async #drain(entry: Entry): Promise<void> {
    try {
      while (entry.pending) {
        const status = entry.pending
        entry.pending = undefined
        try {
          this.writes++
          await this.#client.pods.namespace(entry.namespace).patch(entry.name, { metadata: { uid: entry.uid }, status }, 'merge', { subresource: 'status' })
          entry.written = status
        } catch (err) {
          // Gone, or replaced by a new pod of the same name (the uid no longer matches): nothing to report.
          if (isNotFound(err) || isConflict(err)) {
            this.#entries.delete(entry.uid)
            return
          }
          this.#log.warn({ err, pod: `${entry.namespace}/${entry.name}` }, 'failed to update pod status; retrying')
          entry.pending ??= status
          await new Promise((resolve) => setTimeout(resolve, 1000))
          if (this.#entries.get(entry.uid) !== entry) return
        }
      }
    } finally {
      entry.inFlight = undefined
    }
  }
}
