// The downward API's values: what a fieldRef or resourceFieldRef resolves to,
// for env vars (env.ts) and downwardAPI/projected volume files (volumes.ts).
// Values and error messages follow upstream's fieldpath and resource helpers
// and the kubelet's podFieldSelectorRuntimeValue.
import type { Container, Pod } from '../../shared/core-types.ts'
import { goQuote } from '../../shared/name-validation.ts'
import { parseQuantity } from '../../shared/quantity.ts'

/** The addresses only the kubelet knows when it starts a container. */
export interface PodAddresses {
  /** The pod's IPs, preferred family first; status.podIP is the first. */
  podIPs: readonly string[]
  /** The node's IPs; status.hostIP is the first. */
  hostIPs: readonly string[]
}

/** labels and annotations as one file or value: `key="value"` lines (Go %q), sorted by key so the output is stable. */
export function formatMap(map: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${goQuote(map![key])}`)
    .join('\n')
}

/** `metadata.labels['app']` → ['metadata.labels', 'app']. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  const match = /^(.*)\['(.*)'\]$/s.exec(fieldPath)
  return match ? [match[1], match[2]] : undefined
}

/** A fieldRef's value; throws with upstream's message for a path it does not serve. */
export function podFieldValue(pod: Pod, ref: { apiVersion?: string; fieldPath?: string }, addresses: PodAddresses): string {
  const fieldPath = ref.fieldPath ?? ''
  if (ref.apiVersion && ref.apiVersion !== 'v1') throw new Error(`unsupported pod version: ${ref.apiVersion}`)
  const meta = pod.metadata
  const subscripted = splitSubscript(fieldPath)
  if (subscripted) {
    const [path, key] = subscripted
    if (path === 'metadata.labels') return meta.labels?.[key] ?? ''
    if (path === 'metadata.annotations') return meta.annotations?.[key] ?? ''
    throw new Error(`fieldPath ${goQuote(fieldPath)} does not support subscript`)
  }
  switch (fieldPath) {
    case 'metadata.name': return meta.name ?? ''
    case 'metadata.namespace': return meta.namespace ?? ''
    case 'metadata.uid': return meta.uid ?? ''
    case 'metadata.labels': return formatMap(meta.labels)
    case 'metadata.annotations': return formatMap(meta.annotations)
    case 'spec.nodeName': return pod.spec?.nodeName ?? ''
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? ''
    case 'status.hostIP': return addresses.hostIPs[0] ?? ''
    case 'status.hostIPs': return addresses.hostIPs.join(',')
    case 'status.podIP': return addresses.podIPs[0] ?? ''
    case 'status.podIPs': return addresses.podIPs.join(',')
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`)
}

export interface ResourceFieldRef {
  containerName?: string
  resource?: string
  divisor?: unknown
}

/** Limits the downward API reports as the node's allocatable when the container sets none (or zero), as upstream does. */
const limitsDefaultedFromNode = ['cpu', 'memory', 'ephemeral-storage']

/** Quantity.MilliValue() and Value(): rounded up. */
const milliValue = (q: number) => Math.ceil(q * 1000 - 1e-9)
const wholeValue = (q: number) => Math.ceil(q - 1e-9)

/**
 * A resourceFieldRef's value: the container's request or limit divided by
 * the divisor (default 1), rounded up. A missing limit reads as the node's
 * allocatable; a missing request as 0. With containerName the container is
 * looked up in the pod (env vars leave it empty to mean their own container).
 */
export function containerResourceValue(ref: ResourceFieldRef, pod: Pod, self: Container | undefined, nodeAllocatable: Readonly<Record<string, string | number>> | undefined): string {
  let container = self
  if (ref.containerName || !container) {
    const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]
    container = all.find((c) => c.name === ref.containerName)
    if (!container) throw new Error(`container ${ref.containerName ?? ''} not found`)
  }
  const resource = ref.resource ?? ''
  const match = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/.exec(resource)
  if (!match) throw new Error(`Unsupported container resource : ${resource}`)
  const [, kind, name] = match
  let quantity = parseQuantity(container.resources?.[kind as 'limits' | 'requests']?.[name]) ?? 0
  if (kind === 'limits' && quantity === 0 && limitsDefaultedFromNode.includes(name)) {
    quantity = parseQuantity(nodeAllocatable?.[name]) ?? 0
  }
  const divisor = parseQuantity(ref.divisor) || 1
  const value = name === 'cpu' ? Math.ceil(milliValue(quantity) / milliValue(divisor)) : Math.ceil(wholeValue(quantity) / wholeValue(divisor))
  return String(value)
}
