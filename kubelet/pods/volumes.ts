// A pod's volumes on this node's disk, and the mounts each container gets.
//
// Where each kind lives:
//   emptyDir               <podDir>/volumes/kubernetes.io~empty-dir/<name> (medium Memory is a plain directory too)
//   configMap, secret,     <podDir>/volumes/kubernetes.io~{configmap,secret,downward-api,projected}/<name>,
//   downwardAPI, projected   written atomically (volume-atomic-writer.ts), read-only in containers
//   hostPath               the host path itself, checked or created as its type says
//   persistentVolumeClaim  <rootDir>/pvs/<namespace>/<claimName>: kubeling has no storage
//                          provisioners, so a claim is a node-local directory, created on
//                          first use and kept when the pod goes, so the next pod with the
//                          claim finds the data; `ephemeral` volumes are the claim
//                          <podName>-<volumeName> in the same place
//   anything else (csi, nfs, image, …)  an empty directory under kubernetes.io~<kind>, with a warning
//
// Failures carry upstream's FailedMount event message,
// `MountVolume.SetUp failed for volume "<name>" : <cause>`; the pod worker
// records one event per failure and tries again on its next sync.
import { mkdir, stat, chmod, open } from 'node:fs/promises'
import { join } from 'node:path'
import type { Container, Pod, Volume } from '../../shared/core-types.ts'
import type { Mount } from '../runtime/types.ts'
import { mountsFor, type PreparedVolume } from './volume-mounts.ts'
import { writeAtomically, type Payload } from './volume-atomic-writer.ts'
import {
  configMapVolumePayload,
  defaultFileMode,
  downwardAPIPayload,
  projectedVolumePayload,
  secretVolumePayload,
  type ConfigMapVolumeSource,
  type DownwardAPIVolumeSource,
  type PayloadSources,
  type ProjectedVolumeSource,
  type SecretVolumeSource,
} from './volume-payloads.ts'

export type VolumeSources = PayloadSources

export interface VolumeOptions {
  /** The kubelet's root directory: persistentVolumeClaim volumes live under <rootDir>/pvs. */
  rootDir: string
}

export interface VolumeFailure {
  volume: string
  /** The FailedMount event message. */
  message: string
}

export interface VolumeWarning {
  volume: string
  reason: string
  message: string
}

/** Some volumes could not be set up; the others are. */
export class VolumeSetupError extends Error {
  readonly failures: readonly VolumeFailure[]
  constructor(failures: readonly VolumeFailure[]) {
    super(failures.map((f) => f.message).join('; '))
    this.failures = failures
  }
}

export interface PodVolumes {
  /** Volume name → host path: SandboxConfig.volumes. */
  readonly paths: ReadonlyMap<string, string>
  /** Stand-ins for volume kinds kubeling does not support: Warning events for the pod. */
  readonly warnings: readonly VolumeWarning[]
  /**
   * The container's mounts, in volumeMounts order. env is the container's
   * resolved environment, for subPathExpr. Throws with upstream's message
   * (a CreateContainerConfigError), e.g. `cannot find volume "x" to mount into container "c"`.
   */
  mountsFor(container: Container, env?: ReadonlyArray<readonly [string, string]>): Promise<Mount[]>
  /**
   * Rewrites the configMap, secret, downwardAPI and projected volumes from
   * current objects (and pod, when given, for downward API labels and
   * annotations), as the kubelet's periodic remount does. A volume that fails
   * keeps its old files; the failures come back for FailedMount events.
   */
  refresh(pod?: Pod): Promise<VolumeFailure[]>
}

type Kind = 'emptyDir' | 'hostPath' | 'configMap' | 'secret' | 'downwardAPI' | 'projected' | 'persistentVolumeClaim' | 'ephemeral'
const knownKinds: readonly Kind[] = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected', 'persistentVolumeClaim', 'ephemeral']
const pluginDirs: Partial<Record<Kind, string>> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
}
/** Upstream marks these volumes read-only whatever the mount says. */
const readOnlyKinds = new Set<string>(['configMap', 'secret', 'downwardAPI', 'projected'])
/** The kinds whose files come from API objects, and so can go stale. */
const refreshedKinds = readOnlyKinds

function kindOf(volume: Volume): string {
  const known = knownKinds.find((kind) => volume[kind] != null)
  if (known) return known
  // The apiserver defaults a volume without a source to emptyDir.
  return Object.keys(volume).find((key) => key !== 'name' && volume[key] != null) ?? 'emptyDir'
}

/** Go's os errors read `<op> <path>: <reason>`; Node's read `<CODE>: <reason>, <op> '<path>'`. */
function goError(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  const reasons: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory', EEXIST: 'file exists' }
  if (e?.code && reasons[e.code] && e.syscall && e.path) return `${e.syscall} ${e.path}: ${reasons[e.code]}`
  return e instanceof Error ? e.message : String(err)
}

async function fileType(path: string): Promise<string | undefined> {
  try {
    const st = await stat(path)
    if (st.isDirectory()) return 'Directory'
    if (st.isFile()) return 'File'
    if (st.isSocket()) return 'Socket'
    if (st.isCharacterDevice()) return 'CharDevice'
    if (st.isBlockDevice()) return 'BlockDevice'
    return 'Unknown'
  } catch {
    return undefined
  }
}

/** hostPath's type check, as upstream's checkType. */
async function checkHostPath(path: string, type: string): Promise<void> {
  const descriptions: Record<string, string> = { Directory: 'directory', File: 'file', Socket: 'socket file', CharDevice: 'character device', BlockDevice: 'block device' }
  let expected = type
  if (type === '') return
  if (type === 'DirectoryOrCreate') {
    if (!(await fileType(path))) await mkdir(path, { recursive: true, mode: 0o755 })
    expected = 'Directory'
  } else if (type === 'FileOrCreate') {
    if (!(await fileType(path))) await (await open(path, 'a', 0o644)).close()
    expected = 'File'
  } else if (!descriptions[type]) {
    throw new Error(`${type} is an invalid volume type`)
  }
  const actual = await fileType(path)
  if (!actual) throw new Error(`hostPath ${path} doesn't exist`)
  if (actual !== expected) throw new Error(`hostPath type check failed: ${path} is not a ${descriptions[expected]}, it's a ${actual}`)
}

async function writePayload(path: string, make: () => Payload | Promise<Payload>): Promise<void> {
  await writeAtomically(path, await make())
}

/**
 * Sets up every volume of pod. Idempotent: call it again after a failure and
 * volumes already set up are left as they are. Throws VolumeSetupError when
 * any volume fails.
 */
export async function materializeVolumes(pod: Pod, podDir: string, sources: VolumeSources, options: VolumeOptions): Promise<PodVolumes> {
  let current = pod
  const namespace = pod.metadata.namespace ?? 'default'
  const prepared = new Map<string, PreparedVolume>()
  const warnings: VolumeWarning[] = []
  const volumeDir = (kind: string, name: string) => join(podDir, 'volumes', pluginDirs[kind as Kind] ?? `kubernetes.io~${kind.toLowerCase()}`, name)

  /** Builds the files of a refreshable volume from the current objects. */
  const payloadOf = (volume: Volume, kind: string): Promise<Payload> | Payload => {
    switch (kind) {
      case 'configMap': return configMapVolumePayload(current, volume.configMap as ConfigMapVolumeSource, sources)
      case 'secret': return secretVolumePayload(current, volume.secret as SecretVolumeSource, sources)
      case 'downwardAPI': {
        const source = volume.downwardAPI as DownwardAPIVolumeSource
        return downwardAPIPayload(current, source.items, source.defaultMode ?? defaultFileMode, sources.nodeAllocatable)
      }
      default: return projectedVolumePayload(current, volume.projected as ProjectedVolumeSource, sources)
    }
  }

  const setUp = async (volume: Volume): Promise<PreparedVolume> => {
    const name = volume.name ?? ''
    const kind = kindOf(volume)
    switch (kind) {
      case 'hostPath': {
        const source = volume.hostPath as { path?: string; type?: string }
        const path = source.path ?? ''
        await checkHostPath(path, source.type ?? '')
        return { name, kind, path, readOnly: false }
      }
      case 'persistentVolumeClaim':
      case 'ephemeral': {
        const claim = kind === 'ephemeral' ? `${pod.metadata.name}-${name}` : ((volume.persistentVolumeClaim as { claimName?: string }).claimName ?? '')
        const path = join(options.rootDir, 'pvs', namespace, claim)
        await mkdir(path, { recursive: true, mode: 0o777 })
        const readOnly = kind === 'persistentVolumeClaim' && !!(volume.persistentVolumeClaim as { readOnly?: boolean }).readOnly
        return { name, kind, path, readOnly }
      }
      case 'configMap':
      case 'secret':
      case 'downwardAPI':
      case 'projected': {
        const path = volumeDir(kind, name)
        await writePayload(path, () => payloadOf(volume, kind))
        return { name, kind, path, readOnly: true }
      }
      default: {
        // emptyDir, and the stand-in for kinds without a plugin here.
        const path = volumeDir(kind, name)
        await mkdir(path, { recursive: true })
        // Upstream makes emptyDir world-writable so any container user can write.
        await chmod(path, 0o777)
        if (kind !== 'emptyDir') {
          warnings.push({ volume: name, reason: 'UnsupportedVolume', message: `kubeling does not support ${kind} volumes: volume "${name}" is an empty directory` })
        }
        return { name, kind, path, readOnly: false }
      }
    }
  }

  const failures: VolumeFailure[] = []
  for (const volume of pod.spec?.volumes ?? []) {
    try {
      const done = await setUp(volume)
      prepared.set(done.name, done)
    } catch (err) {
      failures.push({ volume: volume.name ?? '', message: `MountVolume.SetUp failed for volume "${volume.name ?? ''}" : ${goError(err)}` })
    }
  }
  if (failures.length > 0) throw new VolumeSetupError(failures)

  let refreshing: Promise<unknown> = Promise.resolve()
  return {
    paths: new Map([...prepared].map(([name, p]) => [name, p.path])),
    warnings,
    mountsFor: (container, env = []) => mountsFor(prepared, container, env),
    refresh(next) {
      // One refresh at a time: two writers must not race on one volume directory.
      const run = refreshing.then(async () => {
        if (next) current = next
        const out: VolumeFailure[] = []
        for (const volume of current.spec?.volumes ?? []) {
          const kind = kindOf(volume)
          const done = prepared.get(volume.name ?? '')
          if (!done || !refreshedKinds.has(kind)) continue
          try {
            await writePayload(done.path, () => payloadOf(volume, kind))
          } catch (err) {
            out.push({ volume: done.name, message: `MountVolume.SetUp failed for volume "${done.name}" : ${goError(err)}` })
          }
        }
        return out
      })
      refreshing = run.catch(() => undefined)
      return run
    },
  }
}
