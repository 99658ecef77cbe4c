// LimitRange: per-namespace bounds and defaults for container, pod and claim
// resources. Container defaults fill in from max and min, as upstream's.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isQualifiedName } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { parseQuantity } from '../../../../shared/quantity.ts'
import type { Strategy } from '../../types.ts'

type ResourceList = Record<string, string>

export interface LimitRangeItem {
  type?: string
  max?: ResourceList
  min?: ResourceList
  default?: ResourceList
  defaultRequest?: ResourceList
  maxLimitRequestRatio?: ResourceList
}

export interface LimitRange extends KubeObject {
  spec?: { limits?: LimitRangeItem[] }
}

const standardLimitTypes = ['Pod', 'Container', 'PersistentVolumeClaim']

function defaultItem(item: LimitRangeItem): void {
  if (item.type !== 'Container') return
  const defaults = (item.default ??= {})
  const requests = (item.defaultRequest ??= {})
  // No default limit: the max. No default request: the default limit, else the min.
  for (const [name, q] of Object.entries(item.max ?? {})) defaults[name] ??= q
  for (const [name, q] of Object.entries(defaults)) requests[name] ??= q
  for (const [name, q] of Object.entries(item.min ?? {})) requests[name] ??= q
}

function compare(errs: FieldError[], path: string, lower: string | undefined, upper: string | undefined, message: string): void {
  if (lower === undefined || upper === undefined) return
  const lo = parseQuantity(lower)
  const hi = parseQuantity(upper)
  if (lo !== undefined && hi !== undefined && lo > hi) errs.push(fieldErrors.invalid(path, lower, message))
}

function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  ;(lr.spec?.limits ?? []).forEach((item, i) => {
    const path = `spec.limits[${i}]`
    const type = item.type ?? ''
    const msgs = isQualifiedName(type)
    for (const msg of msgs) errs.push(fieldErrors.invalid(`${path}.type`, type, msg))
    if (msgs.length === 0 && !type.includes('/') && !standardLimitTypes.includes(type)) errs.push(fieldErrors.invalid(`${path}.type`, type, 'must be a standard limit type or fully qualified'))
    if (seen.has(type)) errs.push(fieldErrors.duplicate(`${path}.type`, type))
    seen.add(type)
    if (type === 'Pod') {
      if (Object.keys(item.default ?? {}).length > 0) errs.push(fieldErrors.forbidden(`${path}.default`, "may not be specified when `type` is 'Pod'"))
      if (Object.keys(item.defaultRequest ?? {}).length > 0) errs.push(fieldErrors.forbidden(`${path}.defaultRequest`, "may not be specified when `type` is 'Pod'"))
    }
    if (type === 'PersistentVolumeClaim' && item.min?.storage === undefined && item.max?.storage === undefined) {
      errs.push(fieldErrors.required(`${path}.limits`, 'either minimum or maximum storage value is required, but neither was provided'))
    }
    const names = new Set([...Object.keys(item.min ?? {}), ...Object.keys(item.max ?? {}), ...Object.keys(item.default ?? {}), ...Object.keys(item.defaultRequest ?? {})])
    for (const name of names) {
      const [min, max, def, req] = [item.min?.[name], item.max?.[name], item.default?.[name], item.defaultRequest?.[name]]
      compare(errs, `${path}.min[${name}]`, min, max, `min value ${min} is greater than max value ${max}`)
      compare(errs, `${path}.defaultRequest[${name}]`, min, req, `min value ${min} is greater than default request value ${req}`)
      compare(errs, `${path}.defaultRequest[${name}]`, req, max, `default request value ${req} is greater than max value ${max}`)
      compare(errs, `${path}.defaultRequest[${name}]`, req, def, `default request value ${req} is greater than default limit value ${def}`)
      compare(errs, `${path}.default[${name}]`, min, def, `min value ${min} is greater than default value ${def}`)
      compare(errs, `${path}.default[${name}]`, def, max, `default value ${def} is greater than max value ${max}`)
    }
  })
  return errs
}

export const limitRangeStrategy: Strategy<LimitRange> = {
  defaults(lr) {
    for (const item of lr.spec?.limits ?? []) defaultItem(item)
  },
  validate: validateLimitRange,
  validateUpdate: validateLimitRange,
}
