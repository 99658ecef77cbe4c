// How big each ReplicaSet should be: the new one's next size in a rolling
// update (NewRSNewReplicas), whether it is saturated, and how a change of
// spec.replicas is spread over several active ReplicaSets mid-rollout
// (proportional scaling: GetProportion and the plan in upstream's scale()).
import { isRollingUpdate, replicasOf, type Deployment, type ReplicaSet } from './deployment-types.ts'
import { maxSurge } from './fenceposts.ts'
import { maxReplicasOf, desiredReplicasOf } from './revisions.ts'
import { bySizeNewer, bySizeOlder, filterActive, specReplicaCount } from './replica-set-list.ts'

/**
 * The new ReplicaSet's size for this step. Rolling: grow by whatever the
 * surge allows (all ReplicaSets together stay within replicas + maxSurge),
 * never past spec.replicas. Recreate: spec.replicas at once.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d)
  const current = specReplicaCount(allRSs)
  const maxTotal = replicasOf(d) + maxSurge(d)
  if (current >= maxTotal) return replicasOf(newRS)
  const up = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS))
  return replicasOf(newRS) + up
}

/**
 * The new ReplicaSet holds every desired replica: its size, its
 * desired-replicas annotation and its available pods all equal spec.replicas.
 */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false
  const desired = desiredReplicasOf(rs)
  if (desired === undefined) return false
  const replicas = replicasOf(d)
  return replicasOf(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas
}

/**
 * The share of `toAdd` that rs takes: its size relative to the size the
 * Deployment had when rs was last scaled (max-replicas), applied to the new
 * size, capped so the total handed out never exceeds toAdd.
 */
export function proportionFor(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0
  const fraction = replicaSetFraction(rs, d)
  const allowed = toAdd - added
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed)
}

// Go's math.Round: halves away from zero.
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x)
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  // Scaling to zero takes everything.
  if (replicasOf(d) === 0) return -replicasOf(rs)
  const deploymentReplicas = replicasOf(d) + maxSurge(d)
  // Without the annotation the current total stands in: not exact, but the min/max in proportionFor keeps it in bounds.
  const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0
  if (annotated === 0) return 0
  return roundHalfAway((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs)
}

export interface ScalePlan {
  /** 'up' or 'down' for the Event text; '' when the total does not change. */
  operation: 'up' | 'down' | ''
  /** Every active ReplicaSet with its new size, in the order to apply them. */
  sizes: { rs: ReplicaSet; size: number }[]
}

/**
 * Spreads replicas + maxSurge minus what the active ReplicaSets hold over
 * them, largest first (newer first when growing, older first when
 * shrinking); what rounding leaves over goes to the first.
 */
export function planProportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScalePlan {
  const active = filterActive([...oldRSs, newRS])
  const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0
  const toAdd = allowedSize - specReplicaCount(active)
  let operation: ScalePlan['operation'] = ''
  if (toAdd > 0) {
    active.sort(bySizeNewer)
    operation = 'up'
  } else if (toAdd < 0) {
    active.sort(bySizeOlder)
    operation = 'down'
  }
  let added = 0
  const sizes = active.map((rs) => {
    if (toAdd === 0) return { rs, size: replicasOf(rs) }
    const p = proportionFor(rs, d, toAdd, added)
    added += p
    return { rs, size: replicasOf(rs) + p }
  })
  if (sizes.length > 0 && toAdd !== 0) sizes[0].size = Math.max(0, sizes[0].size + toAdd - added)
  return { operation, sizes }
}
