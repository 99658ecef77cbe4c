// A pod's quality-of-service class, decided once at creation from its
// containers' cpu and memory requests and limits (upstream's ComputePodQOS).
// The kubelet evicts BestEffort pods first and Guaranteed ones last.
import type { PodSpec } from '../../../../shared/core-types.ts'
import { parseQuantity } from '../../../../shared/quantity.ts'

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort'

const qosResources = ['cpu', 'memory']

export function computePodQOS(spec: PodSpec | undefined): QOSClass {
  const requests = new Map<string, number>()
  const limits = new Map<string, number>()
  let guaranteed = true
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const limitsFound = new Set<string>()
    for (const [name, quantity] of Object.entries(container.resources?.requests ?? {})) {
      const value = parseQuantity(quantity) ?? 0
      if (qosResources.includes(name) && value > 0) requests.set(name, (requests.get(name) ?? 0) + value)
    }
    for (const [name, quantity] of Object.entries(container.resources?.limits ?? {})) {
      const value = parseQuantity(quantity) ?? 0
      if (!qosResources.includes(name) || value <= 0) continue
      limitsFound.add(name)
      limits.set(name, (limits.get(name) ?? 0) + value)
    }
    if (!qosResources.every((name) => limitsFound.has(name))) guaranteed = false
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort'
  if (guaranteed) {
    for (const [name, value] of requests) {
      if (limits.get(name) !== value) guaranteed = false
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable'
}
