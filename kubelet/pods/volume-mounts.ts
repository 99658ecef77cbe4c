// A container's mounts of its pod's volumes (upstream's makeMounts): one
// per volumeMount, with subPath and subPathExpr resolved inside the volume.
import { mkdir, realpath, stat } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import type { Container } from '../../shared/core-types.ts'
import type { Mount } from '../runtime/types.ts'
import { expandSubPathExpr } from './env-expansion.ts'

/** A volume as set up on this node. */
export interface PreparedVolume {
  name: string
  kind: string
  /** The host directory (or file, for a hostPath of type File). */
  path: string
  /** Mounted read-only whatever the volumeMount says. */
  readOnly: boolean
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

function isInside(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep)
}

/** The mounts, in volumeMounts order; throws with upstream's message. */
export async function mountsFor(volumes: ReadonlyMap<string, PreparedVolume>, container: Container, env: ReadonlyArray<readonly [string, string]>): Promise<Mount[]> {
  const mounts: Mount[] = []
  for (const mount of container.volumeMounts ?? []) {
    const name = mount.name ?? ''
    const volume = volumes.get(name)
    if (!volume) throw new Error(`cannot find volume "${name}" to mount into container "${container.name ?? ''}"`)
    let subPath = mount.subPath ?? ''
    if (mount.subPathExpr) subPath = expandSubPathExpr(mount.subPathExpr, env)
    let hostPath = volume.path
    if (subPath) {
      if (subPath.startsWith('/')) throw new Error(`error SubPath \`${subPath}\` must not be an absolute path`)
      if (subPath.split('/').includes('..')) throw new Error(`unable to provision SubPath \`${subPath}\`: must not contain '..'`)
      hostPath = await prepareSubPath(volume.path, subPath, name, container.name ?? '')
    }
    const containerPath = (mount.mountPath ?? '').startsWith('/') ? (mount.mountPath ?? '') : `/${mount.mountPath ?? ''}`
    mounts.push({ hostPath, containerPath, readOnly: !!mount.readOnly || volume.readOnly })
  }
  return mounts
}

/**
 * The host path of a subPath mount: created as a directory when missing (with
 * the volume's mode), and resolved through symlinks, which must not lead out
 * of the volume, as upstream's safe subpath requires. Like upstream's bind
 * mount, a subPath of a configMap volume is the file of that moment and does
 * not follow updates.
 */
async function prepareSubPath(volumePath: string, subPath: string, mountName: string, containerName: string): Promise<string> {
  const base = await realpath(volumePath)
  const target = join(volumePath, subPath)
  const escaped = new Error(`failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`)
  if (!(await exists(target))) {
    // Refuse to create anything through a link that leaves the volume.
    let existing = dirname(target)
    while (!(await exists(existing)) && existing !== volumePath) existing = dirname(existing)
    if (!isInside(base, await realpath(existing))) throw escaped
    try {
      const mode = (await stat(volumePath)).mode & 0o777
      await mkdir(target, { recursive: true, mode })
    } catch {
      throw new Error(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`)
    }
  }
  let resolved: string
  try {
    resolved = await realpath(target)
  } catch {
    throw escaped
  }
  if (!isInside(base, resolved)) throw escaped
  return resolved
}
