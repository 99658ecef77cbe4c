// batch/v1 Jobs and CronJobs as `kubectl get` shows them.
import type { KubeObject } from '../../shared/api-types.ts'
import { describeLabelSelector, type LabelSelectorObject } from '../../shared/label-selector.ts'
import { containerCells, printOptionalBool, since, type NamedImage } from './cell-formats.ts'
import { humanDuration } from '../../shared/human-duration.ts'
import { ageColumn, column, containersColumn, definePrinter, imagesColumn, nameColumn } from './printer.ts'

interface JobSpec {
  completions?: number
  parallelism?: number
  selector?: LabelSelectorObject
  template?: { spec?: { containers?: NamedImage[] } }
}

interface Job extends KubeObject {
  spec?: JobSpec
  status?: {
    succeeded?: number
    startTime?: string
    completionTime?: string
    conditions?: { type?: string; status?: string }[]
  }
}

interface CronJob extends KubeObject {
  spec?: { schedule?: string; timeZone?: string; suspend?: boolean; jobTemplate?: { spec?: JobSpec } }
  status?: { active?: unknown[]; lastScheduleTime?: string }
}

// hasJobCondition: the first condition of the type decides.
function hasCondition(job: Job, type: string): boolean {
  return (job.status?.conditions ?? []).find((c) => c.type === type)?.status === 'True'
}

function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0
  if (job.spec?.completions !== undefined && job.spec.completions !== null) return `${succeeded}/${job.spec.completions}`
  const parallelism = job.spec?.parallelism ?? 0
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`
}

function jobDuration(job: Job, now: number): string {
  const start = job.status?.startTime ? Date.parse(job.status.startTime) : Number.NaN
  if (Number.isNaN(start)) return ''
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : Number.NaN
  return humanDuration((Number.isNaN(end) ? now : end) - start)
}

function jobStatus(job: Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete'
  if (hasCondition(job, 'Failed')) return 'Failed'
  if (job.metadata.deletionTimestamp) return 'Terminating'
  if (hasCondition(job, 'Suspended')) return 'Suspended'
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget'
  return 'Running'
}

export const jobPrinter = definePrinter<Job>({
  columns: [
    nameColumn,
    column('Status', 'string', { text: 'Status of the job.' }),
    column('Completions', 'string', 'batch.JobStatus.succeeded'),
    column('Duration', 'string', { text: 'Time required to complete the job.' }),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'batch.JobSpec.selector', { priority: 1 }),
  ],
  cells: (job, now) => [
    job.metadata.name ?? '',
    jobStatus(job),
    completions(job),
    jobDuration(job, now),
    since(job.metadata.creationTimestamp, now),
    ...containerCells(job.spec?.template?.spec?.containers),
    describeLabelSelector(job.spec?.selector),
  ],
})

export const cronJobPrinter = definePrinter<CronJob>({
  columns: [
    nameColumn,
    column('Schedule', 'string', 'batch.CronJobSpec.schedule'),
    column('Timezone', 'string', 'batch.CronJobSpec.timeZone'),
    column('Suspend', 'boolean', 'batch.CronJobSpec.suspend'),
    column('Active', 'integer', 'batch.CronJobStatus.active'),
    column('Last Schedule', 'string', 'batch.CronJobStatus.lastScheduleTime'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'batch.JobSpec.selector', { priority: 1 }),
  ],
  cells: (cj, now) => [
    cj.metadata.name ?? '',
    cj.spec?.schedule ?? '',
    cj.spec?.timeZone ?? '<none>',
    printOptionalBool(cj.spec?.suspend),
    (cj.status?.active ?? []).length,
    cj.status?.lastScheduleTime ? since(cj.status.lastScheduleTime, now) : '<none>',
    since(cj.metadata.creationTimestamp, now),
    ...containerCells(cj.spec?.jobTemplate?.spec?.template?.spec?.containers),
    describeLabelSelector(cj.spec?.jobTemplate?.spec?.selector),
  ],
})
