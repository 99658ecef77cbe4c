// PersistentVolumeClaim: a request for storage, fixed after creation except
// for growing its size and the binder filling in volumeName once.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { validateLabelSelectorObject, type LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { differingPaths, semanticEqual } from '../../../validation/object-diff.ts'
import { parseQuantity } from '../../../../shared/quantity.ts'
import { nameIsDNSSubdomain } from '../../../validation/resource-names.ts'
import type { Strategy } from '../../types.ts'
import { keepStatus } from '../spec-and-status.ts'

export interface PersistentVolumeClaimSpec {
  accessModes?: string[]
  selector?: LabelSelectorObject
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  volumeName?: string
  storageClassName?: string
  volumeMode?: string
  volumeAttributesClassName?: string
  [field: string]: unknown
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: PersistentVolumeClaimSpec
  status?: { phase?: string; capacity?: Record<string, string>; [field: string]: unknown }
}

export const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']
export const volumeModes = ['Block', 'Filesystem']

/** Access modes and volume mode, shared with PersistentVolumes. */
export function validateAccessModes(modes: string[] | undefined, path: string): FieldError[] {
  const list = modes ?? []
  if (list.length === 0) return [fieldErrors.required(path, 'at least 1 access mode is required')]
  const errs: FieldError[] = []
  for (const mode of list) if (!accessModes.includes(mode)) errs.push(fieldErrors.notSupported(path, mode, accessModes))
  if (list.includes('ReadWriteOncePod') && list.some((m) => m !== 'ReadWriteOncePod' && accessModes.includes(m))) {
    errs.push(fieldErrors.forbidden(path, 'may not use ReadWriteOncePod with other access modes'))
  }
  return errs
}

function validateClaimSpec(spec: PersistentVolumeClaimSpec | undefined): FieldError[] {
  const s = spec ?? {}
  const errs = validateAccessModes(s.accessModes, 'spec.accessModes')
  errs.push(...validateLabelSelectorObject(s.selector, 'spec.selector'))
  const storage = s.resources?.requests?.storage
  const storagePath = 'spec.resources[storage]'
  if (storage === undefined) errs.push(fieldErrors.required(storagePath))
  else if (!((parseQuantity(storage) ?? 0) > 0)) errs.push(fieldErrors.invalid(storagePath, storage, 'must be greater than zero'))
  if (s.storageClassName) for (const msg of nameIsDNSSubdomain(s.storageClassName, false)) errs.push(fieldErrors.invalid('spec.storageClassName', s.storageClassName, msg))
  if (s.volumeMode !== undefined && !volumeModes.includes(s.volumeMode)) errs.push(fieldErrors.notSupported('spec.volumeMode', s.volumeMode, volumeModes))
  return errs
}

function validateClaimUpdate(next: PersistentVolumeClaim, prev: PersistentVolumeClaim): FieldError[] {
  const errs = validateClaimSpec(next.spec)
  const spec = structuredClone(next.spec ?? {})
  const old = prev.spec ?? {}
  // The binder may set volumeName once; a bound claim may grow (resources) or change class of service.
  if (!old.volumeName) spec.volumeName = old.volumeName
  if (next.status?.phase === 'Bound') {
    spec.resources = { ...spec.resources, requests: { ...spec.resources?.requests, storage: old.resources?.requests?.storage ?? '' } }
    spec.volumeAttributesClassName = old.volumeAttributesClassName
  }
  if (!semanticEqual(spec, old)) {
    const changed = differingPaths(old, spec, 'spec').join(', ')
    errs.push(fieldErrors.forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  changed: ${changed}`))
  }
  const newSize = parseQuantity(next.spec?.resources?.requests?.storage)
  const oldSize = parseQuantity(old.resources?.requests?.storage)
  if (newSize !== undefined && oldSize !== undefined && newSize < oldSize) {
    errs.push(fieldErrors.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'))
  }
  errs.push(...validateImmutableField(next.spec?.volumeMode, old.volumeMode, 'volumeMode'))
  return errs
}

export const persistentVolumeClaimStrategy: Strategy<PersistentVolumeClaim> = {
  defaults(pvc) {
    pvc.spec ??= {}
    pvc.spec.volumeMode ||= 'Filesystem'
  },
  prepareForCreate(pvc) {
    pvc.status = { phase: 'Pending' }
  },
  prepareForUpdate: keepStatus,
  validate: (pvc) => validateClaimSpec(pvc.spec),
  validateUpdate: validateClaimUpdate,
}
