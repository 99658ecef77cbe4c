// Which EndpointSlices to create, update and delete so that a Service's
// slices list exactly the pods it selects (upstream's endpointslice
// Reconciler, without topology hints). Pure: the controller applies the plan.
//
// Endpoints are grouped by the ports they serve (a pod lacking a named port
// serves fewer) and by address type; each group fills slices of at most
// maxEndpointsPerSlice. The plan touches as few slices as it can: an
// endpoint already in a slice stays there, changed endpoints are updated in
// place, new ones first fill slices that change anyway, then the unchanged
// slice closest to full that can take them all, then new slices. A Service
// with no endpoints keeps one empty placeholder slice.
import { isDeepStrictEqual } from 'node:util'
import { isIPv6 } from 'node:net'
import type { Pod } from '../../../shared/core-types.ts'
import { isPodReady } from '../../pod-conditions.ts'
import { clusterIPNone, headlessServiceLabel, isServiceIPSet, type Service } from '../endpoint/service-types.ts'
import {
  controllerName, managedByLabel, serviceNameLabel,
  type Endpoint, type EndpointSlice, type EndpointSlicePort,
} from './endpointslice-types.ts'
import { findPort, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.ts'

export interface SlicePlanInput {
  service: Service
  /** Pods the Service's selector picks. */
  pods: readonly Pod[]
  /** The cache's slices labelled with the Service's name and managed by this controller, none terminating. */
  existing: readonly EndpointSlice[]
  /** The zone label of a node; null when the node does not exist. */
  nodeZone(nodeName: string): string | undefined | null
  /** @default 100 */
  maxEndpointsPerSlice?: number
}

export interface SlicePlan {
  create: EndpointSlice[]
  update: EndpointSlice[]
  delete: EndpointSlice[]
  /** Pods left out for now (their node is unknown): the Service should sync again. */
  errors: string[]
}

/** IPv4 and/or IPv6: from spec.ipFamilies, else the cluster IP's family, else (headless, unknown) both. */
export function addressTypesFor(service: Service): Set<string> {
  const types = new Set<string>()
  for (const family of service.spec?.ipFamilies ?? []) {
    if (family === 'IPv4') types.add('IPv4')
    if (family === 'IPv6') types.add('IPv6')
  }
  if (types.size > 0) return types
  const ip = service.spec?.clusterIP ?? ''
  if (ip && ip !== clusterIPNone) return new Set([isIPv6(ip) ? 'IPv6' : 'IPv4'])
  return new Set(['IPv4', 'IPv6'])
}

/** The ports a pod serves for the Service; a named targetPort the pod lacks is left out. */
export function endpointPorts(service: Service, pod: Pod): EndpointSlicePort[] {
  const ports: EndpointSlicePort[] = []
  if ((service.spec?.ports ?? []).length === 0 && service.spec?.clusterIP === clusterIPNone) return ports
  for (const servicePort of service.spec?.ports ?? []) {
    let port: number
    try {
      port = findPort(pod, servicePort)
    } catch {
      continue
    }
    const p: EndpointSlicePort = { name: servicePort.name ?? '', port, protocol: servicePort.protocol ?? 'TCP' }
    if (servicePort.appProtocol) p.appProtocol = servicePort.appProtocol
    ports.push(p)
  }
  return ports
}

/** ready is serving and not terminating (or publishNotReadyAddresses); serving is the pod's Ready condition. */
export function podToEndpoint(pod: Pod, service: Service, addressType: string, zone: string | undefined): Endpoint {
  const serving = isPodReady(pod)
  const terminating = !!pod.metadata.deletionTimestamp
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating)
  const endpoint: Endpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  }
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName
  if (zone) endpoint.zone = zone
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec!.hostname
  return endpoint
}

/** Identity of an endpoint across syncs: its addresses, hostname and pod (upstream's hashEndpoint). */
export function endpointKey(e: Endpoint): string {
  return JSON.stringify([[...e.addresses].sort(), e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? ''])
}

/** Identity of a group of ports, in any order. */
export function portMapKey(ports: readonly EndpointSlicePort[] | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => JSON.stringify([p.name ?? '', p.port ?? 0, p.protocol ?? '', p.appProtocol ?? ''])).sort())
}

/** Whether two endpoints of the same key differ in what the key leaves out (pod resourceVersions ignored). */
export function endpointsEqualBeyondKey(a: Endpoint, b: Endpoint): boolean {
  const rest = (e: Endpoint) => ({
    nodeName: e.nodeName, zone: e.zone,
    ready: e.conditions?.ready, serving: e.conditions?.serving, terminating: e.conditions?.terminating,
    ref: e.targetRef ? { kind: e.targetRef.kind, namespace: e.targetRef.namespace, name: e.targetRef.name, uid: e.targetRef.uid } : undefined,
  })
  return isDeepStrictEqual(JSON.parse(JSON.stringify(rest(a))), JSON.parse(JSON.stringify(rest(b))))
}

function ownedBy(slice: EndpointSlice, service: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === service.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1')
}

/**
 * The labels a slice of this Service carries: the Service's own (less the
 * reserved keys), the headless label when it has no cluster IP, the service
 * name and managed-by. Second: whether the slice's non-reserved labels differ
 * from the Service's (so the slice needs an update).
 */
export function sliceLabels(slice: EndpointSlice | undefined, service: Service): [Record<string, string>, boolean] {
  const reserved = (key: string) => key === serviceNameLabel || key === managedByLabel || key === headlessServiceLabel
  const own = Object.fromEntries(Object.entries(slice?.metadata.labels ?? {}).filter(([k]) => !reserved(k)))
  const labels = Object.fromEntries(Object.entries(service.metadata.labels ?? {}).filter(([k]) => !reserved(k)))
  const changed = !isDeepStrictEqual(own, labels)
  if (!isServiceIPSet(service)) labels[headlessServiceLabel] = ''
  labels[serviceNameLabel] = service.metadata.name ?? ''
  labels[managedByLabel] = controllerName
  return [labels, changed]
}

/** A new slice of the Service (named by the server from generateName), owned by it. */
export function newEndpointSlice(service: Service, ports: EndpointSlicePort[], addressType: string): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${service.metadata.name}-`,
      namespace: service.metadata.namespace,
      labels: sliceLabels(undefined, service)[0],
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name ?? '', uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports,
  }
}

interface DesiredGroup {
  ports: EndpointSlicePort[]
  endpoints: Map<string, Endpoint>
}

export function planSlices(input: SlicePlanInput): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], errors: [] }
  const types = addressTypesFor(input.service)
  const byType = new Map<string, EndpointSlice[]>()
  // The server may send a placeholder's endpoints as null.
  for (const slice of input.existing.map((s) => (Array.isArray(s.endpoints) ? s : { ...s, endpoints: [] }))) {
    if (!types.has(slice.addressType)) plan.delete.push(slice)
    else byType.set(slice.addressType, [...(byType.get(slice.addressType) ?? []), slice])
  }
  for (const addressType of [...types].sort()) {
    const part = planAddressType(input, byType.get(addressType) ?? [], addressType)
    plan.create.push(...part.create)
    plan.update.push(...part.update)
    plan.delete.push(...part.delete)
    plan.errors.push(...part.errors)
  }
  return plan
}

function planAddressType(input: SlicePlanInput, existing: readonly EndpointSlice[], addressType: string): SlicePlan {
  const { service } = input
  const max = input.maxEndpointsPerSlice ?? 100
  const errors: string[] = []
  let toCreate: EndpointSlice[] = []
  const toUpdate: EndpointSlice[] = []
  const toDelete: EndpointSlice[] = []

  const existingByPorts = new Map<string, EndpointSlice[]>()
  for (const slice of existing) {
    if (!ownedBy(slice, service)) {
      toDelete.push(slice)
      continue
    }
    const key = portMapKey(slice.ports)
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice])
  }

  const desired = new Map<string, DesiredGroup>()
  const pods = [...input.pods].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue
    const ports = endpointPorts(service, pod)
    const key = portMapKey(ports)
    let group = desired.get(key)
    if (!group) desired.set(key, (group = { ports, endpoints: new Map() }))
    const zone = input.nodeZone(pod.spec?.nodeName ?? '')
    if (zone === null && service.spec?.publishNotReadyAddresses !== true) {
      // The pod's node is gone or not seen yet: publish the others now, retry this one later.
      errors.push(`skipping Pod ${pod.metadata.name} for Service ${service.metadata.namespace}/${service.metadata.name}: Node ${pod.spec?.nodeName ?? ''} Not Found`)
      continue
    }
    const endpoint = podToEndpoint(pod, service, addressType, zone ?? undefined)
    if (endpoint.addresses.length > 0) group.endpoints.set(endpointKey(endpoint), endpoint)
  }

  for (const [key, group] of desired) {
    const part = planPortGroup(service, existingByPorts.get(key) ?? [], group, addressType, max)
    toCreate.push(...part.create)
    toUpdate.push(...part.update)
    toDelete.push(...part.delete)
  }
  for (const [key, slices] of existingByPorts) if (!desired.has(key)) toDelete.push(...slices)

  // With no endpoints at all, one empty placeholder stands for the Service.
  if (existing.length === toDelete.length && toCreate.length === 0) {
    const placeholder = newEndpointSlice(service, [], addressType)
    if (toDelete.length === 1 && isPlaceholderFor(toDelete[0], placeholder)) toDelete.length = 0
    else toCreate.push(placeholder)
  }

  // Rather than delete one slice and create another, reuse the one going away.
  const keptDeletes: EndpointSlice[] = []
  for (const doomed of toDelete) {
    if (toCreate.length > 0 && doomed.addressType === addressType && ownedBy(doomed, service)) {
      const slice = toCreate[toCreate.length - 1]
      toCreate = toCreate.slice(0, -1)
      toUpdate.push({ ...slice, metadata: { ...doomed.metadata, labels: slice.metadata.labels, ownerReferences: doomed.metadata.ownerReferences } })
    } else {
      keptDeletes.push(doomed)
    }
  }
  return { create: toCreate, update: toUpdate, delete: keptDeletes, errors }
}

function isPlaceholderFor(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return slice.metadata.namespace === placeholder.metadata.namespace
    && isDeepStrictEqual(slice.metadata.labels ?? {}, placeholder.metadata.labels)
    && isDeepStrictEqual((slice.metadata.ownerReferences ?? []).map((o) => o.uid), placeholder.metadata.ownerReferences!.map((o) => o.uid))
    && slice.addressType === placeholder.addressType
    && (slice.endpoints ?? []).length === 0 && (slice.ports ?? []).length === 0
}

/** One group of ports: keep, update, fill and create slices as the file's header says. */
function planPortGroup(service: Service, existing: readonly EndpointSlice[], group: DesiredGroup, addressType: string, max: number) {
  const desired = new Map(group.endpoints)
  const byName = new Map<string, EndpointSlice>()
  const unchanged = new Set<string>()
  const toUpdate = new Set<string>()
  const toDelete = new Set<string>()

  for (const slice of existing) {
    const name = slice.metadata.name ?? ''
    byName.set(name, slice)
    const kept: Endpoint[] = []
    let endpointChanged = false
    for (const endpoint of slice.endpoints ?? []) {
      const key = endpointKey(endpoint)
      const want = desired.get(key)
      if (!want) continue
      kept.push(want)
      if (!endpointsEqualBeyondKey(want, endpoint)) endpointChanged = true
      desired.delete(key)
    }
    const [labels, labelsChanged] = sliceLabels(slice, service)
    if (endpointChanged || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(name)
      else {
        byName.set(name, { ...slice, metadata: { ...slice.metadata, labels }, endpoints: kept })
        toUpdate.add(name)
      }
    } else if (labelsChanged) {
      byName.set(name, { ...slice, metadata: { ...slice.metadata, labels } })
      toUpdate.add(name)
    } else {
      unchanged.add(name)
    }
  }

  const remaining = [...desired.values()]
  // Fill the slices being written anyway, fullest first.
  if (remaining.length > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length)
    for (const slice of slices) {
      while (remaining.length > 0 && slice.endpoints.length < max) slice.endpoints.push(remaining.shift()!)
    }
  }

  const toCreate: EndpointSlice[] = []
  while (remaining.length > 0) {
    let target: EndpointSlice | undefined
    if (remaining.length < max && unchanged.size > 0) {
      const closest = sliceToFill([...unchanged].map((n) => byName.get(n)!), remaining.length, max)
      if (closest) {
        target = { ...closest, endpoints: [...closest.endpoints] }
        byName.set(closest.metadata.name ?? '', target)
      }
    }
    target ??= newEndpointSlice(service, group.ports, addressType)
    while (remaining.length > 0 && target.endpoints.length < max) target.endpoints.push(remaining.shift()!)
    if (target.metadata.name) {
      toUpdate.add(target.metadata.name)
      unchanged.delete(target.metadata.name)
    } else {
      toCreate.push(target)
    }
  }
  return {
    create: toCreate,
    update: [...toUpdate].map((n) => byName.get(n)!),
    delete: [...toDelete].map((n) => byName.get(n)!),
  }
}

/** The slice that would be closest to full after taking n endpoints, if any can take them all. */
export function sliceToFill(slices: readonly EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined
  let bestGap = max
  for (const slice of slices) {
    const gap = max - (n + slice.endpoints.length)
    if (gap >= 0 && gap < bestGap) {
      best = slice
      bestGap = gap
      if (gap === 0) break
    }
  }
  return best
}
