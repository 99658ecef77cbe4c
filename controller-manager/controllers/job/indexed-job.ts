// completionMode Indexed: each pod carries a completion index in
// [0, completions) (annotation and label batch.kubernetes.io/job-completion-index,
// env JOB_COMPLETION_INDEX from the annotation, hostname <job>-<index>); the
// Job is done when every index has a succeeded pod. status.completedIndexes
// keeps the succeeded ones as ordered intervals, "0-2,5".
import type { Container, Pod, PodTemplateSpec } from '../../../shared/core-types.ts'
import { compareForDeletion, hasTrackingFinalizer } from './job-pods.ts'
import { jobCompletionIndexAnnotation, jobCompletionIndexEnv, jobCompletionIndexLabel, type Job } from './job-types.ts'

export const unknownCompletionIndex = -1

/** Names from generateName may be at most 63 - 5 random characters long. */
const maxGeneratedNameLength = 58

export interface Interval {
  first: number
  last: number
}

/** Disjoint, sorted, non-adjacent intervals of indexes. */
export type OrderedIntervals = Interval[]

export function completionIndexOf(pod: Pod): number {
  const value = pod.metadata.annotations?.[jobCompletionIndexAnnotation]
  if (value === undefined || !/^\d+$/.test(value)) return unknownCompletionIndex
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : unknownCompletionIndex
}

export function intervalsTotal(intervals: OrderedIntervals): number {
  return intervals.reduce((sum, i) => sum + i.last - i.first + 1, 0)
}

export function intervalsHas(intervals: OrderedIntervals, ix: number): boolean {
  return intervals.some((i) => i.first <= ix && ix <= i.last)
}

export function formatIntervals(intervals: OrderedIntervals): string {
  return intervals.map((i) => (i.first === i.last ? String(i.first) : i.last === i.first + 1 ? `${i.first},${i.last}` : `${i.first}-${i.last}`)).join(',')
}

/** Adds sorted indexes, merging neighbours into intervals. */
export function withOrderedIndexes(intervals: OrderedIntervals, sortedIndexes: number[]): OrderedIntervals {
  const all: Interval[] = [...intervals.map((i) => ({ ...i })), ...sortedIndexes.map((ix) => ({ first: ix, last: ix }))].sort((a, b) => a.first - b.first)
  const out: Interval[] = []
  for (const i of all) {
    const last = out[out.length - 1]
    if (last && i.first <= last.last + 1) last.last = Math.max(last.last, i.last)
    else out.push({ ...i })
  }
  return out
}

/** Parses "1,3-5"; ignores malformed parts and indexes at or past completions, as upstream. */
export function parseIndexes(text: string | undefined, completions: number): OrderedIntervals {
  if (!text) return []
  const found: Interval[] = []
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!m) continue
    const first = Number(m[1])
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1)
    if (first >= completions || last < first) continue
    found.push({ first, last })
  }
  return withOrderedIndexes(found, [])
}

/**
 * The succeeded indexes before this sync (from status) and after it: status
 * plus succeeded pods with a valid index that still carry the tracking
 * finalizer (not counted yet).
 */
export function calculateSucceededIndexes(job: Job, pods: Pod[]): { prev: OrderedIntervals; now: OrderedIntervals } {
  const completions = job.spec?.completions ?? 0
  const prev = parseIndexes(job.status?.completedIndexes, completions)
  const fresh = new Set<number>()
  for (const pod of pods) {
    const ix = completionIndexOf(pod)
    if (pod.status?.phase === 'Succeeded' && ix !== unknownCompletionIndex && ix < completions && hasTrackingFinalizer(pod)) fresh.add(ix)
  }
  return { prev, now: withOrderedIndexes(prev, [...fresh].sort((a, b) => a - b)) }
}

/** The lowest count indexes below completions that neither succeeded nor have an active pod. */
export function firstPendingIndexes(activePods: Pod[], succeeded: OrderedIntervals, count: number, completions: number): number[] {
  const taken = new Set(activePods.map(completionIndexOf))
  const out: number[] = []
  for (let ix = 0; ix < completions && out.length < count; ix++) {
    if (!taken.has(ix) && !intervalsHas(succeeded, ix)) out.push(ix)
  }
  return out
}

/**
 * Active pods to remove before any count-based choice: pods without a valid
 * index, and all but the most advanced pod of an index held twice.
 */
export function duplicatedIndexPodsForRemoval(pods: Pod[], completions: number): { remove: Pod[]; keep: Pod[] } {
  const remove: Pod[] = []
  const keep: Pod[] = []
  const byIndex = new Map<number, Pod[]>()
  for (const pod of pods) {
    const ix = completionIndexOf(pod)
    if (ix === unknownCompletionIndex || ix >= completions) remove.push(pod)
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), pod])
  }
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    const group = byIndex.get(ix)!.sort(compareForDeletion)
    remove.push(...group.slice(0, -1))
    keep.push(group[group.length - 1])
  }
  return { remove, keep }
}

function addIndexEnv(container: Container): void {
  const env = (container.env ??= [])
  if (env.some((e) => e.name === jobCompletionIndexEnv)) return
  env.push({ name: jobCompletionIndexEnv, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${jobCompletionIndexAnnotation}']` } } })
}

/** Every container (and init container) reads its index from the pod's annotation. */
export function addCompletionIndexEnv(template: PodTemplateSpec): void {
  for (const c of template.spec?.initContainers ?? []) addIndexEnv(c)
  for (const c of template.spec?.containers ?? []) addIndexEnv(c)
}

/** The template for one index: annotation, label, hostname. */
export function templateForIndex(template: PodTemplateSpec, jobName: string, index: number): PodTemplateSpec {
  const out = structuredClone(template)
  const meta = (out.metadata ??= {})
  meta.annotations = { ...meta.annotations, [jobCompletionIndexAnnotation]: String(index) }
  meta.labels = { ...meta.labels, [jobCompletionIndexLabel]: String(index) }
  ;(out.spec ??= {}).hostname = `${jobName}-${index}`
  return out
}

/** `<job>-<index>-`, shortened so the generated name stays within 63 characters. */
export function generateNameWithIndex(jobName: string, index: number): string {
  const appendix = `-${index}-`
  const prefix = jobName + appendix
  return prefix.length > maxGeneratedNameLength ? jobName.slice(0, maxGeneratedNameLength - appendix.length) + appendix : prefix
}
