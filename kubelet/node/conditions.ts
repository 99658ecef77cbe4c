// The node conditions the kubelet owns, set as upstream's nodestatus setters
// set them: every sync stamps lastHeartbeatTime, lastTransitionTime moves only
// when the status does, and MemoryPressure, DiskPressure, PIDPressure, Ready
// keep that order. NetworkUnavailable is not here: since the in-tree cloud
// providers left (1.31) the kubelet never sets it; network plugins do.
import type { Condition, Node } from '../../shared/core-types.ts'

/** What the kubelet knows about itself, read on every status sync. */
export interface NodeHealth {
  memoryPressure?: boolean
  diskPressure?: boolean
  pidPressure?: boolean
  /** Why the node is not ready (runtime down, "node is shutting down", ...); empty means Ready. */
  notReady?: string[]
}

/** A condition forced by the caller, e.g. Ready False on shutdown; it wins over what the setters compute. */
export interface ConditionOverride {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
}

/** metav1.Time: RFC 3339 in whole seconds. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

interface Wanted { status: string; reason: string; message: string }

const pressure = {
  MemoryPressure: {
    on: { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' },
    off: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  },
  DiskPressure: {
    on: { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' },
    off: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  },
  PIDPressure: {
    on: { status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' },
    off: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  },
} satisfies Record<string, { on: Wanted; off: Wanted }>

/** The Ready condition's two shapes; errors aggregate as apimachinery's NewAggregate prints them. */
function readyWanted(notReady: string[]): Wanted {
  const errs = [...new Set(notReady)]
  if (errs.length === 0) return { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
  return { status: 'False', reason: 'KubeletNotReady', message: errs.length === 1 ? errs[0] : `[${errs.join(', ')}]` }
}

/**
 * Sets one condition: heartbeat always, transition time only on a status
 * change. A pressure condition keeps its reason and message while its status
 * holds, as upstream's setters only rewrite them on a transition.
 */
function setCondition(conditions: Condition[], type: string, wanted: Wanted, now: string, rewriteOnSameStatus: boolean): void {
  const i = conditions.findIndex((c) => c.type === type)
  const old = i >= 0 ? conditions[i] : undefined
  if (old && old.status === wanted.status) {
    const next: Condition = rewriteOnSameStatus ? { ...old, ...wanted, type } : { ...old, type }
    next.lastHeartbeatTime = now
    conditions[i] = orderFields(next)
    return
  }
  const next = orderFields({ type, ...wanted, lastHeartbeatTime: now, lastTransitionTime: now })
  if (i >= 0) conditions[i] = next
  else conditions.push(next)
}

/** NodeCondition's field order as Go serialises it. */
function orderFields(c: Condition): Condition {
  const { type, status, lastHeartbeatTime, lastTransitionTime, reason, message, ...rest } = c
  return { type, status, lastHeartbeatTime, lastTransitionTime, reason, message, ...rest }
}

/** Upstream's MemoryPressure, DiskPressure, PIDPressure and Ready setters, plus any overrides. */
export function setNodeConditions(node: Node, now: number, health: NodeHealth = {}, overrides: readonly ConditionOverride[] = []): void {
  const status = (node.status ??= {})
  const conditions = (status.conditions = [...(status.conditions ?? [])])
  const at = formatTime(now)
  const forced = new Map(overrides.map((o) => [o.type, o]))
  const wantedOf = (type: string, computed: Wanted): Wanted => {
    const o = forced.get(type)
    return o ? { status: o.status, reason: o.reason ?? '', message: o.message ?? '' } : computed
  }
  setCondition(conditions, 'MemoryPressure', wantedOf('MemoryPressure', health.memoryPressure ? pressure.MemoryPressure.on : pressure.MemoryPressure.off), at, forced.has('MemoryPressure'))
  setCondition(conditions, 'DiskPressure', wantedOf('DiskPressure', health.diskPressure ? pressure.DiskPressure.on : pressure.DiskPressure.off), at, forced.has('DiskPressure'))
  setCondition(conditions, 'PIDPressure', wantedOf('PIDPressure', health.pidPressure ? pressure.PIDPressure.on : pressure.PIDPressure.off), at, forced.has('PIDPressure'))
  // Ready's reason and message are rebuilt on every sync: the cause of NotReady may change while the status holds.
  setCondition(conditions, 'Ready', wantedOf('Ready', readyWanted(health.notReady ?? [])), at, true)
  for (const o of overrides) {
    if (o.type in pressure || o.type === 'Ready') continue
    setCondition(conditions, o.type, { status: o.status, reason: o.reason ?? '', message: o.message ?? '' }, at, true)
  }
}
