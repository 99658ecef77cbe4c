// Cluster IPs from `--service-cluster-ip-range` (IPv4 only), as upstream's
// ipallocator: the network and broadcast addresses are never handed out;
// the first usable address belongs to the `kubernetes` Service.
import { RangeAllocator } from './range-allocator.ts'

export interface IPv4Range {
  /** The CIDR as given, normalised: `10.96.0.0/12`. */
  cidr: string
  /** The network address as a 32-bit number. */
  network: number
  prefix: number
}

export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    value = value * 256 + n
  }
  return value
}

export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

/** Parses an IPv4 CIDR; throws a RangeError naming the value when it is not one. */
export function parseIPv4CIDR(text: string): IPv4Range {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text.trim())
  const address = match ? parseIPv4(match[1]!) : undefined
  const prefix = match ? Number(match[2]) : NaN
  if (address === undefined || !(prefix >= 0 && prefix <= 32)) throw new RangeError(`invalid IPv4 CIDR ${JSON.stringify(text)}`)
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  const network = (address & mask) >>> 0
  return { cidr: `${formatIPv4(network)}/${prefix}`, network, prefix }
}

export type IPAllocationFailure = 'allocated' | 'notInRange'

export class IPAllocator {
  readonly range: IPv4Range
  /** The first address handed out, network + 1 (or the network itself for /31 and /32). */
  private readonly base: number
  private readonly bits: RangeAllocator

  constructor(cidr: string, random?: () => number) {
    this.range = parseIPv4CIDR(cidr)
    const total = 2 ** (32 - this.range.prefix)
    // Upstream leaves out the network and broadcast addresses when the range has them.
    const hasBoundaries = this.range.prefix < 31
    this.base = this.range.network + (hasBoundaries ? 1 : 0)
    this.bits = new RangeAllocator(hasBoundaries ? total - 2 : total, random)
  }

  get cidr(): string {
    return this.range.cidr
  }

  /** The address reserved for the `kubernetes` Service. */
  get firstAddress(): string {
    return formatIPv4(this.base)
  }

  get used(): number {
    return this.bits.used
  }

  get free(): number {
    return this.bits.size - this.bits.used
  }

  private offsetOf(ip: string): number | undefined {
    const value = parseIPv4(ip)
    if (value === undefined) return undefined
    const offset = value - this.base
    return offset >= 0 && offset < this.bits.size ? offset : undefined
  }

  contains(ip: string): boolean {
    return this.offsetOf(ip) !== undefined
  }

  has(ip: string): boolean {
    const offset = this.offsetOf(ip)
    return offset !== undefined && this.bits.has(offset)
  }

  /** Takes `ip`; the failure when it is outside the range or taken. */
  allocate(ip: string): IPAllocationFailure | undefined {
    const offset = this.offsetOf(ip)
    if (offset === undefined) return 'notInRange'
    return this.bits.allocate(offset) ? undefined : 'allocated'
  }

  /** A free address, taken; undefined when the range is full. */
  allocateNext(): string | undefined {
    const offset = this.bits.allocateNext()
    return offset === undefined ? undefined : formatIPv4(this.base + offset)
  }

  release(ip: string): void {
    const offset = this.offsetOf(ip)
    if (offset !== undefined) this.bits.release(offset)
  }
}
