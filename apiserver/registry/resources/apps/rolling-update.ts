// The rolling update knobs of Deployments and DaemonSets.
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { intOrPercentValue, validateNotMoreThan100Percent, validatePositiveIntOrPercent } from '../../../validation/int-or-percent.ts'

export interface RollingUpdate {
  maxUnavailable?: number | string
  maxSurge?: number | string
  [field: string]: unknown
}

export function validateDeploymentRollingUpdate(ru: RollingUpdate, path: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, childPath(path, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, childPath(path, 'maxSurge')),
  ]
  // With neither, a rollout could never make progress.
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(fieldErrors.invalid(childPath(path, 'maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'))
  }
  errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, childPath(path, 'maxUnavailable')))
  return errs
}

export function validateDaemonSetRollingUpdate(ru: RollingUpdate, path: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, childPath(path, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, childPath(path, 'maxSurge')),
    ...validateNotMoreThan100Percent(ru.maxUnavailable, childPath(path, 'maxUnavailable')),
    ...validateNotMoreThan100Percent(ru.maxSurge, childPath(path, 'maxSurge')),
  ]
  // A DaemonSet has one pod per node: it either surges or takes pods down, never both.
  const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0
  const surge = intOrPercentValue(ru.maxSurge) !== 0
  if (unavailable && surge) errs.push(fieldErrors.invalid(childPath(path, 'maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'))
  if (!unavailable && !surge) errs.push(fieldErrors.required(childPath(path, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'))
  return errs
}
