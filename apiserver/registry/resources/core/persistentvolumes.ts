// core/v1 PersistentVolume (cluster-scoped).
import { defineResource } from '../../types.ts'
import { persistentVolumeStrategy, type PersistentVolume } from './persistentvolume-strategy.ts'
import { persistentVolumePrinter } from '../../../printers/storage-printers.ts'

export const persistentVolumes = defineResource<PersistentVolume>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  namespaced: false,
  printer: persistentVolumePrinter,
  strategy: persistentVolumeStrategy,
  subresources: { status: true },
})
