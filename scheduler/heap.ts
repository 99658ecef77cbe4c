// A binary min-heap whose items carry their own position, so that removing
// an item or re-sorting one whose key changed is O(log n), not a scan.

export interface HeapItem {
  /** Position in the heap; -1 outside it. The heap maintains it. */
  index: number
}

/** The least item by less() is on top. */
export class IndexedHeap<T extends HeapItem> {
  readonly #items: T[] = []
  readonly #less: (a: T, b: T) => boolean

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less
  }

  get size(): number {
    return this.#items.length
  }

  peek(): T | undefined {
    return this.#items[0]
  }

  push(entry: T): void {
    entry.index = this.#items.length
    this.#items.push(entry)
    this.#up(entry.index)
  }

  pop(): T | undefined {
    const top = this.#items[0]
    if (top) this.remove(top)
    return top
  }

  remove(entry: T): void {
    const i = entry.index
    const last = this.#items.pop()!
    if (last !== entry) {
      this.#items[i] = last
      last.index = i
      this.fix(last)
    }
    entry.index = -1
  }

  /** Restores order after the entry's sort key changed. */
  fix(entry: T): void {
    if (!this.#up(entry.index)) this.#down(entry.index)
  }

  #up(i: number): boolean {
    const items = this.#items
    const start = i
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#less(items[i], items[parent])) break
      this.#swap(i, parent)
      i = parent
    }
    return i !== start
  }

  #down(i: number): void {
    const items = this.#items
    for (;;) {
      const left = 2 * i + 1
      if (left >= items.length) return
      const right = left + 1
      const child = right < items.length && this.#less(items[right], items[left]) ? right : left
      if (!this.#less(items[child], items[i])) return
      this.#swap(i, child)
      i = child
    }
  }

  #swap(i: number, j: number): void {
    const items = this.#items
    const a = items[i]
    const b = items[j]
    items[i] = b
    items[j] = a
    a.index = j
    b.index = i
  }
}
