// IntOrString fields that count pods: maxUnavailable, maxSurge, minAvailable.
import { fieldErrors, type FieldError } from './field-error.ts'
import { isNegativeMessage } from './number-fields.ts'

const percentPattern = /^[0-9]+%$/

/** The number in `5` or `"5%"`; 0 for anything else, as upstream's getIntOrPercentValue. */
export function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && percentPattern.test(value)) return Number(value.slice(0, -1))
  return 0
}

export function validatePositiveIntOrPercent(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') {
    return percentPattern.test(value) ? [] : [fieldErrors.invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
  }
  if (typeof value === 'number') return value < 0 ? [fieldErrors.invalid(path, value, isNegativeMessage)] : []
  return [fieldErrors.invalid(path, value, "must be an integer or percentage (e.g '5%')")]
}

export function validateNotMoreThan100Percent(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string' || !percentPattern.test(value)) return []
  return intOrPercentValue(value) > 100 ? [fieldErrors.invalid(path, value, 'must not be greater than 100%')] : []
}
