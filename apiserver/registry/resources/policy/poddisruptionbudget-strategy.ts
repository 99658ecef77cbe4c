// PodDisruptionBudget: how many of the selected pods voluntary disruptions
// (evictions) must leave, as a count or a percentage; minAvailable or
// maxUnavailable, never both.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { validateLabelSelectorObject, type LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateNotMoreThan100Percent, validatePositiveIntOrPercent } from '../../../validation/int-or-percent.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import type { Strategy } from '../../types.ts'
import { bumpGenerationOnSpecChange, keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'

export interface PodDisruptionBudget extends KubeObject {
  spec?: {
    minAvailable?: number | string
    maxUnavailable?: number | string
    selector?: LabelSelectorObject
    unhealthyPodEvictionPolicy?: string
    [field: string]: unknown
  }
  status?: Record<string, unknown>
}

const evictionPolicies = ['AlwaysAllow', 'IfHealthyBudget']

function validatePDB(pdb: PodDisruptionBudget): FieldError[] {
  const spec = pdb.spec ?? {}
  const errs: FieldError[] = []
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(fieldErrors.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'))
  }
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    if (spec[field] === undefined) continue
    errs.push(...validatePositiveIntOrPercent(spec[field], `spec.${field}`), ...validateNotMoreThan100Percent(spec[field], `spec.${field}`))
  }
  errs.push(...validateLabelSelectorObject(spec.selector, 'spec.selector'))
  if (spec.unhealthyPodEvictionPolicy !== undefined && !evictionPolicies.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(fieldErrors.notSupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, evictionPolicies))
  }
  return errs
}

export const podDisruptionBudgetStrategy: Strategy<PodDisruptionBudget> = {
  prepareForCreate(pdb) {
    resetStatus(pdb, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 })
    startGeneration(pdb)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: validatePDB,
  validateUpdate: validatePDB,
  validateStatusUpdate: (next) =>
    (['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods', 'observedGeneration'] as const).flatMap((f) => validateNonNegative(next.status?.[f], `status.${f}`)),
}
