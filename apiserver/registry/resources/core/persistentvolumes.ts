// core/v1 PersistentVolume (cluster-scoped).
import { defineResource } from '../../types.ts'
import { persistentVolumeStrategy, type PersistentVolume } from './persistentvolume-strategy.ts'

export const persistentVolumes = defineResource<PersistentVolume>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  namespaced: false,
  strategy: persistentVolumeStrategy,
  subresources: { status: true },
})
