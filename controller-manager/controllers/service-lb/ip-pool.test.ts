import { describe, expect, it } from 'vitest'
import { IPPool, parseIPRanges } from './ip-pool.ts'

describe('parseIPRanges', () => {
  it('leaves out the network and broadcast addresses of a CIDR', () => {
    const pool = new IPPool(parseIPRanges('127.0.200.0/24'))
    expect(pool.size).toBe(254)
    expect(pool.contains('127.0.200.0')).toBe(false)
    expect(pool.contains('127.0.200.1')).toBe(true)
    expect(pool.contains('127.0.200.254')).toBe(true)
    expect(pool.contains('127.0.200.255')).toBe(false)
  })

  it('keeps both addresses of a /31 and the one of a /32', () => {
    expect(new IPPool(parseIPRanges('10.0.0.4/31')).size).toBe(2)
    expect(new IPPool(parseIPRanges('10.0.0.4/32')).size).toBe(1)
  })

  it('reads from-to ranges and lists', () => {
    const pool = new IPPool(parseIPRanges('127.0.85.10-127.0.85.12, 127.0.86.5/32'))
    expect(pool.size).toBe(4)
    expect(pool.contains('127.0.85.9')).toBe(false)
    expect(pool.contains('127.0.86.5')).toBe(true)
  })

  it('rejects what is not an IPv4 range, naming it', () => {
    expect(() => parseIPRanges('fd00::/64')).toThrow(/invalid CIDR "fd00::\/64"/)
    expect(() => parseIPRanges('127.0.85.12-127.0.85.10')).toThrow(/first address is after the last/)
    expect(() => parseIPRanges('pool')).toThrow(RangeError)
    expect(() => parseIPRanges('')).toThrow(/must not be empty/)
  })
})

describe('IPPool', () => {
  it('gives the lowest free address and the same one again to its owner', () => {
    const pool = new IPPool(parseIPRanges('127.0.85.0/29'))
    expect(pool.allocate('default/a')).toBe('127.0.85.1')
    expect(pool.allocate('default/b')).toBe('127.0.85.2')
    expect(pool.allocate('default/a')).toBe('127.0.85.1')
    expect(pool.release('default/a')).toBe('127.0.85.1')
    expect(pool.allocate('default/c')).toBe('127.0.85.1')
  })

  it('honours a requested address only when it is in range and free', () => {
    const pool = new IPPool(parseIPRanges('127.0.85.0/29'))
    expect(pool.claim('default/a', '127.0.85.5')).toBe(true)
    expect(pool.claim('default/b', '127.0.85.5')).toBe(false)
    expect(pool.claim('default/b', '10.0.0.1')).toBe(false)
    expect(pool.ownerOf('127.0.85.5')).toBe('default/a')
    // Claiming another address moves the owner, freeing the first.
    expect(pool.claim('default/a', '127.0.85.6')).toBe(true)
    expect(pool.ownerOf('127.0.85.5')).toBeUndefined()
  })

  it('runs out', () => {
    const pool = new IPPool(parseIPRanges('127.0.85.1-127.0.85.2'))
    pool.allocate('a')
    pool.allocate('b')
    expect(pool.allocate('c')).toBeUndefined()
    pool.release('a')
    expect(pool.allocate('c')).toBe('127.0.85.1')
  })
})
