// Group commit: one synced write carries every change that queued up while the
// previous one was in flight, so durability costs one fsync per batch, not
// per write. Batches run strictly one after another, which keeps commits (and
// so watch events) in revision order.

export interface GroupCommitOptions<T> {
  /** Makes a batch durable. Omitted: nothing to persist (memory mode). */
  persist?: (batch: readonly T[]) => Promise<void>
  /** Called once per durable batch, in order. */
  onCommitted: (batch: readonly T[]) => void
  /**
   * Called once when `persist` fails, with everything not committed (the
   * failed batch and all queued after it), in order. No batch runs after it.
   */
  onFailed: (uncommitted: readonly T[], error: unknown) => void
}

export class GroupCommit<T> {
  private readonly options: GroupCommitOptions<T>
  private queued: T[] = []
  private running = false
  private failed = false
  private idleWaiters: (() => void)[] = []

  constructor(options: GroupCommitOptions<T>) {
    this.options = options
  }

  /** Queues an entry for the next batch. */
  enqueue(entry: T): void {
    if (this.failed) throw new Error('group commit has failed; no further writes')
    this.queued.push(entry)
    if (this.running) return
    this.running = true
    // A microtask, not a synchronous start: writes issued in the same tick
    // (a loop of creates) then share the first batch too.
    queueMicrotask(() => void this.run())
  }

  /** Resolves once nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private async run(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued
      this.queued = []
      try {
        if (this.options.persist !== undefined) await this.options.persist(batch)
      } catch (error) {
        this.failed = true
        const uncommitted = batch.concat(this.queued)
        this.queued = []
        this.options.onFailed(uncommitted, error)
        break
      }
      this.options.onCommitted(batch)
    }
    this.running = false
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}
