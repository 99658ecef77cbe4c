// Pod tolerations, and upstream's rule that a pod update may only add them.
import { isValidLabelValue, validateLabelName } from '../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { semanticEqual } from './object-diff.ts'
import type { Toleration } from '../../shared/core-types.ts'

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute']

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  ;(tolerations ?? []).forEach((toleration, i) => {
    const itemPath = childPath(path, i)
    const operatorPath = childPath(itemPath, 'operator')
    if (toleration.key) errs.push(...validateLabelName(toleration.key, childPath(itemPath, 'key')))
    // An empty key with Exists tolerates every taint; with any other operator it means nothing.
    if (!toleration.key && toleration.operator !== 'Exists') {
      errs.push(fieldErrors.invalid(operatorPath, toleration.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'))
    }
    if (toleration.tolerationSeconds !== undefined && toleration.tolerationSeconds !== null && toleration.effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(childPath(itemPath, 'effect'), toleration.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"))
    }
    switch (toleration.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(toleration.value ?? '')
        if (msgs.length > 0) errs.push(fieldErrors.invalid(operatorPath, toleration.value ?? '', msgs.join(';')))
        break
      }
      case 'Exists':
        if (toleration.value) errs.push(fieldErrors.invalid(operatorPath, toleration.value, "value must be empty when `operator` is 'Exists'"))
        break
      default:
        errs.push(fieldErrors.notSupported(operatorPath, toleration.operator, ['Equal', 'Exists']))
    }
    if (toleration.effect && !taintEffects.includes(toleration.effect)) {
      errs.push(fieldErrors.notSupported(childPath(itemPath, 'effect'), toleration.effect, taintEffects))
    }
  })
  return errs
}

/** Existing tolerations must survive an update unchanged, except for their tolerationSeconds. */
export function validateOnlyAddedTolerations(next: Toleration[] | undefined, prev: Toleration[] | undefined, path: string): FieldError[] {
  for (const old of prev ?? []) {
    const kept = (next ?? []).some((candidate) => semanticEqual({ ...old, tolerationSeconds: candidate.tolerationSeconds }, candidate))
    if (!kept) return [fieldErrors.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')]
  }
  return validateTolerations(next, path)
}
