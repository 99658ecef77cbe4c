// For tests: runs a resource's strategy in the generic store's order
// (defaults → prepare → validateObjectMeta + validate), without storage.
import type { KubeObject } from '../../../../shared/api-types.ts'
import type { FieldError } from '../../../validation/field-error.ts'
import { validateObjectMeta, validateObjectMetaUpdate } from '../../../validation/object-meta.ts'
import { nameIsDNSSubdomain } from '../../../validation/resource-names.ts'
import type { ResourceDefinition } from '../../types.ts'

export interface FlowResult<T> {
  obj: T
  errors: FieldError[]
}

export function createFlow<T extends KubeObject>(def: ResourceDefinition, input: T, uid = '00000000-0000-4000-8000-000000000001'): FlowResult<T> {
  const obj = structuredClone(input)
  obj.metadata.uid ??= uid
  obj.metadata.creationTimestamp ??= '2026-01-01T00:00:00Z'
  def.strategy.defaults?.(obj)
  def.strategy.prepareForCreate?.(obj)
  const errors = [
    ...validateObjectMeta(obj.metadata, { namespaced: def.namespaced, validateName: def.validateName ?? nameIsDNSSubdomain }),
    ...(def.strategy.validate?.(obj) ?? []),
  ]
  return { obj, errors }
}

export function updateFlow<T extends KubeObject>(def: ResourceDefinition, prev: T, change: (next: T) => void): FlowResult<T> {
  const next = structuredClone(prev)
  next.metadata.resourceVersion ??= '1'
  change(next)
  def.strategy.defaults?.(next)
  def.strategy.prepareForUpdate?.(next, prev)
  const errors = [
    ...validateObjectMetaUpdate(next.metadata, { ...prev.metadata, resourceVersion: prev.metadata.resourceVersion ?? '1' }),
    ...validateObjectMeta(next.metadata, { namespaced: def.namespaced, validateName: def.validateName ?? nameIsDNSSubdomain }),
    ...(def.strategy.validateUpdate?.(next, prev) ?? def.strategy.validate?.(next) ?? []),
  ]
  return { obj: next, errors }
}

/** Errors as kubectl prints them: `field: message`. */
export function rendered(errors: FieldError[]): string[] {
  return errors.map((e) => `${e.field}: ${e.message}`)
}
