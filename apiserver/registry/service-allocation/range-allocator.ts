// A set of taken offsets in [0, size), as upstream's bitmap allocator: a
// requested offset is taken if free; a new one is drawn at random, from the
// upper part of the range first, so that the lower part stays free for
// values clients ask for by hand (the `kubernetes` Service's first address,
// static node ports). Synchronous and in memory: the apiserver rebuilds it
// from the stored Services at start.

/** Upstream's reserved lower band: size/16, at least 16 and at most 256. */
export function lowerBandSize(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 16)), 256)
}

export class RangeAllocator {
  readonly size: number
  private readonly lowerBand: number
  private readonly taken = new Set<number>()
  private readonly random: () => number

  /** `random` returns a number in [0, 1), as Math.random. @default Math.random */
  constructor(size: number, random: () => number = Math.random) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer, got ${size}`)
    this.size = size
    this.lowerBand = size > lowerBandSize(size) ? lowerBandSize(size) : 0
    this.random = random
  }

  get used(): number {
    return this.taken.size
  }

  has(offset: number): boolean {
    return this.taken.has(offset)
  }

  /** Takes `offset`; false when it was already taken. The caller checks the range. */
  allocate(offset: number): boolean {
    if (this.taken.has(offset)) return false
    this.taken.add(offset)
    return true
  }

  /** A free offset, taken; undefined when the range is full. */
  allocateNext(): number | undefined {
    if (this.taken.size >= this.size) return undefined
    const found = this.scan(this.lowerBand, this.size) ?? this.scan(0, this.lowerBand)
    if (found !== undefined) this.taken.add(found)
    return found
  }

  release(offset: number): void {
    this.taken.delete(offset)
  }

  /** From a random start within [from, to), the first free offset, wrapping round once. */
  private scan(from: number, to: number): number | undefined {
    const width = to - from
    if (width <= 0) return undefined
    const start = Math.floor(this.random() * width)
    for (let i = 0; i < width; i++) {
      const offset = from + ((start + i) % width)
      if (!this.taken.has(offset)) return offset
    }
    return undefined
  }
}
