// Which pods' tracking finalizers this controller has asked to remove
// (upstream's uidTrackingExpectations). Until the informer shows them gone,
// a sync must not count those pods again: the status already has them.
export class FinalizerExpectations {
  readonly #uids = new Map<string, Set<string>>()

  expectRemoved(key: string, uids: string[]): void {
    const set = this.#uids.get(key) ?? new Set<string>()
    for (const uid of uids) set.add(uid)
    this.#uids.set(key, set)
  }

  observed(key: string, uid: string): void {
    const set = this.#uids.get(key)
    if (!set) return
    set.delete(uid)
    if (set.size === 0) this.#uids.delete(key)
  }

  expected(key: string): ReadonlySet<string> {
    return this.#uids.get(key) ?? new Set()
  }

  delete(key: string): void {
    this.#uids.delete(key)
  }
}
