// Zones and their health, as the node lifecycle controller weighs them
// before tainting nodes NoExecute (upstream ComputeZoneState, ReducedQPSFunc,
// HealthyQPSFunc): if every node of every zone is not Ready, the trouble is
// more likely the control plane's view than the nodes, so nothing is evicted
// and NoExecute taints are lifted; a zone with many unready nodes is evicted
// from slowly, or (small clusters) not at all.
import type { Condition, Node } from '../../../shared/core-types.ts'

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption'

export interface DisruptionOptions {
  /** --unhealthy-zone-threshold: share of unready nodes (at least 3) that makes a zone partially disrupted. @default 0.55 */
  unhealthyZoneThreshold?: number
  /** --large-cluster-size-threshold: zones larger than this keep evicting, slowly, when partially disrupted. @default 50 */
  largeClusterThreshold?: number
  /** --node-eviction-rate: nodes tainted per second per healthy zone. @default 0.1 */
  evictionLimiterQPS?: number
  /** --secondary-node-eviction-rate: the same for a partially disrupted large zone. @default 0.01 */
  secondaryEvictionLimiterQPS?: number
}

/** upstream GetZoneKey: region and zone labels joined by a NUL; '' without both. */
export function zoneKeyOf(node: Node): string {
  const labels = node.metadata.labels ?? {}
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? ''
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? ''
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`
}

/** The number of not-Ready nodes in a zone and the zone's state. */
export function computeZoneState(readyConditions: ReadonlyArray<Condition | undefined>, unhealthyZoneThreshold = 0.55): { unhealthy: number; state: ZoneState } {
  let ready = 0
  let notReady = 0
  for (const c of readyConditions) {
    if (c?.status === 'True') ready++
    else notReady++
  }
  if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' }
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyZoneThreshold) return { unhealthy: notReady, state: 'PartialDisruption' }
  return { unhealthy: notReady, state: 'Normal' }
}

/** Nodes per second that may be tainted NoExecute in a zone in this state (when not every zone is fully disrupted). */
export function evictionQPS(state: ZoneState, zoneSize: number, options: DisruptionOptions = {}): number {
  const normal = options.evictionLimiterQPS ?? 0.1
  if (state === 'PartialDisruption') return zoneSize > (options.largeClusterThreshold ?? 50) ? (options.secondaryEvictionLimiterQPS ?? 0.01) : 0
  return normal
}
