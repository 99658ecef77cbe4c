// Status checks shared by the replica-managing kinds: counts are never
// negative, and no subset of replicas outnumbers the whole.
import { fieldErrors, type FieldError } from '../../validation/field-error.ts'
import { validateNonNegative } from '../../validation/number-fields.ts'

export type ReplicaStatus = Record<string, unknown>

export interface ReplicaStatusRules {
  /** Counts that must be ≥ 0. */
  counts: string[]
  /** Counts that may not exceed status.replicas. */
  subsets: string[]
  /** Upstream words the available-vs-ready check differently per kind. */
  availableVsReadyMessage?: string
}

export function validateReplicaStatus(status: ReplicaStatus | undefined, rules: ReplicaStatusRules): FieldError[] {
  const s = status ?? {}
  const num = (field: string) => (typeof s[field] === 'number' ? (s[field] as number) : 0)
  const errs: FieldError[] = []
  for (const field of rules.counts) errs.push(...validateNonNegative(s[field], `status.${field}`))
  for (const field of rules.subsets) {
    if (num(field) > num('replicas')) errs.push(fieldErrors.invalid(`status.${field}`, num(field), 'cannot be greater than status.replicas'))
  }
  if (rules.availableVsReadyMessage && num('availableReplicas') > num('readyReplicas')) {
    errs.push(fieldErrors.invalid('status.availableReplicas', num('availableReplicas'), rules.availableVsReadyMessage))
  }
  return errs
}

/** collisionCount only grows: controllers use it to make new revision names unique. */
export function validateCollisionCountNotDecremented(next: ReplicaStatus | undefined, prev: ReplicaStatus | undefined): FieldError[] {
  const now = next?.collisionCount as number | undefined
  const before = prev?.collisionCount as number | undefined
  if (before === undefined) return []
  if (now === undefined || now < before) return [fieldErrors.invalid('status.collisionCount', now ?? 0, 'cannot be decremented')]
  return []
}
