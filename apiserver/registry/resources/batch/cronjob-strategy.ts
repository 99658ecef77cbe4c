// CronJob: a schedule and a Job template. Its name plus an 11-character
// suffix names each Job, which must still be a valid label value, hence
// the 52-character limit.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { cronScheduleError } from '../../../validation/cron-schedule.ts'
import { validateEnum } from '../../../validation/containers.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import type { Strategy } from '../../types.ts'
import { defaultPodTemplate } from '../core/pod-spec-defaults.ts'
import { bumpGenerationOnSpecChange, keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { validateJobSpec, type JobSpec } from './job-spec-validation.ts'
import { templateWarnings } from '../core/pod-warnings.ts'

export interface CronJob extends KubeObject {
  spec?: {
    schedule?: string
    timeZone?: string
    startingDeadlineSeconds?: number
    concurrencyPolicy?: string
    suspend?: boolean
    jobTemplate?: { metadata?: Record<string, unknown>; spec?: JobSpec }
    successfulJobsHistoryLimit?: number
    failedJobsHistoryLimit?: number
    [field: string]: unknown
  }
  status?: Record<string, unknown>
}

const maxCronJobNameLength = 52

function validateCronJob(cj: CronJob): FieldError[] {
  const spec = cj.spec ?? {}
  const errs: FieldError[] = []
  const name = cj.metadata.name ?? ''
  if (name.length > maxCronJobNameLength) errs.push(fieldErrors.invalid('metadata.name', name, `must be no more than ${maxCronJobNameLength} characters`))
  if (!spec.schedule) {
    errs.push(fieldErrors.required('spec.schedule'))
  } else if (/^\s*(CRON_)?TZ=/.test(spec.schedule)) {
    errs.push(fieldErrors.invalid('spec.schedule', spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'))
  } else {
    const err = cronScheduleError(spec.schedule)
    if (err) errs.push(fieldErrors.invalid('spec.schedule', spec.schedule, err))
  }
  if (spec.timeZone !== undefined && (spec.timeZone === '' || /\s/.test(spec.timeZone))) {
    errs.push(fieldErrors.invalid('spec.timeZone', spec.timeZone, 'unknown time zone ' + spec.timeZone))
  }
  errs.push(...validateNonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'))
  errs.push(...validateEnum(spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], 'spec.concurrencyPolicy'))
  errs.push(...validateNonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'))
  errs.push(...validateNonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'))
  const jobSpec = spec.jobTemplate?.spec ?? {}
  errs.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec'))
  // The CronJob controller generates each Job's selector.
  if (jobSpec.selector) errs.push(fieldErrors.invalid('spec.jobTemplate.spec.selector', jobSpec.selector, '`selector` will be auto-generated'))
  if (jobSpec.manualSelector) errs.push(fieldErrors.notSupported('spec.jobTemplate.spec.manualSelector', jobSpec.manualSelector, ['nil', 'false']))
  return errs
}

export const cronJobStrategy: Strategy<CronJob> = {
  warnings: (cj, prev) => templateWarnings(cj.spec?.jobTemplate?.spec?.template, prev === undefined ? undefined : prev.spec?.jobTemplate?.spec?.template, 'spec.jobTemplate.spec.template'),
  defaults(cj) {
    const spec = (cj.spec ??= {})
    spec.concurrencyPolicy ||= 'Allow'
    spec.suspend ??= false
    spec.successfulJobsHistoryLimit ??= 3
    spec.failedJobsHistoryLimit ??= 1
    defaultPodTemplate(spec.jobTemplate?.spec?.template)
  },
  prepareForCreate(cj) {
    resetStatus(cj)
    startGeneration(cj)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: validateCronJob,
  validateUpdate: validateCronJob,
}
