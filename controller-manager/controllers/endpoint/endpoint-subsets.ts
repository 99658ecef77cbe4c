// The subsets of a Service's Endpoints, computed from the pods it selects
// (upstream's syncService body, podToEndpointAddressForService and
// RepackSubsets): one address per pod IP of the Service's family, ready or
// not ready, for every Service port the pod has; then addresses sharing the
// same ports are packed into one subset, in a stable order so that an
// unchanged set of pods gives equal subsets.
import { isIPv6 } from 'node:net'
import { isDeepStrictEqual } from 'node:util'
import type { Pod } from '../../../shared/core-types.ts'
import { isPodReady } from '../../pod-conditions.ts'
import { findPort, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from '../endpointslice/pod-endpoints.ts'
import { clusterIPNone, type EndpointAddress, type EndpointPort, type EndpointSubset, type Service } from './service-types.ts'

/** Upstream's maxCapacity: addresses beyond it are truncated and the Endpoints annotated. */
export const maxEndpointsCapacity = 1000

/** Set to `truncated` when the Endpoints holds only maxEndpointsCapacity of the addresses. */
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity'

export interface BuiltSubsets {
  subsets: EndpointSubset[]
  ready: number
  notReady: number
}

/** The pod's IP of the Service's family (its first ipFamily; else that of its cluster IP, else of the pod). */
export function endpointAddressFor(service: Service, pod: Pod): EndpointAddress | undefined {
  const spec = service.spec ?? {}
  let ipv6: boolean
  if ((spec.ipFamilies ?? []).length > 0) ipv6 = spec.ipFamilies![0] === 'IPv6'
  else if (spec.clusterIP && spec.clusterIP !== clusterIPNone) ipv6 = isIPv6(spec.clusterIP)
  else ipv6 = isIPv6(pod.status?.podIP ?? '')
  const ip = podIPs(pod).find((candidate) => isIPv6(candidate) === ipv6)
  if (!ip) return undefined
  const address: EndpointAddress = {
    ip,
    nodeName: pod.spec?.nodeName,
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  }
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec!.hostname
  return address
}

/** The Endpoints subsets for a Service and the pods its selector picks. */
export function buildSubsets(service: Service, pods: readonly Pod[]): BuiltSubsets {
  const spec = service.spec ?? {}
  const tolerateUnready = spec.publishNotReadyAddresses === true
  const entries: Array<{ address: EndpointAddress; port: EndpointPort | undefined; ready: boolean }> = []
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue
    const address = endpointAddressFor(service, pod)
    if (!address) continue
    const ready = tolerateUnready || isPodReady(pod)
    const ports = spec.ports ?? []
    if (ports.length === 0) {
      // Only a headless Service may do without ports.
      if (spec.clusterIP === clusterIPNone) entries.push({ address, port: undefined, ready })
      continue
    }
    for (const servicePort of ports) {
      let portNumber: number
      try {
        portNumber = findPort(pod, servicePort)
      } catch {
        continue
      }
      const port: EndpointPort = { name: servicePort.name, port: portNumber, protocol: servicePort.protocol }
      if (servicePort.appProtocol) port.appProtocol = servicePort.appProtocol
      entries.push({ address, port, ready })
    }
  }
  let ready = 0
  let notReady = 0
  for (const e of entries) {
    if (e.ready) ready++
    else notReady++
  }
  return { subsets: repackSubsets(entries), ready, notReady }
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`
}

function portKey(p: EndpointPort | undefined): string {
  return p ? JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']) : ''
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1
  const ua = a.targetRef?.uid ?? ''
  const ub = b.targetRef?.uid ?? ''
  return ua < ub ? -1 : ua > ub ? 1 : 0
}

/**
 * Packs (address, port, ready) triples into subsets: ports served by the same
 * ready and not-ready addresses share a subset. An address ready for a port
 * in one entry and not in another counts as ready. Addresses sort by IP then
 * pod uid, ports by name and number, subsets by their first port.
 */
export function repackSubsets(entries: ReadonlyArray<{ address: EndpointAddress; port: EndpointPort | undefined; ready: boolean }>): EndpointSubset[] {
  const byPort = new Map<string, { port: EndpointPort | undefined; addresses: Map<string, { address: EndpointAddress; ready: boolean }> }>()
  for (const { address, port, ready } of entries) {
    const key = portKey(port)
    let group = byPort.get(key)
    if (!group) byPort.set(key, (group = { port, addresses: new Map() }))
    const seen = group.addresses.get(addressKey(address))
    group.addresses.set(addressKey(address), { address, ready: ready || (seen?.ready ?? false) })
  }
  const bySet = new Map<string, EndpointSubset>()
  for (const { port, addresses } of byPort.values()) {
    const members = [...addresses.values()].sort((a, b) => compareAddresses(a.address, b.address))
    const setKey = JSON.stringify(members.map((m) => [addressKey(m.address), m.ready]))
    let subset = bySet.get(setKey)
    if (!subset) {
      const readyAddresses = members.filter((m) => m.ready).map((m) => m.address)
      const notReadyAddresses = members.filter((m) => !m.ready).map((m) => m.address)
      subset = {}
      if (readyAddresses.length > 0) subset.addresses = readyAddresses
      if (notReadyAddresses.length > 0) subset.notReadyAddresses = notReadyAddresses
      bySet.set(setKey, subset)
    }
    if (port) (subset.ports ??= []).push(port)
  }
  const subsets = [...bySet.values()]
  for (const s of subsets) s.ports?.sort(comparePorts)
  return subsets.sort((a, b) => {
    const pa = a.ports?.[0]
    const pb = b.ports?.[0]
    if (!pa || !pb) return pa ? 1 : pb ? -1 : 0
    return comparePorts(pa, pb)
  })
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const na = a.name ?? ''
  const nb = b.name ?? ''
  if (na !== nb) return na < nb ? -1 : 1
  if (a.port !== b.port) return a.port - b.port
  const pa = a.protocol ?? ''
  const pb = b.protocol ?? ''
  return pa < pb ? -1 : pa > pb ? 1 : 0
}

function countAddresses(subsets: readonly EndpointSubset[]): { ready: number; notReady: number } {
  let ready = 0
  let notReady = 0
  for (const s of subsets) {
    ready += s.addresses?.length ?? 0
    notReady += s.notReadyAddresses?.length ?? 0
  }
  return { ready, notReady }
}

/** Whether the subsets hold more addresses than an Endpoints may. */
export function overCapacity(subsets: readonly EndpointSubset[]): boolean {
  const { ready, notReady } = countAddresses(subsets)
  return ready + notReady > maxEndpointsCapacity
}

/**
 * Cuts the subsets down to maxEndpointsCapacity addresses, ready ones first:
 * if the ready addresses alone are too many, they are cut in proportion to
 * each subset's share (rounded up) and every not-ready one goes; otherwise
 * only not-ready addresses are cut, the same way. Returns new subsets.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const { ready, notReady } = countAddresses(subsets)
  if (ready + notReady <= maxEndpointsCapacity) return [...subsets]
  const cutReady = ready > maxEndpointsCapacity
  const budget = cutReady ? maxEndpointsCapacity : maxEndpointsCapacity - ready
  const total = cutReady ? ready : notReady
  let left = budget
  return subsets.map((subset) => {
    const pool = (cutReady ? subset.addresses : subset.notReadyAddresses) ?? []
    const take = Math.min(Math.ceil((pool.length / total) * budget), left)
    const kept = pool.slice(0, take)
    left -= kept.length
    const next: EndpointSubset = { ...subset }
    if (cutReady) {
      next.addresses = kept
      delete next.notReadyAddresses
    } else {
      next.notReadyAddresses = kept
    }
    return next
  })
}

/** Equal subsets, ignoring the pods' resourceVersions in targetRef and fields left empty. */
export function subsetsEqual(a: readonly EndpointSubset[], b: readonly EndpointSubset[]): boolean {
  return isDeepStrictEqual(normalizeSubsets(a), normalizeSubsets(b))
}

function normalizeSubsets(subsets: readonly EndpointSubset[]): unknown {
  return JSON.parse(JSON.stringify(subsets, (k, v) => {
    if (k === '') return v
    if (k === 'resourceVersion') return undefined
    if (Array.isArray(v) && v.length === 0) return undefined
    return v
  }))
}
