// PersistentVolume: a piece of storage, cluster-scoped, with exactly one
// volume source; new volumes start Pending until the binder looks at them.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { parseQuantity } from '../../../../shared/quantity.ts'
import { nameIsDNSSubdomain } from '../../../validation/resource-names.ts'
import type { Strategy } from '../../types.ts'
import { keepStatus } from '../spec-and-status.ts'
import { validateAccessModes, volumeModes } from './persistentvolumeclaim-strategy.ts'

export interface PersistentVolume extends KubeObject {
  spec?: {
    capacity?: Record<string, string>
    accessModes?: string[]
    persistentVolumeReclaimPolicy?: string
    storageClassName?: string
    volumeMode?: string
    claimRef?: Record<string, unknown>
    [field: string]: unknown
  }
  status?: { phase?: string; [field: string]: unknown }
}

// The in-tree and CSI sources a PersistentVolume may name (one of them).
const pvSources = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc', 'flocker',
  'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
]
const reclaimPolicies = ['Delete', 'Recycle', 'Retain']

function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const spec = pv.spec ?? {}
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes')
  const storage = spec.capacity?.storage
  if (storage === undefined) errs.push(fieldErrors.required('spec.capacity', 'must specify storage capacity'))
  else if (!((parseQuantity(storage) ?? 0) > 0)) errs.push(fieldErrors.invalid('spec.capacity[storage]', storage, 'must be greater than zero'))
  const sources = pvSources.filter((key) => spec[key] !== undefined && spec[key] !== null)
  if (sources.length === 0) errs.push(fieldErrors.required('spec', 'must specify a volume type'))
  for (const extra of sources.slice(1)) errs.push(fieldErrors.forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'))
  if (spec.persistentVolumeReclaimPolicy && !reclaimPolicies.includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(fieldErrors.notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, reclaimPolicies))
  }
  if (spec.storageClassName) for (const msg of nameIsDNSSubdomain(spec.storageClassName, false)) errs.push(fieldErrors.invalid('spec.storageClassName', spec.storageClassName, msg))
  if (spec.volumeMode !== undefined && !volumeModes.includes(spec.volumeMode)) errs.push(fieldErrors.notSupported('spec.volumeMode', spec.volumeMode, volumeModes))
  return errs
}

export const persistentVolumeStrategy: Strategy<PersistentVolume> = {
  defaults(pv) {
    pv.spec ??= {}
    pv.spec.persistentVolumeReclaimPolicy ||= 'Retain'
    pv.spec.volumeMode ||= 'Filesystem'
  },
  prepareForCreate(pv) {
    pv.status = { phase: 'Pending' }
  },
  prepareForUpdate: keepStatus,
  validate: validatePersistentVolume,
  validateUpdate: (next, prev) => [...validatePersistentVolume(next), ...validateImmutableField(next.spec?.volumeMode, prev.spec?.volumeMode, 'volumeMode')],
}
