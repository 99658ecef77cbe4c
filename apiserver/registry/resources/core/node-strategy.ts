// Node: the kubelet registers its Node with the status it observed, so
// create keeps status; later the main resource and nodes/status each change
// only their half. podCIDRs and providerID are write-once.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isValidLabelValue, validateLabelName } from '../../../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import { parseQuantity, quantityFormatMessage } from '../../../../shared/quantity.ts'
import type { Strategy } from '../../types.ts'
import { keepStatus } from '../spec-and-status.ts'

export interface Taint { key?: string; value?: string; effect?: string; timeAdded?: string }

export interface Node extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; providerID?: string; unschedulable?: boolean; taints?: Taint[]; [field: string]: unknown }
  status?: { capacity?: Record<string, string>; allocatable?: Record<string, string>; addresses?: Array<{ type?: string; address?: string }>; [field: string]: unknown }
}

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute']

export function validateTaints(taints: Taint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  ;(taints ?? []).forEach((taint, i) => {
    const itemPath = childPath(path, i)
    errs.push(...validateLabelName(taint.key ?? '', childPath(itemPath, 'key')))
    const valueMsgs = isValidLabelValue(taint.value ?? '')
    if (valueMsgs.length > 0) errs.push(fieldErrors.invalid(childPath(itemPath, 'value'), taint.value ?? '', valueMsgs.join(';')))
    if (!taint.effect) errs.push(fieldErrors.required(childPath(itemPath, 'effect')))
    else if (!taintEffects.includes(taint.effect)) errs.push(fieldErrors.notSupported(childPath(itemPath, 'effect'), taint.effect, taintEffects))
    const key = `${taint.effect ?? ''}\u0000${taint.key ?? ''}`
    if (seen.has(key)) {
      const duplicate = fieldErrors.duplicate(itemPath, taint)
      errs.push({ ...duplicate, message: `${duplicate.message}: taints must be unique by key and effect pair` })
    }
    seen.add(key)
  })
  return errs
}

function validateResourceLists(node: Node): FieldError[] {
  const errs: FieldError[] = []
  for (const list of ['capacity', 'allocatable'] as const) {
    for (const [name, quantity] of Object.entries(node.status?.[list] ?? {})) {
      const value = parseQuantity(quantity)
      const path = `status.${list}.${name}`
      if (value === undefined) errs.push(fieldErrors.invalid(path, quantity, quantityFormatMessage))
      else if (value < 0) errs.push(fieldErrors.invalid(path, quantity, 'must be greater than or equal to 0'))
    }
  }
  return errs
}

function validateNode(node: Node): FieldError[] {
  // Upstream reports taints under metadata.taints (its field path is rooted at metadata).
  return [...validateTaints(node.spec?.taints, 'metadata.taints'), ...validateResourceLists(node)]
}

function validateNodeUpdate(next: Node, prev: Node): FieldError[] {
  const errs = validateNode(next)
  const addresses = next.status?.addresses ?? []
  addresses.forEach((address, i) => {
    if (addresses.slice(0, i).some((other) => semanticEqual(other, address))) errs.push(fieldErrors.duplicate(`status.addresses[${i}]`, address))
  })
  const oldCIDRs = prev.spec?.podCIDRs ?? []
  if (oldCIDRs.length > 0 && !semanticEqual(oldCIDRs, next.spec?.podCIDRs ?? [])) {
    errs.push(fieldErrors.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'))
  }
  if (prev.spec?.providerID && prev.spec.providerID !== next.spec?.providerID) {
    errs.push(fieldErrors.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'))
  }
  return errs
}

export const nodeStrategy: Strategy<Node> = {
  defaults(node) {
    // Without reserved resources, all of the capacity is allocatable.
    if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = { ...node.status.capacity }
  },
  // The kubelet registers its Node with the status it observed: keep it.
  prepareForCreate() {},
  prepareForUpdate: keepStatus,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  validateStatusUpdate: validateNodeUpdate,
}
