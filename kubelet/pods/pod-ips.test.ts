import { describe, expect, it } from 'vitest'
import { PodIPAllocator, podSubnetPrefix } from './pod-ips.ts'

describe('podSubnetPrefix', () => {
  it('maps the podCIDR into loopback for the process runtime and keeps it for sim', () => {
    expect(podSubnetPrefix('127.0.1.1', '10.244.3.0/24', 'process')).toBe('127.244.3.')
    expect(podSubnetPrefix('10.0.0.7', '10.244.3.0/24', 'sim')).toBe('10.244.3.')
  })

  it('derives a range from the node IP without a podCIDR', () => {
    expect(podSubnetPrefix('127.0.1.2', undefined, 'process')).toBe('127.129.2.')
    expect(podSubnetPrefix('10.1.200.9', undefined, 'sim')).toBe('10.200.9.')
  })
})

describe('PodIPAllocator', () => {
  it('gives each pod its own address, the same one again, and reuses released ones', () => {
    const ips = new PodIPAllocator('127.129.2.')
    expect(ips.allocate('a')).toBe('127.129.2.2')
    expect(ips.allocate('b')).toBe('127.129.2.3')
    expect(ips.allocate('a')).toBe('127.129.2.2')
    ips.release('a')
    expect(ips.allocate('c', '127.129.2.2')).toBe('127.129.2.2')
    expect(ips.allocate('d', '127.129.2.3')).toBe('127.129.2.4')
  })

  it('refuses a 254th pod', () => {
    const ips = new PodIPAllocator('10.1.1.')
    for (let i = 0; i < 253; i++) ips.allocate(`p${i}`)
    expect(() => ips.allocate('one-too-many')).toThrow(/no free pod IP/)
  })
})
