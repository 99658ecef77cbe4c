// The node lifecycle controller's judgement of one node's health (upstream
// tryUpdateNodeHealth). A node is alive while its kubelet heartbeats: the
// Ready condition's lastHeartbeatTime changes, or its Lease in
// kube-node-lease is renewed. Both are compared with what this controller saw
// last time, and "when it last changed" is this controller's own clock, so
// skew between the kubelet's clock and ours does not matter. A node silent
// for longer than the grace period (the startup grace period while it never
// posted a Ready condition) gets Ready, MemoryPressure, DiskPressure and
// PIDPressure set to Unknown.
import type { Condition, Node } from '../../../shared/core-types.ts'

/** What the controller remembers of a node between passes (upstream nodeHealthData). */
export interface NodeHealthData {
  /** Our clock when we last saw a heartbeat. */
  probeTimestamp: number
  /** Our clock when we last saw the Ready condition change. */
  readyTransitionTimestamp: number
  /** The Ready condition as last seen. */
  readyCondition: Condition | undefined
  /** The Lease's renewTime as last seen. */
  leaseRenewTime: string | undefined
}

export interface HealthTiming {
  monitorGracePeriodMs: number
  startupGracePeriodMs: number
}

export interface HealthAssessment {
  /** What to remember when no status write is needed, or when it fails. */
  health: NodeHealthData
  /** The Ready condition as found (a placeholder Unknown one when the node has none). */
  observedReady: Condition
  /** The Ready condition after this pass; undefined when the node has none and none was added. */
  currentReady: Condition | undefined
  /** Set when node status must be written: the node with its conditions set Unknown, and what to remember once written. */
  update?: { node: Node; health: NodeHealthData }
}

/** The conditions the controller marks Unknown; NetworkUnavailable belongs to the network plugin. */
export const conditionsSetUnknown = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']

/** metav1.Time: RFC 3339 in whole seconds. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function readyOf(node: Node): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')
}

/** Whether renewTime `next` is later than `prev` (MicroTime strings; equal milliseconds compare as text). */
function renewedAfter(next: string, prev: string | undefined): boolean {
  if (prev === undefined) return true
  const a = Date.parse(next)
  const b = Date.parse(prev)
  return a > b || (a === b && next > prev)
}

/**
 * Judges `node` at `now`. `saved` is what the previous pass remembered (none
 * for a node new to this controller); `leaseRenewTime` is its Lease's
 * spec.renewTime, if it has a Lease. Does not modify `node`.
 */
export function assessNodeHealth(node: Node, saved: NodeHealthData | undefined, leaseRenewTime: string | undefined, now: number, timing: HealthTiming): HealthAssessment {
  const created = Date.parse(node.metadata.creationTimestamp ?? '') || now
  const current = readyOf(node)
  let health: NodeHealthData | undefined = saved ? { ...saved } : undefined
  let observedReady: Condition
  let gracePeriodMs: number
  if (!current) {
    // Never posted: judge it from its creation, with the longer startup grace.
    const at = node.metadata.creationTimestamp ?? formatTime(now)
    observedReady = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: at, lastTransitionTime: at }
    gracePeriodMs = timing.startupGracePeriodMs
    health = health ? { ...health, readyCondition: undefined } : { probeTimestamp: created, readyTransitionTimestamp: created, readyCondition: undefined, leaseRenewTime: undefined }
  } else {
    observedReady = { ...current }
    gracePeriodMs = timing.monitorGracePeriodMs
  }
  const savedReady = saved?.readyCondition
  if (!health) {
    health = { probeTimestamp: now, readyTransitionTimestamp: now, readyCondition: current && { ...current }, leaseRenewTime: undefined }
  } else if (current && !savedReady) {
    // First Ready condition we see (or we restarted with the node already there).
    health = { probeTimestamp: now, readyTransitionTimestamp: now, readyCondition: { ...current }, leaseRenewTime: health.leaseRenewTime }
  } else if (current && savedReady && savedReady.lastHeartbeatTime !== current.lastHeartbeatTime) {
    const transitioned = savedReady.lastTransitionTime !== current.lastTransitionTime
    health = { probeTimestamp: now, readyTransitionTimestamp: transitioned ? now : health.readyTransitionTimestamp, readyCondition: { ...current }, leaseRenewTime: health.leaseRenewTime }
  }
  // A renewed Lease is a heartbeat too (a kubelet that never posted status but renews its Lease counts as healthy).
  if (leaseRenewTime !== undefined && renewedAfter(leaseRenewTime, health.leaseRenewTime)) {
    health = { ...health, leaseRenewTime, probeTimestamp: now }
  }

  const result: HealthAssessment = { health, observedReady, currentReady: current }
  if (!(now > health.probeTimestamp + gracePeriodMs)) return result

  const next: Node = structuredClone(node)
  const conditions = ((next.status ??= {}).conditions ??= [])
  const at = formatTime(now)
  for (const type of conditionsSetUnknown) {
    const c = conditions.find((x) => x.type === type)
    if (!c) {
      conditions.push({ type, status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp ?? at, lastTransitionTime: at, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' })
    } else if (c.status !== 'Unknown') {
      // lastHeartbeatTime stays: it is when the kubelet was last heard from.
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: at })
    }
  }
  const currentReady = readyOf(next)
  result.currentReady = currentReady
  if (JSON.stringify(currentReady) === JSON.stringify(current ?? observedReady)) return result
  result.update = { node: next, health: { ...health, readyCondition: currentReady && { ...currentReady }, readyTransitionTimestamp: now } }
  return result
}
