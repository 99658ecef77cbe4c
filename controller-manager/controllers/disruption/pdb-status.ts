// The arithmetic of a PodDisruptionBudget's status (upstream's
// disruption.go and policy helpers), free of I/O so tests pin it down:
// how many pods should exist (expectedPods), how many must stay healthy
// (desiredHealthy), how many are (currentHealthy), and so how many may be
// disrupted now. Percentages scale with the pods' controllers and round up,
// so "50%" of 3 keeps 2.
import { isDeepStrictEqual } from 'node:util'
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import type { Pod } from '../../../shared/core-types.ts'
import type { LabelSelectorObject } from '../../../shared/label-selector.ts'
import { isPodReady } from '../../pod-conditions.ts'

export interface PodDisruptionBudgetCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  observedGeneration?: number
  lastTransitionTime: string
  reason: string
  message: string
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number
  /** Pod name → when the eviction API let it go; the pod should be deleted within deletionTimeoutMs. */
  disruptedPods?: Record<string, string>
  disruptionsAllowed: number
  currentHealthy: number
  desiredHealthy: number
  expectedPods: number
  conditions?: PodDisruptionBudgetCondition[]
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: {
    minAvailable?: number | string
    maxUnavailable?: number | string
    selector?: LabelSelectorObject | null
    unhealthyPodEvictionPolicy?: string
    [field: string]: unknown
  }
  status?: Partial<PodDisruptionBudgetStatus>
}

/** Upstream's DeletionTimeout: a pod the eviction API let go that still exists after this counts again. */
export const deletionTimeoutMs = 2 * 60 * 1000

export const disruptionAllowedCondition = 'DisruptionAllowed'
export const sufficientPodsReason = 'SufficientPods'
export const insufficientPodsReason = 'InsufficientPods'
export const syncFailedReason = 'SyncFailed'

/**
 * An int-or-percent against a total (upstream's GetScaledValueFromIntOrPercent):
 * a number as is; "N%" as N% of total, rounded up or down. Throws RangeError
 * for any other string.
 */
export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value
  const match = /^(-?\d+)%$/.exec(value)
  if (!match) throw new RangeError(`invalid value for IntOrString: invalid type: string is not a percentage`)
  const scaled = (Number(match[1]) * total) / 100
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled)
}

/** A pod's controller and the number of replicas it wants (its uid, so two pods of one controller count once). */
export interface ControllerScale {
  uid: string
  scale: number
}

/**
 * The scale of the controller a reference names, as the controller finders
 * resolve it: undefined when it is not a kind they know or does not exist.
 * May throw; the sync then fails (and the PDB goes to its fail-safe status).
 */
export type ScaleFinder = (ref: OwnerReference, namespace: string) => ControllerScale | undefined

export interface ExpectedCount {
  expectedCount: number
  desiredHealthy: number
  /** Names of selected pods without a controller: a percentage or maxUnavailable cannot count them. */
  unmanagedPods: string[]
}

/**
 * expectedPods and desiredHealthy: with maxUnavailable, or a percentage
 * minAvailable, expected is the sum of the pods' controllers' scales; with
 * an integer minAvailable it is the number of selected pods.
 */
export function expectedPodCount(pdb: PodDisruptionBudget, pods: readonly Pod[], findScale: ScaleFinder): ExpectedCount {
  const spec = pdb.spec ?? {}
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = expectedScale(pods, findScale)
    const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true)
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanagedPods }
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanagedPods: [] }
    const { expectedCount, unmanagedPods } = expectedScale(pods, findScale)
    return { expectedCount, desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true), unmanagedPods }
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] }
}

/** The sum of the scales of the pods' distinct controllers. Throws if a pod's controller cannot be found. */
export function expectedScale(pods: readonly Pod[], findScale: ScaleFinder): { expectedCount: number; unmanagedPods: string[] } {
  const scales = new Map<string, number>()
  const unmanagedPods: string[] = []
  for (const pod of pods) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller)
    if (!ref) {
      unmanagedPods.push(pod.metadata.name ?? '')
      continue
    }
    if (scales.has(ref.uid)) continue
    const found = findScale(ref, pod.metadata.namespace ?? '')
    if (!found) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata.name ?? '')}`)
    scales.set(found.uid, found.scale)
  }
  let expectedCount = 0
  for (const n of scales.values()) expectedCount += n
  return { expectedCount, unmanagedPods }
}

/**
 * status.disruptedPods with what is settled pruned: pods gone or being
 * deleted, and pods that outlived deletionTimeoutMs (they were not deleted
 * after all). recheckAt is when the earliest remaining entry expires.
 */
export function buildDisruptedPodMap(pods: readonly Pod[], disrupted: Record<string, string> | undefined, now: number): { disruptedPods: Record<string, string>; expired: Pod[]; recheckAt: number | undefined } {
  const disruptedPods: Record<string, string> = {}
  const expired: Pod[] = []
  let recheckAt: number | undefined
  if (!disrupted) return { disruptedPods, expired, recheckAt }
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue
    const name = pod.metadata.name ?? ''
    const at = disrupted[name]
    if (at === undefined) continue
    const expectedDeletion = Date.parse(at) + deletionTimeoutMs
    if (expectedDeletion < now) {
      expired.push(pod)
    } else {
      disruptedPods[name] = at
      if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion
    }
  }
  return { disruptedPods, expired, recheckAt }
}

/** Ready pods, not being deleted and not just let go by the eviction API. */
export function countHealthyPods(pods: readonly Pod[], disruptedPods: Record<string, string>, now: number): number {
  let healthy = 0
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue
    const at = disruptedPods[pod.metadata.name ?? '']
    if (at !== undefined && Date.parse(at) + deletionTimeoutMs > now) continue
    if (isPodReady(pod)) healthy++
  }
  return healthy
}

function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/**
 * apimeta.SetStatusCondition: replaces the condition of the same type,
 * moving lastTransitionTime only when the status changes.
 */
export function setCondition(conditions: readonly PodDisruptionBudgetCondition[], next: Omit<PodDisruptionBudgetCondition, 'lastTransitionTime'>, now: number): PodDisruptionBudgetCondition[] {
  const existing = conditions.find((c) => c.type === next.type)
  const lastTransitionTime = existing && existing.status === next.status ? existing.lastTransitionTime : formatTime(now)
  const condition: PodDisruptionBudgetCondition = { ...next, lastTransitionTime }
  return existing ? conditions.map((c) => (c.type === next.type ? condition : c)) : [...conditions, condition]
}

/** DisruptionAllowed: True/SufficientPods when disruptions are allowed, else False/InsufficientPods. */
export function withDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: number): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0
  const conditions = setCondition(status.conditions ?? [], {
    type: disruptionAllowedCondition,
    status: allowed ? 'True' : 'False',
    reason: allowed ? sufficientPodsReason : insufficientPodsReason,
    message: '',
    observedGeneration: status.observedGeneration,
  }, now)
  return { ...status, conditions }
}

/** Whether the DisruptionAllowed condition already says what the counts say, at the PDB's generation. */
export function conditionsUpToDate(pdb: PodDisruptionBudget): boolean {
  const status = pdb.status ?? {}
  const condition = status.conditions?.find((c) => c.type === disruptionAllowedCondition)
  if (!condition || status.observedGeneration !== pdb.metadata.generation) return false
  return (status.disruptionsAllowed ?? 0) > 0
    ? condition.status === 'True' && condition.reason === sufficientPodsReason
    : condition.status === 'False' && condition.reason === insufficientPodsReason
}

/**
 * The status to write, or undefined when the current one already says it.
 * disruptionsAllowed is 0 while no pods are expected, so a PDB whose first
 * pods just appeared is safe before its first sync catches up.
 */
export function nextStatus(
  pdb: PodDisruptionBudget,
  counts: { currentHealthy: number; desiredHealthy: number; expectedCount: number; disruptedPods: Record<string, string> },
  now: number,
): PodDisruptionBudgetStatus | undefined {
  const { currentHealthy, desiredHealthy, expectedCount, disruptedPods } = counts
  let disruptionsAllowed = currentHealthy - desiredHealthy
  if (expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0
  const status = pdb.status ?? {}
  if (
    status.currentHealthy === currentHealthy && status.desiredHealthy === desiredHealthy
    && status.expectedPods === expectedCount && status.disruptionsAllowed === disruptionsAllowed
    && isDeepStrictEqual(status.disruptedPods ?? {}, disruptedPods)
    && status.observedGeneration === pdb.metadata.generation && conditionsUpToDate(pdb)
  ) return undefined
  const next: PodDisruptionBudgetStatus = {
    observedGeneration: pdb.metadata.generation,
    disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods: expectedCount,
    conditions: status.conditions,
  }
  if (Object.keys(disruptedPods).length > 0) next.disruptedPods = disruptedPods
  return withDisruptionAllowedCondition(next, now)
}

/** What failSafe writes when a sync fails: no disruptions, and why. */
export function failSafeStatus(pdb: PodDisruptionBudget, err: Error, now: number): PodDisruptionBudgetStatus {
  const status = pdb.status ?? {}
  const base: PodDisruptionBudgetStatus = {
    observedGeneration: status.observedGeneration,
    disruptedPods: status.disruptedPods,
    disruptionsAllowed: 0,
    currentHealthy: status.currentHealthy ?? 0,
    desiredHealthy: status.desiredHealthy ?? 0,
    expectedPods: status.expectedPods ?? 0,
  }
  const conditions = setCondition(status.conditions ?? [], {
    type: disruptionAllowedCondition, status: 'False', reason: syncFailedReason, message: err.message, observedGeneration: status.observedGeneration,
  }, now)
  return { ...base, conditions }
}
