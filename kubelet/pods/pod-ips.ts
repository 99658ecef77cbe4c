// Pod IPs. Each node hands out addresses from a /24: its podCIDR when the
// controller-manager has assigned one, otherwise a range derived from the
// node's own IP, so a kubelet works without the controller-manager.
//
// The process runtime's pods must be reachable from the host however the
// components were started, so their /24 is mapped into 127.0.0.0/8, which
// Linux routes to the loopback interface as a whole:
//   podCIDR 10.244.N.0/24           → 127.244.N.0/24
//   no podCIDR, node IP a.b.c.d     → 127.(128 + c % 128).d.0/24   (node 127.0.1.2 → 127.129.2.0/24)
// The sim runtime keeps the podCIDR as it is, or derives 10.(128 + c % 128).d.0/24.

/** The first three octets (with a trailing dot) of the node's pod /24. */
export function podSubnetPrefix(nodeIP: string, podCIDR: string | undefined, runtime: 'process' | 'sim'): string {
  const cidr = podCIDR ? /^(\d+)\.(\d+)\.(\d+)\.\d+\/(\d+)$/.exec(podCIDR) : null
  if (cidr) {
    const [, a, b, c] = cidr
    return runtime === 'process' ? `127.${b}.${c}.` : `${a}.${b}.${c}.`
  }
  const ip = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(nodeIP)
  const c = ip ? Number(ip[3]) : 0
  const d = ip ? Number(ip[4]) : 1
  return `${runtime === 'process' ? 127 : 10}.${128 + (c % 128)}.${d}.`
}

/** Hands out .2–.254 of a /24 (.1 is the node's gateway), one per pod uid. */
export class PodIPAllocator {
  readonly prefix: string
  readonly #byUid = new Map<string, string>()
  readonly #used = new Set<string>()
  #next = 2

  constructor(prefix: string) {
    this.prefix = prefix
  }

  /** The pod's IP: the one it already has (preferred, e.g. after a kubelet restart) when free, else the next free one. */
  allocate(uid: string, preferred?: string): string {
    const held = this.#byUid.get(uid)
    if (held) return held
    let ip = preferred && preferred.startsWith(this.prefix) && !this.#used.has(preferred) ? preferred : undefined
    for (let tries = 0; !ip && tries < 253; tries++) {
      const candidate = `${this.prefix}${this.#next}`
      this.#next = this.#next >= 254 ? 2 : this.#next + 1
      if (!this.#used.has(candidate)) ip = candidate
    }
    if (!ip) throw new Error(`no free pod IP left in ${this.prefix}0/24`)
    this.#used.add(ip)
    this.#byUid.set(uid, ip)
    return ip
  }

  release(uid: string): void {
    const ip = this.#byUid.get(uid)
    if (!ip) return
    this.#byUid.delete(uid)
    this.#used.delete(ip)
  }
}
