import { describe, expect, it } from 'vitest'
import { formatIPv4, IPAllocator, parseIPv4, parseIPv4CIDR } from './ip-allocator.ts'
import { lowerBandSize, RangeAllocator } from './range-allocator.ts'

describe('parseIPv4CIDR', () => {
  it('normalises the network address and keeps the prefix', () => {
    expect(parseIPv4CIDR('10.96.0.0/12')).toEqual({ cidr: '10.96.0.0/12', network: parseIPv4('10.96.0.0'), prefix: 12 })
    expect(parseIPv4CIDR('10.100.3.7/12').cidr).toBe('10.96.0.0/12')
    expect(parseIPv4CIDR('192.168.1.0/24').cidr).toBe('192.168.1.0/24')
    expect(parseIPv4CIDR('0.0.0.0/0').cidr).toBe('0.0.0.0/0')
  })

  it.each(['10.96.0.0', '10.96.0.0/33', '10.256.0.0/12', 'fd00::/108', '10.96.0/12', ' /12', '10.96.0.0/-1'])('rejects %j naming it', (text) => {
    expect(() => parseIPv4CIDR(text)).toThrow(new RangeError(`invalid IPv4 CIDR ${JSON.stringify(text)}`))
  })

  it('formats addresses back', () => {
    expect(formatIPv4(parseIPv4('255.0.10.1')!)).toBe('255.0.10.1')
    expect(parseIPv4('1.2.3')).toBeUndefined()
    expect(parseIPv4('01.2.3.4x')).toBeUndefined()
  })
})

describe('IPAllocator', () => {
  it('hands out neither the network nor the broadcast address; the first usable one is the kubernetes address', () => {
    const a = new IPAllocator('10.0.0.0/29')
    expect(a.firstAddress).toBe('10.0.0.1')
    expect(a.free).toBe(6)
    expect(a.allocate('10.0.0.0')).toBe('notInRange')
    expect(a.allocate('10.0.0.7')).toBe('notInRange')
    expect(a.allocate('10.0.0.8')).toBe('notInRange')
    expect(a.allocate('10.0.0.6')).toBeUndefined()
  })

  it('takes a requested address once, and again after release', () => {
    const a = new IPAllocator('10.96.0.0/12')
    expect(a.allocate('10.96.0.10')).toBeUndefined()
    expect(a.allocate('10.96.0.10')).toBe('allocated')
    expect(a.has('10.96.0.10')).toBe(true)
    a.release('10.96.0.10')
    expect(a.has('10.96.0.10')).toBe(false)
    expect(a.allocate('10.96.0.10')).toBeUndefined()
    expect(a.allocate('10.112.0.1')).toBe('notInRange')
    expect(a.allocate('fd00::1')).toBe('notInRange')
  })

  it('allocates every address exactly once, the upper part first, then says full', () => {
    const a = new IPAllocator('10.0.0.0/24')
    const seen: string[] = []
    for (let ip = a.allocateNext(); ip; ip = a.allocateNext()) seen.push(ip)
    expect(seen).toHaveLength(254)
    expect(new Set(seen).size).toBe(254)
    // The lower 16 addresses (.1 to .16) come last.
    const lower = seen.slice(-16).map((ip) => Number(ip.split('.')[3])).sort((x, y) => x - y)
    expect(lower).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
    expect(a.allocateNext()).toBeUndefined()
    a.release('10.0.0.77')
    expect(a.allocateNext()).toBe('10.0.0.77')
  })

  it('never hands out an address that was requested', () => {
    const a = new IPAllocator('10.0.0.0/28', () => 0)
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.14']) a.allocate(ip)
    const rest = new Set<string>()
    for (let ip = a.allocateNext(); ip; ip = a.allocateNext()) rest.add(ip)
    expect(rest.size).toBe(11)
    expect(rest.has('10.0.0.1') || rest.has('10.0.0.2') || rest.has('10.0.0.14')).toBe(false)
  })
})

describe('RangeAllocator', () => {
  it('reserves size/16 at the bottom, between 16 and 256', () => {
    expect(lowerBandSize(100)).toBe(16)
    expect(lowerBandSize(1024)).toBe(64)
    expect(lowerBandSize(2 ** 20)).toBe(256)
  })

  it('works for ranges smaller than the lower band', () => {
    const r = new RangeAllocator(3)
    expect([r.allocateNext(), r.allocateNext(), r.allocateNext()].sort()).toEqual([0, 1, 2])
    expect(r.allocateNext()).toBeUndefined()
  })

  it('rejects a bad size', () => {
    expect(() => new RangeAllocator(-1)).toThrow(RangeError)
  })
})
