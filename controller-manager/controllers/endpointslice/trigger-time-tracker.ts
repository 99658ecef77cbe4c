// The endpoints.kubernetes.io/last-change-trigger-time value (upstream's
// TriggerTimeTracker): for each Service, the earliest change since its last
// sync that the new Endpoints or EndpointSlices reflect. A pod's change is
// its Ready condition's lastTransitionTime, a Service's its creation. The
// first sync of a Service reports its creation time; a sync that saw no
// newer trigger reports none, and the annotation goes.
//
// As upstream, an object changing twice between two syncs is seen once: the
// value is an approximation. Callers sync one key at a time (the work queue
// guarantees it), so one Service's state is never computed twice at once.
import type { Pod } from '../../../shared/core-types.ts'
import type { Service } from '../endpoint/service-types.ts'

interface ServiceState {
  serviceTrigger: number
  podTriggers: Map<string, number>
}

function parseTime(text: string | null | undefined): number {
  const t = text ? Date.parse(text) : NaN
  return Number.isFinite(t) ? t : 0
}

function podTriggerTime(pod: Pod): number {
  return parseTime(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime)
}

export class TriggerTimeTracker {
  readonly #states = new Map<string, ServiceState>()

  /** Ms since the epoch, or undefined when the annotation should be cleared. Records the state seen. */
  compute(service: Service, pods: readonly Pod[]): number | undefined {
    const key = `${service.metadata.namespace}/${service.metadata.name}`
    const state = this.#states.get(key)
    let min: number | undefined
    const podTriggers = new Map<string, number>()
    for (const pod of pods) {
      const t = podTriggerTime(pod)
      if (t === 0) continue
      podTriggers.set(pod.metadata.name ?? '', t)
      if (t > (state?.podTriggers.get(pod.metadata.name ?? '') ?? 0)) min = min === undefined ? t : Math.min(min, t)
    }
    const serviceTrigger = parseTime(service.metadata.creationTimestamp)
    if (serviceTrigger > (state?.serviceTrigger ?? 0)) min = min === undefined ? serviceTrigger : Math.min(min, serviceTrigger)
    this.#states.set(key, { serviceTrigger, podTriggers })
    if (!state) return serviceTrigger || undefined
    return min
  }

  deleteService(namespace: string, name: string): void {
    this.#states.delete(`${namespace}/${name}`)
  }
}

/** RFC 3339 with fractional seconds, as upstream formats the annotation (RFC3339Nano drops trailing zeros). */
export function formatTriggerTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z')
}
