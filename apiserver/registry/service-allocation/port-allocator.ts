// Node ports from `--service-node-port-range`, as upstream's portallocator.
import { RangeAllocator } from './range-allocator.ts'

export interface PortRange {
  base: number
  size: number
}

/**
 * `30000-32767`, `30000+2767` or a single port, as upstream's
 * net.ParsePortRange; throws a RangeError naming the value otherwise.
 */
export function parsePortRange(text: string): PortRange {
  const value = text.trim()
  const bad = () => new RangeError(`invalid port range ${JSON.stringify(text)}`)
  const match = /^(\d+)(?:([-+])(\d+))?$/.exec(value)
  if (!match) throw bad()
  const low = Number(match[1])
  let high = low
  if (match[2] === '-') high = Number(match[3])
  else if (match[2] === '+') high = low + Number(match[3])
  if (low < 0 || high > 65535 || high < low) throw bad()
  return { base: low, size: high - low + 1 }
}

export function formatPortRange(range: PortRange): string {
  return `${range.base}-${range.base + range.size - 1}`
}

export type PortAllocationFailure = 'allocated' | 'notInRange'

export class PortAllocator {
  readonly range: PortRange
  private readonly bits: RangeAllocator

  constructor(range: string, random?: () => number) {
    this.range = parsePortRange(range)
    this.bits = new RangeAllocator(this.range.size, random)
  }

  /** `30000-32767`, as upstream prints it in messages. */
  get text(): string {
    return formatPortRange(this.range)
  }

  get used(): number {
    return this.bits.used
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.range.base && port < this.range.base + this.range.size
  }

  has(port: number): boolean {
    return this.contains(port) && this.bits.has(port - this.range.base)
  }

  allocate(port: number): PortAllocationFailure | undefined {
    if (!this.contains(port)) return 'notInRange'
    return this.bits.allocate(port - this.range.base) ? undefined : 'allocated'
  }

  /** A free port, taken; undefined when the range is full. */
  allocateNext(): number | undefined {
    const offset = this.bits.allocateNext()
    return offset === undefined ? undefined : this.range.base + offset
  }

  release(port: number): void {
    if (this.contains(port)) this.bits.release(port - this.range.base)
  }
}
