// What both endpoint controllers ask of a pod (upstream's k8s.io/endpointslice
// util): is it an endpoint at all, which Services select it, which port a
// Service port reaches on it, and did a pod update change anything an
// endpoint shows.
import { isDeepStrictEqual } from 'node:util'
import type { Pod } from '../../../shared/core-types.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import { keyOf, type Reconciler } from '../../reconciler.ts'
import { isPodReady, isPodTerminal } from '../../pod-conditions.ts'
import type { Service, ServicePort } from '../endpoint/service-types.ts'

/**
 * Whether the pod belongs in Endpoints or EndpointSlices: not finished, has
 * an IP, and (unless includeTerminating) is not being deleted.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false
  return true
}

/** The pod's hostname is published only for the Service its subdomain names. */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace
}

/** The pod's IPs, first the primary; podIPs when set, else podIP. */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '').filter(Boolean)
  if (ips.length > 0) return ips
  return pod.status?.podIP ? [pod.status.podIP] : []
}

/**
 * The container port a Service port reaches on this pod: a numeric
 * targetPort as is; a named one looked up among the containers' ports (and
 * sidecars', init containers with restartPolicy Always) with the same
 * protocol. Throws when no container has it: the pod then gets no endpoint
 * for that port.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number {
  const target = servicePort.targetPort ?? servicePort.port
  if (typeof target === 'number') return target
  const protocol = servicePort.protocol ?? 'TCP'
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol && port.containerPort !== undefined) return port.containerPort
    }
  }
  throw new Error(`no suitable port for manifest: ${pod.metadata.uid ?? ''}`)
}

/** Whether a Service's selector picks the pod. A null selector selects nothing; {} selects every pod of the namespace. */
export function serviceSelects(service: Service, pod: Pod): boolean {
  const selector = service.spec?.selector
  if (selector === null || selector === undefined) return false
  if (service.metadata.namespace !== pod.metadata.namespace) return false
  const labels = pod.metadata.labels ?? {}
  return Object.entries(selector).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v)
}

/** Keys of the Services (from those given) whose selector picks the pod. */
export function podServiceMemberships(services: readonly Service[], pod: Pod): Set<string> {
  const keys = new Set<string>()
  for (const service of services) if (serviceSelects(service, pod)) keys.add(keyOf(service))
  return keys
}

/**
 * Whether an update can change the pod's endpoints (first) and the Services
 * that select it (second). NodeName, name and uid are not compared: they
 * are fixed before the pod gets an IP.
 */
export function podEndpointsChanged(oldPod: Pod, newPod: Pod): [podChanged: boolean, labelsChanged: boolean] {
  const labelsChanged = !isDeepStrictEqual(oldPod.metadata.labels ?? {}, newPod.metadata.labels ?? {})
    || oldPod.spec?.hostname !== newPod.spec?.hostname || oldPod.spec?.subdomain !== newPod.spec?.subdomain
  if (oldPod.metadata.deletionTimestamp !== newPod.metadata.deletionTimestamp) return [true, labelsChanged]
  if (isPodReady(oldPod) !== isPodReady(newPod)) return [true, labelsChanged]
  if (!isDeepStrictEqual(podIPs(oldPod), podIPs(newPod))) return [true, labelsChanged]
  // A pod that just finished leaves its Services (upstream notices through its IPs or readiness; phase says it at once).
  if (isPodTerminal(oldPod) !== isPodTerminal(newPod)) return [true, labelsChanged]
  return [false, labelsChanged]
}

/**
 * The Services to sync after a pod update: none for a resync (same
 * resourceVersion) or an irrelevant change; those selecting the new pod; when
 * labels changed, also those that selected the old one (all of them if the
 * endpoint itself changed, else only the ones gained or lost).
 */
export function servicesToUpdateOnPodChange(services: readonly Service[], oldPod: Pod, newPod: Pod): Set<string> {
  if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return new Set()
  const [podChanged, labelsChanged] = podEndpointsChanged(oldPod, newPod)
  if (!podChanged && !labelsChanged) return new Set()
  const current = podServiceMemberships(services, newPod)
  if (!labelsChanged) return current
  const previous = podServiceMemberships(services, oldPod)
  if (podChanged) return new Set([...current, ...previous])
  return new Set([...current, ...previous].filter((key) => current.has(key) !== previous.has(key)))
}

/**
 * The event handlers both endpoint controllers share: a Service change
 * queues that Service; a pod change queues the Services it is (or was) a
 * member of, after batchMs when batching is on.
 */
export function watchServicesAndPods(services: Informer<Service>, pods: Informer<Pod>, reconciler: Reconciler, batchMs: number): void {
  const enqueue = (key: string) => (batchMs > 0 ? reconciler.queue.addAfter(key, batchMs) : reconciler.enqueueKey(key))
  const servicesOf = (pod: Pod) => services.byIndex('namespace', pod.metadata.namespace ?? '')
  const enqueueMemberships = (pod: Pod) => {
    for (const key of podServiceMemberships(servicesOf(pod), pod)) enqueue(key)
  }
  services.addEventHandler({
    onAdd: (svc) => reconciler.enqueue(svc),
    onUpdate: (_, svc) => reconciler.enqueue(svc),
    onDelete: (svc) => reconciler.enqueue(svc),
  })
  pods.addEventHandler({
    onAdd: enqueueMemberships,
    onUpdate: (oldPod, pod) => {
      for (const key of servicesToUpdateOnPodChange(servicesOf(pod), oldPod, pod)) enqueue(key)
    },
    onDelete: enqueueMemberships,
  })
}
