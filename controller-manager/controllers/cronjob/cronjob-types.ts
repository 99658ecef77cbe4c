// The batch/v1 CronJob shapes the cronjob controller reads and writes.
import type { KubeObject, ObjectMeta } from '../../../shared/api-types.ts'
import type { ObjectReference } from '../../../shared/event-recorder.ts'
import type { JobSpec } from '../job/job-types.ts'

export const cronJobScheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp'

export interface CronJobSpec {
  schedule?: string
  timeZone?: string | null
  startingDeadlineSeconds?: number | null
  /** Allow, Forbid or Replace. */
  concurrencyPolicy?: string
  suspend?: boolean
  jobTemplate?: { metadata?: ObjectMeta; spec?: JobSpec }
  successfulJobsHistoryLimit?: number | null
  failedJobsHistoryLimit?: number | null
  [field: string]: unknown
}

export interface CronJobStatus {
  active?: ObjectReference[]
  lastScheduleTime?: string
  lastSuccessfulTime?: string
  [field: string]: unknown
}

export interface CronJob extends KubeObject {
  spec?: CronJobSpec
  status?: CronJobStatus
}

export function withCronJobTypeMeta(cj: CronJob): CronJob {
  return cj.kind === 'CronJob' && cj.apiVersion === 'batch/v1' ? cj : { ...cj, apiVersion: 'batch/v1', kind: 'CronJob' }
}
