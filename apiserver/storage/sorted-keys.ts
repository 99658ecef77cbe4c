// The store's key order: every key, sorted lexically, so LIST can find a
// prefix by binary search instead of scanning the whole registry, and page
// through it with a stable `startAfter` cursor.
//
// Keys live in chunks of at most MAX_CHUNK sorted strings. One flat array
// would make every create and delete move up to n pointers; chunks bound that
// to one chunk while lookups stay logarithmic. Updates never touch this
// structure: only creates and deletes change the key set.

/** Chunks split at this size; halves stay large enough to keep the chunk list short. */
const MAX_CHUNK = 1024

/** A position: the chunk, and the index inside it (may equal its length = "past its end"). */
interface Cursor {
  chunk: number
  index: number
}

export class SortedKeys {
  private chunks: string[][] = []
  private count = 0

  get size(): number {
    return this.count
  }

  /** Adds `key` unless present. Ascending inserts (a load in key order) take the cheap append path. */
  add(key: string): void {
    const last = this.chunks.at(-1)
    if (last === undefined) {
      this.chunks.push([key])
      this.count = 1
      return
    }
    if (key > last[last.length - 1]) {
      last.push(key)
      this.count++
      if (last.length > MAX_CHUNK) this.split(this.chunks.length - 1)
      return
    }
    const at = this.lowerBound(key, false)
    const chunk = this.chunks[at.chunk]
    if (chunk[at.index] === key) return
    chunk.splice(at.index, 0, key)
    this.count++
    if (chunk.length > MAX_CHUNK) this.split(at.chunk)
  }

  /** Removes `key`; false when it was absent. */
  delete(key: string): boolean {
    if (this.count === 0) return false
    const at = this.lowerBound(key, false)
    const chunk = this.chunks[at.chunk]
    if (chunk === undefined || chunk[at.index] !== key) return false
    chunk.splice(at.index, 1)
    this.count--
    if (chunk.length === 0) this.chunks.splice(at.chunk, 1)
    return true
  }

  /**
   * Calls `visit` with each key that starts with `prefix` and is greater than
   * `startAfter` (when given), in order, until `visit` returns false.
   */
  walk(prefix: string, startAfter: string | undefined, visit: (key: string) => boolean): void {
    const at = this.start(prefix, startAfter)
    for (let c = at.chunk, i = at.index; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]
      for (; i < chunk.length; i++) {
        const key = chunk[i]
        if (!key.startsWith(prefix)) return
        if (!visit(key)) return
      }
    }
  }

  /** How many keys start with `prefix` and are greater than `startAfter` (when given). */
  countRange(prefix: string, startAfter?: string): number {
    const from = this.offsetOf(this.start(prefix, startAfter))
    const end = successor(prefix)
    const to = end === undefined ? this.count : this.offsetOf(this.lowerBound(end, false))
    return Math.max(0, to - from)
  }

  /** Where a walk over `prefix` after `startAfter` begins. */
  private start(prefix: string, startAfter: string | undefined): Cursor {
    return startAfter !== undefined && startAfter >= prefix ? this.lowerBound(startAfter, true) : this.lowerBound(prefix, false)
  }

  /** The first key >= `key` (or > `key` when `strict`); past the end when there is none. */
  private lowerBound(key: string, strict: boolean): Cursor {
    const chunks = this.chunks
    // The first chunk whose last key could be the answer.
    let lo = 0
    let hi = chunks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const chunk = chunks[mid]
      const last = chunk[chunk.length - 1]
      if (strict ? last > key : last >= key) hi = mid
      else lo = mid + 1
    }
    if (lo === chunks.length) return { chunk: lo, index: 0 }
    const chunk = chunks[lo]
    let l = 0
    let h = chunk.length
    while (l < h) {
      const mid = (l + h) >>> 1
      if (strict ? chunk[mid] > key : chunk[mid] >= key) h = mid
      else l = mid + 1
    }
    return { chunk: lo, index: l }
  }

  /** The global index of a cursor. Linear in the number of chunks, which stays small (n / 512 at most). */
  private offsetOf(at: Cursor): number {
    let offset = at.index
    for (let c = 0; c < at.chunk && c < this.chunks.length; c++) offset += this.chunks[c].length
    return offset
  }

  private split(c: number): void {
    const chunk = this.chunks[c]
    const upper = chunk.splice(chunk.length >>> 1)
    this.chunks.splice(c + 1, 0, upper)
  }
}

/**
 * The smallest string greater than every string starting with `prefix`, or
 * undefined when there is none (empty prefix, or nothing but U+FFFF).
 */
function successor(prefix: string): string | undefined {
  let end = prefix.length
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--
  if (end === 0) return undefined
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1)
}
