// Job: unless the client asks for a manual selector, the server generates
// one that matches only this Job's pods: template labels with the Job's uid
// and name (prefixed batch.kubernetes.io/ and legacy unprefixed ones), and
// a selector on the uid. The generic store sets metadata.uid before
// prepareForCreate runs.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { labelSelectorFromObject, matchesLabels } from '../../../../shared/label-selector.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import { validateWorkloadSelector } from '../../../validation/workload-selector.ts'
import type { Strategy } from '../../types.ts'
import { defaultPodTemplate } from '../core/pod-spec-defaults.ts'
import { bumpGenerationOnSpecChange, keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { validateJobSpec, type JobSpec } from './job-spec-validation.ts'
import { templateWarnings } from '../core/pod-warnings.ts'

export const controllerUidLabel = 'batch.kubernetes.io/controller-uid'
export const jobNameLabel = 'batch.kubernetes.io/job-name'
export const legacyControllerUidLabel = 'controller-uid'
export const legacyJobNameLabel = 'job-name'

export interface Job extends KubeObject {
  spec?: JobSpec
  status?: { active?: number; succeeded?: number; failed?: number; startTime?: string; [field: string]: unknown }
}

export function defaultJobSpec(spec: JobSpec): void {
  // A plain Job runs one pod to completion.
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1
  spec.parallelism ??= 1
  spec.backoffLimit ??= 6
  spec.completionMode ||= 'NonIndexed'
  spec.suspend ??= false
  spec.podReplacementPolicy ||= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed'
  defaultPodTemplate(spec.template)
}

function copyTemplateLabelsToJob(job: Job): void {
  const labels = job.spec?.template?.metadata?.labels
  if (labels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...labels }
}

function generateSelector(job: Job): void {
  const spec = (job.spec ??= {})
  const template = (spec.template ??= {})
  const labels = ((template.metadata ??= {}).labels ??= {})
  const uid = job.metadata.uid ?? ''
  const name = job.metadata.name ?? ''
  // Labels the client set are kept; a conflicting value fails validation below.
  labels[legacyJobNameLabel] ??= name
  labels[jobNameLabel] ??= name
  labels[legacyControllerUidLabel] ??= uid
  labels[controllerUidLabel] ??= uid
  const selector = (spec.selector ??= {})
  const matchLabels = (selector.matchLabels ??= {})
  matchLabels[controllerUidLabel] ??= uid
}

function requireLabel(labels: Record<string, string> | undefined, key: string, expected: string): FieldError[] {
  const path = `spec.template.metadata.labels[${key}]`
  if (!labels || !Object.hasOwn(labels, key)) return [fieldErrors.required(path, `must be '${expected}'`)]
  return labels[key] === expected ? [] : [fieldErrors.invalid(path, labels, `must be '${expected}'`)]
}

function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec ?? {}
  if (spec.manualSelector || !spec.selector) return []
  const uid = job.metadata.uid ?? ''
  const name = job.metadata.name ?? ''
  const errs: FieldError[] = []
  if (!uid) errs.push(fieldErrors.required('metadata.uid'))
  const labels = spec.template?.metadata?.labels
  for (const [key, value] of [[legacyControllerUidLabel, uid], [legacyJobNameLabel, name], [controllerUidLabel, uid], [jobNameLabel, name]]) {
    errs.push(...requireLabel(labels, key, value))
  }
  const expected = { [controllerUidLabel]: uid, [jobNameLabel]: name, [legacyControllerUidLabel]: uid, [legacyJobNameLabel]: name }
  try {
    if (!matchesLabels(labelSelectorFromObject(spec.selector), expected)) errs.push(fieldErrors.invalid('spec.selector', spec.selector, '`selector` not auto-generated'))
  } catch {
    // An unparsable selector is reported by the selector check.
  }
  return errs
}

function validateJob(job: Job): FieldError[] {
  const spec = job.spec ?? {}
  return [
    ...validateGeneratedSelector(job),
    ...validateJobSpec(spec, 'spec'),
    ...validateWorkloadSelector(spec.selector, spec.template?.metadata?.labels, { required: true }),
  ]
}

function validateJobUpdate(next: Job, prev: Job): FieldError[] {
  const spec = next.spec ?? {}
  const old = prev.spec ?? {}
  return [
    ...validateJob(next),
    ...validateImmutableField(spec.completions, old.completions, 'spec.completions'),
    ...validateImmutableField(spec.selector, old.selector, 'spec.selector'),
    ...validateImmutableField(spec.template, old.template, 'spec.template'),
    ...validateImmutableField(spec.completionMode, old.completionMode, 'spec.completionMode'),
    ...validateImmutableField(spec.podFailurePolicy, old.podFailurePolicy, 'spec.podFailurePolicy'),
    ...validateImmutableField(spec.backoffLimitPerIndex, old.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'),
  ]
}

export const jobStrategy: Strategy<Job> = {
  warnings: (obj, prev) => templateWarnings(obj.spec?.template, prev === undefined ? undefined : prev.spec?.template, 'spec.template'),
  defaults(job) {
    job.spec ??= {}
    defaultJobSpec(job.spec)
    job.spec.manualSelector ??= false
    copyTemplateLabelsToJob(job)
  },
  prepareForCreate(job) {
    if (!job.spec?.manualSelector) generateSelector(job)
    // Upstream shows the generated labels on the Job too: its defaulting copies them on read.
    copyTemplateLabelsToJob(job)
    resetStatus(job)
    startGeneration(job)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: (next) => (['active', 'succeeded', 'failed', 'ready', 'terminating'] as const).flatMap((f) => validateNonNegative(next.status?.[f], `status.${f}`)),
}
