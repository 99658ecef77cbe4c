import type { NetworkInterfaceInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { isReachableIPv4, resolveNodeIP, type NodeIPSources } from './node-ip.ts'

const iface = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, internal, family: 'IPv4', netmask: '255.255.0.0', mac: '02:42:ac:12:00:03', cidr: `${address}/16` }) as NetworkInterfaceInfo

function sources(resolved: string[] | Error, interfaces: Record<string, NetworkInterfaceInfo[]>): NodeIPSources & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    hostname: () => '3f2a1b4c5d6e',
    resolve: async (name) => {
      asked.push(name)
      if (resolved instanceof Error) throw resolved
      return resolved
    },
    interfaces: () => interfaces,
  }
}

describe('resolveNodeIP (--node-ip)', () => {
  it('takes an explicit address as it is, without looking anything up', async () => {
    const s = sources(['172.18.0.3'], { eth0: [iface('172.18.0.3')] })
    expect(await resolveNodeIP('127.0.1.2', s)).toEqual({ ip: '127.0.1.2', source: 'flag' })
    expect(s.asked).toEqual([])
  })

  it('auto: the address the hostname resolves to, as Docker writes it in /etc/hosts', async () => {
    const s = sources(['172.18.0.3'], { lo: [iface('127.0.0.1', true)], eth0: [iface('172.18.0.9')] })
    expect(await resolveNodeIP('auto', s)).toEqual({ ip: '172.18.0.3', source: 'hostname' })
    expect(s.asked).toEqual(['3f2a1b4c5d6e'])
  })

  it('auto: skips loopback answers (Debian maps its hostname to 127.0.1.1) for the first non-internal interface', async () => {
    const s = sources(['127.0.1.1'], { lo: [iface('127.0.0.1', true)], eth0: [iface('169.254.3.4'), iface('10.0.0.7')] })
    expect(await resolveNodeIP('auto', s)).toEqual({ ip: '10.0.0.7', source: 'interface' })
  })

  it('auto: an unresolvable hostname falls back to the interfaces', async () => {
    const s = sources(new Error('getaddrinfo ENOTFOUND'), { eth0: [iface('192.168.5.20')] })
    expect(await resolveNodeIP('auto', s)).toEqual({ ip: '192.168.5.20', source: 'interface' })
  })

  it('auto: with no reachable address at all, loopback', async () => {
    const s = sources([], { lo: [iface('127.0.0.1', true)] })
    expect(await resolveNodeIP('auto', s)).toEqual({ ip: '127.0.0.1', source: 'fallback' })
  })
})

describe('isReachableIPv4', () => {
  it.each([
    ['172.18.0.3', true],
    ['10.0.0.1', true],
    ['127.0.0.1', false],
    ['127.0.1.1', false],
    ['0.0.0.0', false],
    ['169.254.1.1', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['fe80::1', false],
    ['300.1.1.1', false],
  ])('%s → %s', (ip, reachable) => {
    expect(isReachableIPv4(ip)).toBe(reachable)
  })
})
