// A JobSpec, in a Job or in a CronJob's jobTemplate (upstream's validateJobSpec).
import type { LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import type { PodTemplateSpec } from '../../../../shared/core-types.ts'
import { validatePodTemplateSpec } from '../../../validation/pod-spec.ts'

export interface JobSpec {
  parallelism?: number
  completions?: number
  activeDeadlineSeconds?: number
  backoffLimit?: number
  backoffLimitPerIndex?: number
  maxFailedIndexes?: number
  selector?: LabelSelectorObject
  manualSelector?: boolean
  template?: PodTemplateSpec
  ttlSecondsAfterFinished?: number
  completionMode?: string
  suspend?: boolean
  podReplacementPolicy?: string
  podFailurePolicy?: unknown
  [field: string]: unknown
}

const completionModes = ['NonIndexed', 'Indexed']
const podReplacementPolicies = ['Failed', 'TerminatingOrFailed']

export function validateJobSpec(spec: JobSpec, path: string): FieldError[] {
  const at = (field: string) => childPath(path, field)
  const errs: FieldError[] = []
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    errs.push(...validateNonNegative(spec[field], at(field)))
  }
  if (spec.completionMode !== undefined && !completionModes.includes(spec.completionMode)) {
    errs.push(fieldErrors.notSupported(at('completionMode'), spec.completionMode, completionModes))
  }
  if (spec.completionMode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) {
    errs.push(fieldErrors.required(at('completions'), 'when completion mode is Indexed'))
  }
  if (spec.podReplacementPolicy !== undefined && !podReplacementPolicies.includes(spec.podReplacementPolicy)) {
    errs.push(fieldErrors.notSupported(at('podReplacementPolicy'), spec.podReplacementPolicy, podReplacementPolicies))
  }
  errs.push(...validatePodTemplateSpec(spec.template, at('template')))
  // A Job's pods run to completion; "Always" would restart them forever.
  const restartPolicy = spec.template?.spec?.restartPolicy
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(fieldErrors.notSupported(childPath(at('template'), 'spec.restartPolicy'), restartPolicy ?? '', ['OnFailure', 'Never']))
  }
  return errs
}
