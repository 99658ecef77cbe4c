// apps/v1 DaemonSet as the controller reads it, and the rolling-update
// budgets (upstream's util.SurgeCount / UnavailableCount).
import type { KubeObject } from '../../../shared/api-types.ts'
import type { PodTemplateSpec } from '../../../shared/core-types.ts'
import type { LabelSelectorObject } from '../../../shared/label-selector.ts'

export interface DaemonSetStatus {
  currentNumberScheduled?: number
  numberMisscheduled?: number
  desiredNumberScheduled?: number
  numberReady?: number
  observedGeneration?: number
  updatedNumberScheduled?: number
  numberAvailable?: number
  numberUnavailable?: number
  collisionCount?: number
  [field: string]: unknown
}

export interface DaemonSet extends KubeObject {
  spec?: {
    selector?: LabelSelectorObject
    template?: PodTemplateSpec
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } | null }
    minReadySeconds?: number
    revisionHistoryLimit?: number
    [field: string]: unknown
  }
  status?: DaemonSetStatus
}

/**
 * Upstream's GetScaledValueFromIntOrPercent: an int as is, "n%" of total
 * rounded up or down. Throws RangeError on anything else.
 */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0
  if (typeof value === 'number') return value
  const m = /^(-?\d+)%$/.exec(value)
  if (!m) {
    if (/^-?\d+$/.test(value)) return Number(value)
    throw new RangeError(`invalid value for IntOrString: ${JSON.stringify(value)}`)
  }
  const scaled = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled)
}

function rollingUpdate(ds: DaemonSet) {
  const strategy = ds.spec?.updateStrategy
  return strategy?.type === 'RollingUpdate' ? strategy.rollingUpdate ?? undefined : undefined
}

/** How many extra pods a rolling update may run over desired (0 without RollingUpdate or maxSurge). */
export function surgeCount(ds: DaemonSet, desired: number): number {
  return scaledValue(rollingUpdate(ds)?.maxSurge, desired, true)
}

/** How many desired pods a rolling update may take down at once. */
export function unavailableCount(ds: DaemonSet, desired: number): number {
  return scaledValue(rollingUpdate(ds)?.maxUnavailable, desired, true)
}

/** maxSurge is set to something above zero. */
export function allowsSurge(ds: DaemonSet): boolean {
  try {
    return surgeCount(ds, 1) > 0
  } catch {
    return false
  }
}
