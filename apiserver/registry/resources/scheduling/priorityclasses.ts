// scheduling.k8s.io/v1 PriorityClass, and the two classes every cluster has.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { defineResource, type Strategy } from '../../types.ts'
import { priorityClassPrinter } from '../../../printers/config-printers.ts'

export interface PriorityClass extends KubeObject {
  value?: number
  globalDefault?: boolean
  description?: string
  preemptionPolicy?: string
}

const systemPrefix = 'system-'
// Anything above this is reserved for the system classes below.
const highestUserDefinablePriority = 1_000_000_000

/** Seeded at start-up, as upstream's apiserver does; pods may name them without creating them. */
export const builtinPriorityClasses: PriorityClass[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: 2_000_001_000,
    description: 'Used for system critical pods that must not be moved from their current node.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: 2_000_000_000,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
]

function knownSystemClassError(pc: PriorityClass): string | undefined {
  const name = pc.metadata.name ?? ''
  const known = builtinPriorityClasses.find((b) => b.metadata.name === name)
  if (!known) return `${name} is not a known system priority class`
  if (pc.value !== known.value) return `value of ${name} PriorityClass must be ${known.value}`
  if (pc.globalDefault) return `globalDefault of ${name} PriorityClass must be false`
  return undefined
}

function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = []
  const name = pc.metadata.name ?? ''
  if (name.startsWith(systemPrefix)) {
    const err = knownSystemClassError(pc)
    if (err) errs.push(fieldErrors.forbidden('metadata.name', `priority class names with '${systemPrefix}' prefix are reserved for system use only. error: ${err}`))
  } else if ((pc.value ?? 0) > highestUserDefinablePriority) {
    errs.push(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`))
  }
  if (pc.preemptionPolicy !== 'PreemptLowerPriority' && pc.preemptionPolicy !== 'PreemptNever') {
    errs.push(pc.preemptionPolicy ? fieldErrors.notSupported('preemptionPolicy', pc.preemptionPolicy, ['PreemptLowerPriority', 'PreemptNever']) : fieldErrors.required('preemptionPolicy'))
  }
  return errs
}

export const priorityClassStrategy: Strategy<PriorityClass> = {
  defaults(pc) {
    pc.preemptionPolicy ||= 'PreemptLowerPriority'
  },
  prepareForCreate(pc) {
    pc.metadata.generation = 1
  },
  validate: validatePriorityClass,
  validateUpdate(next, prev) {
    const errs = validatePriorityClass(next)
    // Pods copied the value at admission; changing it would silently reorder them.
    if (next.value !== prev.value) errs.push(fieldErrors.forbidden('value', 'may not be changed in an update.'))
    errs.push(...validateImmutableField(next.preemptionPolicy, prev.preemptionPolicy, 'preemptionPolicy'))
    return errs
  },
}

export const priorityClasses = defineResource<PriorityClass>({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  shortNames: ['pc'],
  namespaced: false,
  printer: priorityClassPrinter,
  strategy: priorityClassStrategy,
})
