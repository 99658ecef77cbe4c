// The shape every controller here takes (client-go's pattern): informer
// handlers only enqueue namespace/name keys; workers take keys from a rate
// limited queue and reconcile that one object against the cluster's state.
// A key is never processed by two workers at once; a failed sync is retried
// with exponential back-off; a sync may ask to come back later.
import { isConflict } from '../shared/client/index.ts'
import { realClock, type Clock } from '../shared/clock.ts'
import type { KubeObject } from '../shared/api-types.ts'
import type { Logger } from '../shared/logger.ts'
import { runWorkers, WorkQueue, type ProcessResult } from '../shared/work-queue.ts'

export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace
  return ns ? `${ns}/${obj.metadata.name}` : (obj.metadata.name ?? '')
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/')
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) }
}

export interface ReconcilerOptions {
  name: string
  sync(key: string): Promise<ProcessResult>
  log: Logger
  clock?: Clock
}

export class Reconciler {
  readonly queue: WorkQueue
  readonly #opts: ReconcilerOptions

  constructor(options: ReconcilerOptions) {
    this.#opts = options
    this.queue = new WorkQueue({ name: options.name, clock: options.clock ?? realClock })
  }

  enqueue(obj: KubeObject): void {
    this.queue.add(keyOf(obj))
  }

  enqueueKey(key: string): void {
    this.queue.add(key)
  }

  enqueueAfter(obj: KubeObject, ms: number): void {
    this.queue.addAfter(keyOf(obj), ms)
  }

  /** Runs workers until signal aborts; then the queue shuts down and they finish their current key. */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    const stop = () => this.queue.shutDown()
    if (signal.aborted) stop()
    else signal.addEventListener('abort', stop, { once: true })
    // A conflict only means the cache was behind: the retry reads the newer copy. Not worth an error line.
    const log = this.#opts.log
    const quietConflicts = { error: (fields: { err?: unknown }, msg: string) => (isConflict(fields.err) ? log.debug(fields, msg) : log.error(fields, msg)) }
    await runWorkers(this.queue, workers, (key) => this.#opts.sync(key), quietConflicts)
  }
}
