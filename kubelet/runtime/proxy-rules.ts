// What kube-proxy must do on one node, computed from Services and
// EndpointSlices as pure data (upstream's ServiceChangeTracker +
// EndpointsChangeTracker, reduced): one rule per address and port to listen
// on, each with the ready backends of its service port. Only the externally
// reachable frontends are rules here: nodePorts on the node's IP, and
// LoadBalancer ingress IPs at the service port. ClusterIPs are not: a
// userspace proxy cannot take over addresses the host does not route to it.
import type { KubeObject } from '../../shared/api-types.ts'

/** The Service fields kube-proxy reads. */
export interface ProxiedService extends KubeObject {
  spec?: {
    type?: string
    clusterIP?: string
    ports?: Array<{ name?: string; protocol?: string; port?: number; nodePort?: number; [field: string]: unknown }>
    [field: string]: unknown
  }
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string; [field: string]: unknown }> } }
}

/** The EndpointSlice fields kube-proxy reads (discovery.k8s.io/v1). */
export interface EndpointSlice extends KubeObject {
  addressType?: string
  endpoints?: Array<{
    addresses?: string[]
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean }
    nodeName?: string
    [field: string]: unknown
  }>
  ports?: Array<{ name?: string; port?: number; protocol?: string; [field: string]: unknown }>
}

/** The label an EndpointSlice names its Service with. */
export const serviceNameLabel = 'kubernetes.io/service-name'

export interface Backend {
  ip: string
  port: number
}

export interface ProxyRule {
  /** `<ip>:<port>`: one listener per rule. */
  key: string
  ip: string
  port: number
  /** `<namespace>/<service>:<port name>`, as kube-proxy names a service port in its logs. */
  servicePort: string
  frontend: 'NodePort' | 'LoadBalancer'
  /** Ready endpoints at the port the slices give for this service port's name, without duplicates, in a stable order. */
  backends: Backend[]
}

const isTCP = (protocol: string | undefined) => (protocol ?? 'TCP') === 'TCP'

/**
 * An endpoint takes new connections when ready. The API says a missing
 * `ready` means true (an EndpointSlice written by hand often has none).
 */
function isReady(endpoint: NonNullable<EndpointSlice['endpoints']>[number]): boolean {
  return endpoint.conditions?.ready !== false
}

/** Ready backends of each service port, by `<namespace>/<service>` then port name. */
function backendsByServicePort(slices: readonly EndpointSlice[]): Map<string, Map<string, Backend[]>> {
  const out = new Map<string, Map<string, Backend[]>>()
  for (const slice of slices) {
    const service = slice.metadata.labels?.[serviceNameLabel]
    // IPv4 only: the proxy listens on IPv4 addresses (FQDN slices are not proxied upstream either).
    if (!service || (slice.addressType ?? 'IPv4') !== 'IPv4') continue
    const key = `${slice.metadata.namespace ?? 'default'}/${service}`
    let ports = out.get(key)
    if (!ports) out.set(key, (ports = new Map()))
    for (const p of slice.ports ?? []) {
      if (!isTCP(p.protocol) || !p.port) continue
      const name = p.name ?? ''
      let list = ports.get(name)
      if (!list) ports.set(name, (list = []))
      for (const endpoint of slice.endpoints ?? []) {
        // Upstream proxies to an endpoint's first address only.
        const ip = endpoint.addresses?.[0]
        if (ip && isReady(endpoint) && !list.some((b) => b.ip === ip && b.port === p.port)) list.push({ ip, port: p.port })
      }
    }
  }
  for (const ports of out.values()) for (const list of ports.values()) list.sort(compareBackends)
  return out
}

function compareBackends(a: Backend, b: Backend): number {
  return a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1
}

/**
 * The listeners the node needs: each TCP service port with a nodePort on
 * nodeIP, and each LoadBalancer ingress IP at the service port. Services are
 * taken in namespace/name order, so when two claim one address and port the
 * first keeps it. A rule's backends may be empty: it is the caller's choice
 * to refuse connections then (as kube-proxy's REJECT rule does).
 */
export function proxyRules(services: readonly ProxiedService[], slices: readonly EndpointSlice[], nodeIP: string): ProxyRule[] {
  const backends = backendsByServicePort(slices)
  const rules = new Map<string, ProxyRule>()
  const add = (rule: Omit<ProxyRule, 'key'>) => {
    const key = `${rule.ip}:${rule.port}`
    if (!rules.has(key)) rules.set(key, { key, ...rule })
  }
  const sorted = [...services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)))
  for (const svc of sorted) {
    const type = svc.spec?.type ?? 'ClusterIP'
    if (type === 'ExternalName') continue
    const key = serviceKey(svc)
    const ingressIPs = type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])) : []
    for (const port of svc.spec?.ports ?? []) {
      if (!isTCP(port.protocol) || !port.port) continue
      const name = port.name ?? ''
      const servicePort = `${key}:${name}`
      const ready = backends.get(key)?.get(name) ?? []
      if (port.nodePort) add({ ip: nodeIP, port: port.nodePort, servicePort, frontend: 'NodePort', backends: ready })
      for (const ip of ingressIPs) add({ ip, port: port.port, servicePort, frontend: 'LoadBalancer', backends: ready })
    }
  }
  return [...rules.values()]
}

function serviceKey(svc: KubeObject): string {
  return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name ?? ''}`
}
