// `--node-ip auto`: find the node's InternalIP at start-up, for a kubelet
// whose address is only known once it runs, such as one of several replicas
// of a docker compose service. The order follows upstream's kubelet when it
// is given no node IP: the address the hostname resolves to (Docker maps a
// container's hostname to its address on the compose network in /etc/hosts),
// else the first non-internal IPv4 interface. Addresses nobody else can reach
// (loopback, link-local, unspecified, multicast) are skipped.
import { lookup } from 'node:dns/promises'
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os'

export const autoNodeIP = 'auto'

/** Where the addresses come from; tests pass their own. */
export interface NodeIPSources {
  hostname(): string
  /** IPv4 addresses the name resolves to, in resolver order. */
  resolve(name: string): Promise<string[]>
  interfaces(): NodeJS.Dict<NetworkInterfaceInfo[]>
}

export interface NodeIPChoice {
  ip: string
  /** How it was found, for the start-up log. */
  source: 'flag' | 'hostname' | 'interface' | 'fallback'
}

const systemSources: NodeIPSources = {
  hostname,
  resolve: async (name) => (await lookup(name, { all: true, family: 4 })).map((a) => a.address),
  interfaces: networkInterfaces,
}

/** True for an IPv4 address another machine could reach this one at. */
export function isReachableIPv4(ip: string): boolean {
  const octets = ip.split('.').map(Number)
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return false
  const [a, b] = octets
  if (a === 0 || a === 127) return false // unspecified, loopback
  if (a === 169 && b === 254) return false // link-local
  if (a >= 224) return false // multicast, reserved, broadcast
  return true
}

/** The flag's value, unless it is `auto`: then the detected address (127.0.0.1 when there is none). */
export async function resolveNodeIP(flag: string, sources: NodeIPSources = systemSources): Promise<NodeIPChoice> {
  if (flag !== autoNodeIP) return { ip: flag, source: 'flag' }
  try {
    const fromHostname = (await sources.resolve(sources.hostname())).find(isReachableIPv4)
    if (fromHostname) return { ip: fromHostname, source: 'hostname' }
  } catch {
    // The hostname does not resolve: look at the interfaces instead.
  }
  for (const list of Object.values(sources.interfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal && isReachableIPv4(a.address)) return { ip: a.address, source: 'interface' }
    }
  }
  return { ip: '127.0.0.1', source: 'fallback' }
}
