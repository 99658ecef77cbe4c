// The addresses kubeling hands to LoadBalancer Services, as MetalLB's and
// k3s servicelb's address pools do: one or more IPv4 ranges, each a CIDR
// (`127.0.200.0/24`) or a from-to pair (`127.0.200.10-127.0.200.20`),
// comma-separated. A CIDR wider than /31 leaves out its network and
// broadcast addresses. Addresses go out lowest first; each has at most one
// owner (a Service key).
import { isIPv4 } from 'node:net'

export interface IPRange {
  first: number
  last: number
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)
}

export function numberToIP(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/** Parses `--load-balancer-ip-range`. Throws RangeError naming the bad part. */
export function parseIPRanges(text: string): IPRange[] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean)
  if (parts.length === 0) throw new RangeError(`load balancer IP range must not be empty; got ${JSON.stringify(text)}`)
  return parts.map((part) => {
    const cidr = /^([^/]+)\/(\d{1,2})$/.exec(part)
    if (cidr) {
      const bits = Number(cidr[2])
      if (!isIPv4(cidr[1]) || bits > 32) throw new RangeError(`invalid CIDR ${JSON.stringify(part)}: want an IPv4 CIDR such as 127.0.200.0/24`)
      const size = 2 ** (32 - bits)
      const base = Math.floor(ipToNumber(cidr[1]) / size) * size
      return size > 2 ? { first: base + 1, last: base + size - 2 } : { first: base, last: base + size - 1 }
    }
    const range = /^([^-]+)-([^-]+)$/.exec(part)
    if (range && isIPv4(range[1].trim()) && isIPv4(range[2].trim())) {
      const first = ipToNumber(range[1].trim())
      const last = ipToNumber(range[2].trim())
      if (first > last) throw new RangeError(`invalid IP range ${JSON.stringify(part)}: the first address is after the last`)
      return { first, last }
    }
    throw new RangeError(`invalid IP range ${JSON.stringify(part)}: want a CIDR (127.0.200.0/24) or a range (127.0.200.10-127.0.200.20)`)
  })
}

export class IPPool {
  readonly #ranges: IPRange[]
  readonly #ownerByIP = new Map<string, string>()
  readonly #ipByOwner = new Map<string, string>()

  constructor(ranges: IPRange[]) {
    this.#ranges = ranges
  }

  get size(): number {
    return this.#ranges.reduce((n, r) => n + r.last - r.first + 1, 0)
  }

  get allocated(): number {
    return this.#ownerByIP.size
  }

  contains(ip: string): boolean {
    if (!isIPv4(ip)) return false
    const n = ipToNumber(ip)
    return this.#ranges.some((r) => n >= r.first && n <= r.last)
  }

  ipOf(owner: string): string | undefined {
    return this.#ipByOwner.get(owner)
  }

  ownerOf(ip: string): string | undefined {
    return this.#ownerByIP.get(ip)
  }

  /**
   * Gives ip to owner if it is in the pool and free (or already owner's);
   * owner's previous address is released. False when it cannot.
   */
  claim(owner: string, ip: string): boolean {
    if (!this.contains(ip)) return false
    const holder = this.#ownerByIP.get(ip)
    if (holder !== undefined) return holder === owner
    this.release(owner)
    this.#ownerByIP.set(ip, owner)
    this.#ipByOwner.set(owner, ip)
    return true
  }

  /** owner's address, or the lowest free one; undefined when the pool is exhausted. */
  allocate(owner: string): string | undefined {
    const held = this.#ipByOwner.get(owner)
    if (held) return held
    for (const r of this.#ranges) {
      for (let n = r.first; n <= r.last; n++) {
        const ip = numberToIP(n)
        if (!this.#ownerByIP.has(ip)) {
          this.claim(owner, ip)
          return ip
        }
      }
    }
    return undefined
  }

  /** Frees owner's address; returns it. */
  release(owner: string): string | undefined {
    const ip = this.#ipByOwner.get(owner)
    if (ip === undefined) return undefined
    this.#ipByOwner.delete(owner)
    this.#ownerByIP.delete(ip)
    return ip
  }
}
