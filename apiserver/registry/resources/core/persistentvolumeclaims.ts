// core/v1 PersistentVolumeClaim.
import { defineResource } from '../../types.ts'
import { persistentVolumeClaimStrategy, type PersistentVolumeClaim } from './persistentvolumeclaim-strategy.ts'
import { persistentVolumeClaimPrinter } from '../../../printers/storage-printers.ts'

export const persistentVolumeClaims = defineResource<PersistentVolumeClaim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  printer: persistentVolumeClaimPrinter,
  strategy: persistentVolumeClaimStrategy,
  subresources: { status: true },
})
