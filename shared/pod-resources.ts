// What a pod asks of a node, computed the way upstream's resource helpers do
// (k8s.io/component-helpers/resource PodRequests): the scheduler fits pods
// with it and the kubelet will admit them with it.
//
// - Regular containers run together, so their requests add up.
// - Init containers run one at a time before them, so the pod needs the
//   largest of them, or the sum of the regular containers if that is larger.
// - Sidecars (init containers with restartPolicy Always) keep running once
//   started: each adds to every init container after it and to the total.
// - spec.overhead (the runtime class's cost) comes on top.
import type { Container, PodSpec } from './core-types.ts'
import { parseQuantity } from './quantity.ts'

/** cpu in millicores, everything else (memory, ephemeral-storage, extended) in whole units, all rounded up as Quantity.MilliValue()/Value() do. */
export type ResourceList = Map<string, number>

/** Upstream's DefaultMilliCPURequest and DefaultMemoryRequest: what scoring assumes for a container that requests nothing. */
export const defaultMilliCPURequest = 100
export const defaultMemoryRequest = 200 * 1024 * 1024

/** One quantity in scheduler units: millicores for cpu, whole units otherwise. */
export function resourceAmount(name: string, quantity: unknown): number {
  const value = parseQuantity(quantity) ?? 0
  return name === 'cpu' ? Math.ceil(value * 1000 - 1e-9) : Math.ceil(value - 1e-9)
}

export function resourceListOf(quantities: Record<string, unknown> | undefined): ResourceList {
  const list: ResourceList = new Map()
  for (const [name, quantity] of Object.entries(quantities ?? {})) list.set(name, resourceAmount(name, quantity))
  return list
}

function addInto(total: ResourceList, more: ResourceList): void {
  for (const [name, value] of more) total.set(name, (total.get(name) ?? 0) + value)
}

function maxInto(total: ResourceList, other: ResourceList): void {
  for (const [name, value] of other) if (value > (total.get(name) ?? 0)) total.set(name, value)
}

function containerRequests(container: Container, nonZero: boolean): ResourceList {
  const list = resourceListOf(container.resources?.requests)
  if (nonZero) {
    // Only a missing request is replaced; an explicit 0 stays 0, as upstream.
    if (!list.has('cpu')) list.set('cpu', defaultMilliCPURequest)
    if (!list.has('memory')) list.set('memory', defaultMemoryRequest)
  }
  return list
}

/**
 * The pod's effective requests. With nonZero, containers that request no cpu
 * or memory count as 100m / 200Mi, as upstream's scoring does, so empty pods
 * still spread.
 */
export function podRequests(spec: PodSpec | undefined, options: { nonZero?: boolean } = {}): ResourceList {
  const nonZero = options.nonZero ?? false
  const total: ResourceList = new Map()
  for (const container of spec?.containers ?? []) addInto(total, containerRequests(container, nonZero))
  const sidecars: ResourceList = new Map()
  const initPeak: ResourceList = new Map()
  for (const container of spec?.initContainers ?? []) {
    const requests = containerRequests(container, nonZero)
    if (container.restartPolicy === 'Always') {
      addInto(sidecars, requests)
      maxInto(initPeak, sidecars)
    } else {
      const running = new Map(sidecars)
      addInto(running, requests)
      maxInto(initPeak, running)
    }
  }
  addInto(total, sidecars)
  maxInto(total, initPeak)
  if (spec?.overhead) addInto(total, resourceListOf(spec.overhead))
  return total
}
