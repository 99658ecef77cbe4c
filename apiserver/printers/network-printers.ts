// Services and what routes to them (Endpoints, EndpointSlices, Ingresses,
// IngressClasses, NetworkPolicies) as `kubectl get` shows them.
import type { KubeObject } from '../../shared/api-types.ts'
import { describeLabelSelector, type LabelSelectorObject } from '../../shared/label-selector.ts'
import { formatLabels, listWithMore, since } from './cell-formats.ts'
import { ageColumn, column, definePrinter, nameColumn } from './printer.ts'

interface LoadBalancerStatus {
  ingress?: { ip?: string; hostname?: string }[]
}

interface Service extends KubeObject {
  spec?: {
    type?: string
    clusterIPs?: string[]
    externalIPs?: string[]
    externalName?: string
    ports?: { port?: number; nodePort?: number; protocol?: string }[]
    selector?: Record<string, string>
  }
  status?: { loadBalancer?: LoadBalancerStatus }
}

interface Endpoints extends KubeObject {
  subsets?: { addresses?: { ip?: string }[]; ports?: { name?: string; port?: number }[] }[]
}

interface EndpointSlice extends KubeObject {
  addressType?: string
  ports?: { name?: string; port?: number }[]
  endpoints?: { addresses?: string[] }[]
}

interface Ingress extends KubeObject {
  spec?: { ingressClassName?: string; rules?: { host?: string }[]; tls?: unknown[] }
  status?: { loadBalancer?: LoadBalancerStatus }
}

interface IngressClass extends KubeObject {
  spec?: { controller?: string; parameters?: { apiGroup?: string; kind?: string; name?: string } }
}

interface NetworkPolicy extends KubeObject {
  spec?: { podSelector?: LabelSelectorObject }
}

/** loadBalancerStatusStringer, wide: each ingress point's IP (else hostname), sorted and deduplicated. */
function loadBalancerAddresses(status: LoadBalancerStatus | undefined): string {
  const points = new Set<string>()
  for (const ingress of status?.ingress ?? []) {
    if (ingress.ip) points.add(ingress.ip)
    else if (ingress.hostname) points.add(ingress.hostname)
  }
  return [...points].sort().join(',')
}

function externalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? []
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>'
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc.status?.loadBalancer)
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',')
      // No address yet: the cloud has not provisioned the balancer.
      return lb || '<pending>'
    }
    case 'ExternalName':
      return svc.spec.externalName ?? ''
  }
  return '<unknown>'
}

/** makePortString: `80/TCP`, or `80:30080/TCP` with a node port. */
function servicePorts(svc: Service): string {
  const ports = (svc.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port ?? 0}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port ?? 0}/${p.protocol ?? ''}`))
  return ports.length > 0 ? ports.join(',') : '<none>'
}

export const servicePrinter = definePrinter<Service>({
  columns: [
    nameColumn,
    column('Type', 'string', 'core.ServiceSpec.type'),
    column('Cluster-IP', 'string', 'core.ServiceSpec.clusterIP'),
    column('External-IP', 'string', 'core.ServiceSpec.externalIPs'),
    column('Port(s)', 'string', 'core.ServiceSpec.ports'),
    ageColumn,
    column('Selector', 'string', 'core.ServiceSpec.selector', { priority: 1 }),
  ],
  cells: (svc, now) => [
    svc.metadata.name ?? '',
    svc.spec?.type ?? '',
    svc.spec?.clusterIPs?.[0] ?? '<none>',
    externalIP(svc),
    servicePorts(svc),
    since(svc.metadata.creationTimestamp, now),
    formatLabels(svc.spec?.selector),
  ],
})

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** formatEndpoints: up to three `ip:port` pairs (bare IPs for port-less subsets), then `+ N more...`. */
function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? []
  if (subsets.length === 0) return '<none>'
  const max = 3
  const list: string[] = []
  let count = 0
  for (const subset of subsets) {
    const addresses = subset.addresses ?? []
    const ports = subset.ports ?? []
    // A headless service may publish addresses without ports.
    const targets = ports.length === 0 ? [undefined] : ports
    for (const port of targets) {
      count += addresses.length
      for (const address of addresses) {
        if (list.length === max) break
        list.push(port === undefined ? address.ip ?? '' : joinHostPort(address.ip ?? '', port.port ?? 0))
      }
    }
  }
  const shown = list.join(',')
  return count > max ? `${shown} + ${count - max} more...` : shown
}

export const endpointsPrinter = definePrinter<Endpoints>({
  columns: [nameColumn, column('Endpoints', 'string', 'core.Endpoints.subsets'), ageColumn],
  cells: (ep, now) => [ep.metadata.name ?? '', formatEndpoints(ep), since(ep.metadata.creationTimestamp, now)],
})

export const endpointSlicePrinter = definePrinter<EndpointSlice>({
  columns: [
    nameColumn,
    column('AddressType', 'string', 'discovery.EndpointSlice.addressType'),
    column('Ports', 'string', 'discovery.EndpointSlice.ports'),
    column('Endpoints', 'string', 'discovery.EndpointSlice.endpoints'),
    ageColumn,
  ],
  cells: (slice, now) => [
    slice.metadata.name ?? '',
    slice.addressType ?? '',
    // A port with neither number nor name means "all ports".
    listWithMore((slice.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : p.name ?? '*')), 3),
    listWithMore((slice.endpoints ?? []).flatMap((e) => e.addresses ?? []), 3),
    since(slice.metadata.creationTimestamp, now),
  ],
})

/** formatHosts: the first three rules' hosts, `*` when none names one. */
function ingressHosts(ing: Ingress): string {
  const rules = ing.spec?.rules ?? []
  const max = 3
  const list: string[] = []
  let more = false
  for (const rule of rules) {
    if (list.length === max) more = true
    if (!more && rule.host) list.push(rule.host)
  }
  if (list.length === 0) return '*'
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',')
}

export const ingressPrinter = definePrinter<Ingress>({
  columns: [
    nameColumn,
    column('Class', 'string', { text: 'The name of the IngressClass resource that should be used for additional configuration' }),
    column('Hosts', 'string', { text: 'Hosts that incoming requests are matched against before the ingress rule' }),
    column('Address', 'string', { text: 'Address is a list containing ingress points for the load-balancer' }),
    column('Ports', 'string', { text: 'Ports of TLS configurations that open' }),
    ageColumn,
  ],
  cells: (ing, now) => [
    ing.metadata.name ?? '',
    ing.spec?.ingressClassName ?? '<none>',
    ingressHosts(ing),
    loadBalancerAddresses(ing.status?.loadBalancer),
    (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
    since(ing.metadata.creationTimestamp, now),
  ],
})

export const ingressClassPrinter = definePrinter<IngressClass>({
  columns: [
    nameColumn,
    column('Controller', 'string', { text: 'Controller that is responsible for handling this class' }),
    column('Parameters', 'string', { text: 'A reference to a resource with additional parameters' }),
    ageColumn,
  ],
  cells: (ic, now) => {
    const p = ic.spec?.parameters
    const parameters = p ? `${p.kind ?? ''}${p.apiGroup !== undefined && p.apiGroup !== null ? `.${p.apiGroup}` : ''}/${p.name ?? ''}` : '<none>'
    return [ic.metadata.name ?? '', ic.spec?.controller ?? '', parameters, since(ic.metadata.creationTimestamp, now)]
  },
})

export const networkPolicyPrinter = definePrinter<NetworkPolicy>({
  columns: [nameColumn, column('Pod-Selector', 'string', 'networking.NetworkPolicySpec.podSelector'), ageColumn],
  cells: (np, now) => [np.metadata.name ?? '', describeLabelSelector(np.spec?.podSelector ?? {}), since(np.metadata.creationTimestamp, now)],
})
