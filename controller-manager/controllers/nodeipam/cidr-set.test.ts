import { describe, expect, it } from 'vitest'
import { CIDRExhaustedError, CidrSet, parseIPv4CIDR } from './cidr-set.ts'

describe('CidrSet', () => {
  it('hands out the /24s of a /16 in order', () => {
    const set = new CidrSet('10.244.0.0/16', 24)
    expect(set.maxCIDRs).toBe(256)
    expect([set.allocateNext(), set.allocateNext(), set.allocateNext()]).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24'])
  })

  it('skips occupied ranges and throws once exhausted', () => {
    const set = new CidrSet('10.0.0.0/22', 24)
    set.occupy('10.0.1.0/24')
    expect(set.allocateNext()).toBe('10.0.0.0/24')
    expect(set.allocateNext()).toBe('10.0.2.0/24')
    expect(set.allocateNext()).toBe('10.0.3.0/24')
    expect(() => set.allocateNext()).toThrow(CIDRExhaustedError)
  })

  it('reuses a released range only after going round (round-robin like upstream)', () => {
    const set = new CidrSet('10.0.0.0/22', 24)
    expect(set.allocateNext()).toBe('10.0.0.0/24')
    expect(set.allocateNext()).toBe('10.0.1.0/24')
    set.release('10.0.0.0/24')
    expect(set.allocated).toBe(1)
    expect(set.allocateNext()).toBe('10.0.2.0/24')
    expect(set.allocateNext()).toBe('10.0.3.0/24')
    expect(set.allocateNext()).toBe('10.0.0.0/24')
  })

  it('counts a range once however often it is occupied or released', () => {
    const set = new CidrSet('10.244.0.0/16', 24)
    set.occupy('10.244.7.0/24')
    set.occupy('10.244.7.0/24')
    expect(set.allocated).toBe(1)
    set.release('10.244.7.0/24')
    set.release('10.244.7.0/24')
    expect(set.allocated).toBe(0)
  })

  it('occupies every block a larger range covers', () => {
    const set = new CidrSet('10.244.0.0/16', 24)
    set.occupy('10.244.4.0/23')
    expect(set.allocated).toBe(2)
  })

  it('rejects ranges outside the cluster CIDR and bad mask sizes', () => {
    const set = new CidrSet('10.244.0.0/16', 24)
    expect(() => set.occupy('10.245.0.0/24')).toThrow(/out the range/)
    expect(() => new CidrSet('10.244.0.0/16', 8)).toThrow(RangeError)
    expect(() => new CidrSet('10.244.0.0/99', 24)).toThrow(/invalid IPv4 CIDR/)
  })

  it('parses and masks CIDRs', () => {
    expect(parseIPv4CIDR('10.244.3.7/16')).toEqual({ ip: (10 * 2 ** 24) + (244 * 2 ** 16), prefix: 16 })
    expect(new CidrSet('192.168.0.0/16', 26).allocateNext()).toBe('192.168.0.0/26')
  })
})
