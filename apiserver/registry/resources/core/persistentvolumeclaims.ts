// core/v1 PersistentVolumeClaim.
import { defineResource } from '../../types.ts'
import { persistentVolumeClaimStrategy, type PersistentVolumeClaim } from './persistentvolumeclaim-strategy.ts'

export const persistentVolumeClaims = defineResource<PersistentVolumeClaim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  strategy: persistentVolumeClaimStrategy,
  subresources: { status: true },
})
