// The batch/v1 Job shapes the job, cronjob and ttl-after-finished
// controllers read and write, the well-known names upstream puts on a Job's
// pods, and the condition helpers (batch/v1 JobCondition semantics).
import type { KubeObject } from '../../../shared/api-types.ts'
import type { Condition, Pod, PodTemplateSpec } from '../../../shared/core-types.ts'
import type { LabelSelectorObject } from '../../../shared/label-selector.ts'

/** Keeps a finished pod until the controller has counted it in the Job's status. */
export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking'
export const jobCompletionIndexAnnotation = 'batch.kubernetes.io/job-completion-index'
export const jobCompletionIndexLabel = 'batch.kubernetes.io/job-completion-index'
export const jobCompletionIndexEnv = 'JOB_COMPLETION_INDEX'
export const jobNameLabel = 'batch.kubernetes.io/job-name'
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid'
export const legacyJobNameLabel = 'job-name'
export const legacyControllerUidLabel = 'controller-uid'
/** spec.managedBy of Jobs this controller owns; any other value belongs to an external controller. */
export const jobControllerName = 'kubernetes.io/job-controller'

export interface PodFailurePolicyOnExitCodes {
  containerName?: string | null
  operator: string
  values: number[]
}

export interface PodFailurePolicyOnPodCondition {
  type: string
  /** @default 'True' */
  status?: string
}

export interface PodFailurePolicyRule {
  /** FailJob, FailIndex, Ignore or Count. */
  action: string
  onExitCodes?: PodFailurePolicyOnExitCodes | null
  onPodConditions?: PodFailurePolicyOnPodCondition[] | null
}

export interface PodFailurePolicy {
  rules: PodFailurePolicyRule[]
}

export interface JobSpec {
  parallelism?: number
  completions?: number | null
  activeDeadlineSeconds?: number | null
  backoffLimit?: number
  backoffLimitPerIndex?: number | null
  selector?: LabelSelectorObject
  template?: PodTemplateSpec
  ttlSecondsAfterFinished?: number | null
  completionMode?: string
  suspend?: boolean
  podReplacementPolicy?: string
  podFailurePolicy?: PodFailurePolicy | null
  managedBy?: string | null
  [field: string]: unknown
}

export interface JobCondition extends Condition {
  type: string
  status: string
}

export interface JobStatus {
  conditions?: JobCondition[]
  startTime?: string
  completionTime?: string
  active?: number
  succeeded?: number
  failed?: number
  ready?: number
  terminating?: number
  completedIndexes?: string
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] }
  [field: string]: unknown
}

export interface Job extends KubeObject {
  spec?: JobSpec
  status?: JobStatus
}

export type { Pod }

/** Informer objects may lack apiVersion/kind (list items); owner references and Events need them. */
export function withJobTypeMeta(job: Job): Job {
  return job.kind === 'Job' && job.apiVersion === 'batch/v1' ? job : { ...job, apiVersion: 'batch/v1', kind: 'Job' }
}

export function findCondition(conditions: JobCondition[] | undefined, type: string): JobCondition | undefined {
  return conditions?.find((c) => c.type === type)
}

function isConditionTrue(job: Job, type: string): boolean {
  return findCondition(job.status?.conditions, type)?.status === 'True'
}

/** The Complete or Failed condition with status True, if the Job has finished. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')
}

export function isJobFinished(job: Job): boolean {
  return finishedCondition(job) !== undefined
}

export function isJobSucceeded(job: Job): boolean {
  return isConditionTrue(job, 'Complete')
}

export function isJobSuspended(job: Job): boolean {
  return job.spec?.suspend === true
}

export function isIndexedJob(job: Job): boolean {
  return job.spec?.completionMode === 'Indexed'
}

/** metav1.Time: RFC 3339 with whole seconds. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

export function newCondition(type: string, status: string, reason: string, message: string, now: number): JobCondition {
  const time = formatTime(now)
  return { type, status, lastProbeTime: time, lastTransitionTime: time, reason, message }
}

/**
 * Sets the condition of this type, or appends it. A missing condition is not
 * added with status False (nothing to say); returns whether the list changed.
 */
export function ensureConditionStatus(conditions: JobCondition[], type: string, status: string, reason: string, message: string, now: number): boolean {
  const i = conditions.findIndex((c) => c.type === type)
  if (i >= 0) {
    const c = conditions[i]
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return false
    conditions[i] = newCondition(type, status, reason, message, now)
    return true
  }
  if (status === 'False') return false
  conditions.push(newCondition(type, status, reason, message, now))
  return true
}
