// The pool of node pod ranges carved out of the cluster CIDR, as upstream's
// nodeipam cidrset: a bitmap of /nodeMaskSize blocks. Allocation is
// round-robin from the block after the last one handed out (not the lowest
// free one), so a released range is not reused at once while stale copies of
// it may still be around. IPv4 only: kubeling nodes and pods have no IPv6.

/** upstream ErrCIDRRangeNoCIDRsRemaining. */
export class CIDRExhaustedError extends Error {
  constructor() {
    super('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range')
    this.name = 'CIDRExhaustedError'
  }
}

export interface IPv4CIDR {
  /** The network address as an unsigned 32-bit number. */
  ip: number
  prefix: number
}

/** Parses a.b.c.d/n and masks the address to the network (Go's net.ParseCIDR). */
export function parseIPv4CIDR(cidr: string): IPv4CIDR {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim())
  const octets = m ? m.slice(1, 5).map(Number) : []
  const prefix = m ? Number(m[5]) : NaN
  if (!m || octets.some((o) => o > 255) || !(prefix >= 0 && prefix <= 32)) throw new RangeError(`invalid IPv4 CIDR: ${JSON.stringify(cidr)}`)
  const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0
  return { ip: (ip & maskOf(prefix)) >>> 0, prefix }
}

export function formatIPv4CIDR({ ip, prefix }: IPv4CIDR): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${prefix}`
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0
}

export class CidrSet {
  readonly clusterCIDR: IPv4CIDR
  readonly nodeMaskSize: number
  /** How many node ranges the cluster CIDR holds. */
  readonly maxCIDRs: number
  readonly #used: Uint8Array
  #allocated = 0
  #nextCandidate = 0

  constructor(clusterCIDR: string, nodeMaskSize: number) {
    this.clusterCIDR = parseIPv4CIDR(clusterCIDR)
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < this.clusterCIDR.prefix || nodeMaskSize > 32) {
      throw new RangeError(`nodeCIDRMaskSize must be an integer from ${this.clusterCIDR.prefix} (the cluster CIDR's) to 32; got ${nodeMaskSize}`)
    }
    if (nodeMaskSize - this.clusterCIDR.prefix > 24) throw new RangeError(`nodeCIDRMaskSize ${nodeMaskSize} makes too many ranges in ${clusterCIDR}`)
    this.nodeMaskSize = nodeMaskSize
    this.maxCIDRs = 2 ** (nodeMaskSize - this.clusterCIDR.prefix)
    this.#used = new Uint8Array(this.maxCIDRs)
  }

  /** Ranges now allocated or occupied. */
  get allocated(): number {
    return this.#allocated
  }

  /** Hands out the next free range; throws CIDRExhaustedError when none is left. */
  allocateNext(): string {
    if (this.#allocated === this.maxCIDRs) throw new CIDRExhaustedError()
    let candidate = this.#nextCandidate
    for (let i = 0; i < this.maxCIDRs && this.#used[candidate]; i++) candidate = (candidate + 1) % this.maxCIDRs
    this.#nextCandidate = (candidate + 1) % this.maxCIDRs
    this.#used[candidate] = 1
    this.#allocated++
    return this.#blockAt(candidate)
  }

  /** Marks a range (a node's existing podCIDR) as used; fine if it already is. Throws when outside the cluster CIDR. */
  occupy(cidr: string): void {
    const [begin, end] = this.#indices(cidr)
    for (let i = begin; i <= end; i++) {
      if (this.#used[i]) continue
      this.#used[i] = 1
      this.#allocated++
    }
  }

  /** Frees a range; fine if it was free. Throws when outside the cluster CIDR. */
  release(cidr: string): void {
    const [begin, end] = this.#indices(cidr)
    for (let i = begin; i <= end; i++) {
      if (!this.#used[i]) continue
      this.#used[i] = 0
      this.#allocated--
    }
  }

  #blockAt(index: number): string {
    const ip = (this.clusterCIDR.ip | (index * 2 ** (32 - this.nodeMaskSize))) >>> 0
    return formatIPv4CIDR({ ip, prefix: this.nodeMaskSize })
  }

  /** The first and last block a CIDR covers (a larger range covers several, a smaller one part of one). */
  #indices(cidr: string): [number, number] {
    const c = parseIPv4CIDR(cidr)
    const cluster = this.clusterCIDR
    const overlaps = ((c.ip & maskOf(cluster.prefix)) >>> 0) === cluster.ip || ((cluster.ip & maskOf(c.prefix)) >>> 0) === c.ip
    if (!overlaps) throw new RangeError(`cidr ${cidr} is out the range of cluster cidr ${formatIPv4CIDR(cluster)}`)
    if (c.prefix <= cluster.prefix) return [0, this.maxCIDRs - 1]
    const shift = 2 ** (32 - this.nodeMaskSize)
    const first = Math.floor(((c.ip - cluster.ip) >>> 0) / shift)
    const last = Math.floor(((c.ip + 2 ** (32 - c.prefix) - 1 - cluster.ip) >>> 0) / shift)
    return [first, Math.min(last, this.maxCIDRs - 1)]
  }
}
