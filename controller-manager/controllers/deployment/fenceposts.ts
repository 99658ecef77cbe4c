// maxSurge and maxUnavailable as numbers of pods (upstream's MaxSurge,
// MaxUnavailable and ResolveFenceposts). Percentages scale with
// spec.replicas: surge rounds up and unavailable rounds down, so a rollout
// may go over the desired count but never drops below it by more than allowed.
import { isRollingUpdate, replicasOf, type Deployment, type IntOrPercent } from './deployment-types.ts'

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is; 'n%' of total, rounded
 * up or down. Throws RangeError on a string that is not a percentage.
 */
export function scaledValue(value: IntOrPercent | undefined | null, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0
  if (typeof value === 'number') return value
  const m = /^(-?\d+)%$/.exec(value)
  if (!m) throw new RangeError(`invalid value for IntOrString: invalid type: string is not a percentage; got ${JSON.stringify(value)}`)
  const exact = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}

/**
 * Both fenceposts in one step: when both come out 0 (only possible by
 * rounding, validation forbids 0 and 0), maxUnavailable becomes 1, on the
 * theory that surging may be impossible under a quota while one pod less
 * always makes progress.
 */
export function resolveFenceposts(maxSurge: IntOrPercent | undefined | null, maxUnavailable: IntOrPercent | undefined | null, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true)
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false)
  if (surge === 0 && unavailable === 0) unavailable = 1
  return { surge, unavailable }
}

/** How many pods over spec.replicas a rolling update may run; 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0
  const ru = d.spec.strategy?.rollingUpdate
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge
}

/** How many of spec.replicas may be unavailable during a rolling update; never more than spec.replicas; 0 for Recreate. */
export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d)
  if (!isRollingUpdate(d) || replicas === 0) return 0
  const ru = d.spec.strategy?.rollingUpdate
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas).unavailable, replicas)
}
