// storage.k8s.io/v1 StorageClass: how to provision volumes of a class.
// Everything that shaped existing volumes is fixed after creation.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isQualifiedName } from '../../../../shared/name-validation.ts'
import { validateEnum } from '../../../validation/containers.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import { defineResource } from '../../types.ts'
import { storageClassPrinter } from '../../../printers/storage-printers.ts'

export interface StorageClass extends KubeObject {
  provisioner?: string
  parameters?: Record<string, string>
  reclaimPolicy?: string
  volumeBindingMode?: string
  allowVolumeExpansion?: boolean
  mountOptions?: string[]
}

const maxParameters = 512
const maxParametersSize = 256 * 1024

function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs: FieldError[] = []
  const provisioner = sc.provisioner ?? ''
  if (!provisioner) errs.push(fieldErrors.required('provisioner'))
  // Upstream lower-cases before checking, as for annotation keys.
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(fieldErrors.invalid('provisioner', provisioner, msg))
  const parameters = Object.entries(sc.parameters ?? {})
  if (parameters.length > maxParameters) errs.push(fieldErrors.invalid('parameters', parameters.length, `must have at most ${maxParameters} parameters`))
  const size = parameters.reduce((total, [k, v]) => total + k.length + v.length, 0)
  if (size > maxParametersSize) errs.push(fieldErrors.tooLong('parameters', maxParametersSize))
  for (const [key] of parameters) if (!key) errs.push(fieldErrors.invalid('parameters', key, 'key must not be empty'))
  errs.push(...validateEnum(sc.reclaimPolicy, ['Delete', 'Retain'], 'reclaimPolicy'))
  errs.push(...validateEnum(sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer'], 'volumeBindingMode'))
  return errs
}

function validateStorageClassUpdate(next: StorageClass, prev: StorageClass): FieldError[] {
  const errs = validateStorageClass(next)
  if (!semanticEqual(next.parameters, prev.parameters)) errs.push(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'))
  if (next.provisioner !== prev.provisioner) errs.push(fieldErrors.forbidden('provisioner', 'updates to provisioner are forbidden.'))
  if (next.reclaimPolicy !== prev.reclaimPolicy) errs.push(fieldErrors.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'))
  errs.push(...validateImmutableField(next.volumeBindingMode, prev.volumeBindingMode, 'volumeBindingMode'))
  return errs
}

export const storageClasses = defineResource<StorageClass>({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  shortNames: ['sc'],
  namespaced: false,
  printer: storageClassPrinter,
  strategy: {
    defaults(sc) {
      sc.reclaimPolicy ||= 'Delete'
      sc.volumeBindingMode ||= 'Immediate'
    },
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
  },
})
