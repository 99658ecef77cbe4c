// Pod volumes: unique DNS-label names and exactly one source each. Only the
// sources pods use day to day get their own field checks; the cloud and
// legacy in-tree plugins are accepted as given.
import { isDNS1123Label } from '../../shared/name-validation.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import type { Volume } from '../../shared/core-types.ts'

// Upstream's order, which decides which source gets "more than 1" reported.
export const volumeSources = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker',
  'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
]

const fileModeMessage = 'must be a number between 0 and 0777 (octal), both inclusive'

type Source = Record<string, unknown>

export interface VolumeCheck {
  /** Names of the volumes that validated, for volumeMounts to refer to. */
  names: Set<string>
  errors: FieldError[]
}

export function validateVolumes(volumes: Volume[] | undefined, path: string): VolumeCheck {
  const names = new Set<string>()
  const errors: FieldError[] = []
  ;(volumes ?? []).forEach((volume, i) => {
    const volumePath = childPath(path, i)
    const namePath = childPath(volumePath, 'name')
    const errs = validateSource(volume, volumePath)
    if (!volume.name) errs.push(fieldErrors.required(namePath))
    else for (const msg of isDNS1123Label(volume.name)) errs.push(fieldErrors.invalid(namePath, volume.name, msg))
    if (volume.name && names.has(volume.name)) errs.push(fieldErrors.duplicate(namePath, volume.name))
    if (errs.length === 0 && volume.name) names.add(volume.name)
    else errors.push(...errs)
  })
  return { names, errors }
}

function validateSource(volume: Volume, path: string): FieldError[] {
  const errs: FieldError[] = []
  let count = 0
  for (const source of volumeSources) {
    const value = volume[source]
    if (value === undefined || value === null) continue
    const sourcePath = childPath(path, source)
    if (count > 0) {
      errs.push(fieldErrors.forbidden(sourcePath, 'may not specify more than 1 volume type'))
      continue
    }
    count++
    errs.push(...validateSourceFields(source, value as Source, sourcePath))
  }
  if (count === 0) errs.push(fieldErrors.required(path, 'must specify a volume type'))
  return errs
}

function requireString(source: Source, field: string, path: string): FieldError[] {
  return source[field] ? [] : [fieldErrors.required(childPath(path, field))]
}

function validateMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return []
  return typeof mode === 'number' && mode >= 0 && mode <= 0o777 ? [] : [fieldErrors.invalid(path, mode, fileModeMessage)]
}

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  if (!Array.isArray(items)) return []
  return items.flatMap((item: Source, i) => {
    const itemPath = childPath(path, i)
    return [...requireString(item, 'key', itemPath), ...requireString(item, 'path', itemPath), ...validateMode(item.mode, childPath(itemPath, 'mode'))]
  })
}

function validateSourceFields(source: string, value: Source, path: string): FieldError[] {
  switch (source) {
    case 'hostPath':
      return requireString(value, 'path', path)
    case 'secret':
      return [...requireString(value, 'secretName', path), ...validateMode(value.defaultMode, childPath(path, 'defaultMode')), ...validateKeyToPaths(value.items, childPath(path, 'items'))]
    case 'configMap':
      return [...requireString(value, 'name', path), ...validateMode(value.defaultMode, childPath(path, 'defaultMode')), ...validateKeyToPaths(value.items, childPath(path, 'items'))]
    case 'persistentVolumeClaim':
      return requireString(value, 'claimName', path)
    case 'nfs':
      return [...requireString(value, 'server', path), ...requireString(value, 'path', path)]
    case 'csi':
      return requireString(value, 'driver', path)
    case 'downwardAPI':
      return validateMode(value.defaultMode, childPath(path, 'defaultMode'))
    case 'projected':
      return validateProjected(value, path)
    default:
      return []
  }
}

function validateProjected(value: Source, path: string): FieldError[] {
  const errs = validateMode(value.defaultMode, childPath(path, 'defaultMode'))
  const sources = Array.isArray(value.sources) ? (value.sources as Source[]) : []
  sources.forEach((source, i) => {
    const sourcePath = childPath(childPath(path, 'sources'), i)
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = source[kind] as Source | undefined
      if (!ref) continue
      errs.push(...requireString(ref, 'name', childPath(sourcePath, kind)), ...validateKeyToPaths(ref.items, childPath(childPath(sourcePath, kind), 'items')))
    }
  })
  return errs
}
