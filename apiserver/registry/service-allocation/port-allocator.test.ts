import { describe, expect, it } from 'vitest'
import { parsePortRange, PortAllocator } from './port-allocator.ts'

describe('parsePortRange', () => {
  it('reads base-max, base+offset and a single port', () => {
    expect(parsePortRange('30000-32767')).toEqual({ base: 30000, size: 2768 })
    expect(parsePortRange('30000+2767')).toEqual({ base: 30000, size: 2768 })
    expect(parsePortRange('8080')).toEqual({ base: 8080, size: 1 })
  })

  it.each(['', '32767-30000', '30000-70000', 'a-b', '30000-', '-1'])('rejects %j', (text) => {
    expect(() => parsePortRange(text)).toThrow(new RangeError(`invalid port range ${JSON.stringify(text)}`))
  })
})

describe('PortAllocator', () => {
  it('takes requested ports once, refuses ports outside the range', () => {
    const p = new PortAllocator('30000-32767')
    expect(p.text).toBe('30000-32767')
    expect(p.allocate(30080)).toBeUndefined()
    expect(p.allocate(30080)).toBe('allocated')
    expect(p.allocate(29999)).toBe('notInRange')
    expect(p.allocate(32768)).toBe('notInRange')
    expect(p.allocate(32767)).toBeUndefined()
    p.release(30080)
    expect(p.allocate(30080)).toBeUndefined()
  })

  it('hands out every port once, then says full', () => {
    const p = new PortAllocator('31000-31019')
    p.allocate(31005)
    const got = new Set<number>()
    for (let port = p.allocateNext(); port !== undefined; port = p.allocateNext()) got.add(port)
    expect(got.size).toBe(19)
    expect(got.has(31005)).toBe(false)
    expect(p.used).toBe(20)
  })
})
