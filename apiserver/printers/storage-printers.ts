// PersistentVolumes, their claims and StorageClasses as `kubectl get` shows them.
import type { KubeObject } from '../../shared/api-types.ts'
import { since } from './cell-formats.ts'
import { ageColumn, column, definePrinter, nameColumn } from './printer.ts'
import { quantityString } from './quantity-string.ts'

interface PersistentVolume extends KubeObject {
  spec?: {
    capacity?: Record<string, unknown>
    accessModes?: string[]
    persistentVolumeReclaimPolicy?: string
    claimRef?: { namespace?: string; name?: string }
    storageClassName?: string
    volumeAttributesClassName?: string
    volumeMode?: string
  }
  status?: { phase?: string; reason?: string }
}

interface PersistentVolumeClaim extends KubeObject {
  spec?: { volumeName?: string; storageClassName?: string; volumeAttributesClassName?: string; volumeMode?: string }
  status?: { phase?: string; capacity?: Record<string, unknown>; accessModes?: string[] }
}

interface StorageClass extends KubeObject {
  provisioner?: string
  reclaimPolicy?: string
  volumeBindingMode?: string
  allowVolumeExpansion?: boolean
}

const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class'

/** GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once. */
function accessModes(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? [])
  const short: [string, string][] = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']]
  return short.filter(([mode]) => have.has(mode)).map(([, abbreviation]) => abbreviation).join(',')
}

// The beta annotation, where present, still wins over the field.
function storageClassOf(obj: KubeObject, field: string | undefined): string {
  const annotations = obj.metadata.annotations ?? {}
  return Object.hasOwn(annotations, betaStorageClassAnnotation) ? annotations[betaStorageClassAnnotation] : field ?? ''
}

export const persistentVolumePrinter = definePrinter<PersistentVolume>({
  columns: [
    nameColumn,
    column('Capacity', 'string', 'core.PersistentVolumeSpec.capacity'),
    column('Access Modes', 'string', 'core.PersistentVolumeSpec.accessModes'),
    column('Reclaim Policy', 'string', 'core.PersistentVolumeSpec.persistentVolumeReclaimPolicy'),
    column('Status', 'string', 'core.PersistentVolumeStatus.phase'),
    column('Claim', 'string', 'core.PersistentVolumeSpec.claimRef'),
    column('StorageClass', 'string', { text: 'StorageClass of the pv' }),
    column('VolumeAttributesClass', 'string', { text: 'VolumeAttributesClass of the pv' }),
    column('Reason', 'string', 'core.PersistentVolumeStatus.reason'),
    ageColumn,
    column('VolumeMode', 'string', 'core.PersistentVolumeSpec.volumeMode', { priority: 1 }),
  ],
  cells(pv, now) {
    const claim = pv.spec?.claimRef ? `${pv.spec.claimRef.namespace ?? ''}/${pv.spec.claimRef.name ?? ''}` : ''
    return [
      pv.metadata.name ?? '',
      quantityString(pv.spec?.capacity?.storage),
      accessModes(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? '',
      pv.metadata.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '',
      claim,
      storageClassOf(pv, pv.spec?.storageClassName),
      pv.spec?.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      since(pv.metadata.creationTimestamp, now),
      pv.spec?.volumeMode ?? '<unset>',
    ]
  },
})

export const persistentVolumeClaimPrinter = definePrinter<PersistentVolumeClaim>({
  columns: [
    nameColumn,
    column('Status', 'string', 'core.PersistentVolumeClaimStatus.phase'),
    column('Volume', 'string', 'core.PersistentVolumeClaimSpec.volumeName'),
    column('Capacity', 'string', 'core.PersistentVolumeClaimStatus.capacity'),
    column('Access Modes', 'string', 'core.PersistentVolumeClaimStatus.accessModes'),
    column('StorageClass', 'string', { text: 'StorageClass of the pvc' }),
    column('VolumeAttributesClass', 'string', { text: 'VolumeAttributesClass of the pvc' }),
    ageColumn,
    column('VolumeMode', 'string', 'core.PersistentVolumeClaimSpec.volumeMode', { priority: 1 }),
  ],
  cells(pvc, now) {
    // Capacity and access modes are the bound volume's, so they show only once bound.
    const bound = Boolean(pvc.spec?.volumeName)
    return [
      pvc.metadata.name ?? '',
      pvc.metadata.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '',
      pvc.spec?.volumeName ?? '',
      bound ? quantityString(pvc.status?.capacity?.storage) : '',
      bound ? accessModes(pvc.status?.accessModes) : '',
      storageClassOf(pvc, pvc.spec?.storageClassName),
      pvc.spec?.volumeAttributesClassName ?? '<unset>',
      since(pvc.metadata.creationTimestamp, now),
      pvc.spec?.volumeMode ?? '<unset>',
    ]
  },
})

const defaultClassAnnotations = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class']

export const storageClassPrinter = definePrinter<StorageClass>({
  columns: [
    nameColumn,
    column('Provisioner', 'string', 'storage.StorageClass.provisioner'),
    column('ReclaimPolicy', 'string', 'storage.StorageClass.reclaimPolicy'),
    column('VolumeBindingMode', 'string', 'storage.StorageClass.volumeBindingMode'),
    column('AllowVolumeExpansion', 'string', 'storage.StorageClass.allowVolumeExpansion'),
    ageColumn,
  ],
  cells(sc, now) {
    const isDefault = defaultClassAnnotations.some((a) => sc.metadata.annotations?.[a] === 'true')
    return [
      `${sc.metadata.name ?? ''}${isDefault ? ' (default)' : ''}`,
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion ?? false,
      since(sc.metadata.creationTimestamp, now),
    ]
  },
})
