// coordination.k8s.io/v1 Lease: node heartbeats and leader election. Its
// few checks fit beside the declaration.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { isNegativeMessage } from '../../../validation/number-fields.ts'
import { defineResource } from '../../types.ts'
import { leasePrinter } from '../../../printers/config-printers.ts'

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string
    leaseDurationSeconds?: number
    acquireTime?: string
    renewTime?: string
    leaseTransitions?: number
    strategy?: string
    preferredHolder?: string
    [field: string]: unknown
  }
}

function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec ?? {}
  const errs: FieldError[] = []
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds !== null && spec.leaseDurationSeconds <= 0) {
    errs.push(fieldErrors.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'))
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions !== null && spec.leaseTransitions < 0) {
    errs.push(fieldErrors.invalid('spec.leaseTransitions', spec.leaseTransitions, isNegativeMessage))
  }
  if (spec.preferredHolder && !spec.strategy) errs.push(fieldErrors.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'))
  return errs
}

export const leases = defineResource<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  printer: leasePrinter,
  strategy: { validate: validateLease, validateUpdate: validateLease },
})
