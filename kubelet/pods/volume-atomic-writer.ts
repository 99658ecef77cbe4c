// Writes the files of a configMap, secret, downwardAPI or projected volume so
// that a container never sees a half-updated set, with upstream's
// AtomicWriter layout:
//
//   <dir>/..2025_01_02_03_04_05.ab12cd/   the files of one version
//   <dir>/..data -> ..2025_01_02_03_04_05.ab12cd
//   <dir>/<key>  -> ..data/<key>           one link per top-level name
//
// A new version is written beside the old one and `..data` is swapped with a
// rename, which is atomic; only then is the old version removed. Readers that
// go through <dir>/<key> see either the old files or the new ones.
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, chmod, writeFile, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'

export interface FileProjection {
  data: Buffer
  /** Permission bits, e.g. 0o644. */
  mode: number
}

/** Relative path → file; paths may have directories (`conf/app.yaml`). */
export type Payload = Map<string, FileProjection>

const dataDirName = '..data'
const newDataDirName = '..data_tmp'

/** Rejects what would escape or shadow the writer's own entries (the apiserver validates the same). */
function validatePath(path: string): void {
  if (path === '') throw new Error('invalid path: must not be empty')
  if (path.startsWith('/')) throw new Error(`invalid path: must be relative path: ${path}`)
  if (path.split('/').includes('..')) throw new Error(`invalid path: must not contain '..': ${path}`)
  if (path.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${path}`)
}

function timestampPrefix(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}.`
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

/** Every regular file under dir, as relative paths. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)))
    else out.push(rel)
  }
  return out
}

async function sameAsWritten(versionDir: string, payload: Payload): Promise<boolean> {
  try {
    const files = await listFiles(versionDir)
    if (files.length !== payload.size) return false
    for (const file of files) {
      const want = payload.get(file)
      if (!want) return false
      const st = await stat(join(versionDir, file))
      if ((st.mode & 0o777) !== (want.mode & 0o777)) return false
      if (!(await readFile(join(versionDir, file))).equals(want.data)) return false
    }
    return true
  } catch {
    return false
  }
}

/**
 * Makes dir hold exactly payload. Resolves false when it already did (no new
 * version is written, so watchers see no change), true when it wrote one.
 * Calls for one dir must not overlap.
 */
export async function writeAtomically(dir: string, payload: Payload): Promise<boolean> {
  for (const path of payload.keys()) validatePath(path)
  await mkdir(dir, { recursive: true })
  const dataLink = join(dir, dataDirName)
  let oldVersion: string | undefined
  try {
    oldVersion = await readlink(dataLink)
  } catch {
    oldVersion = undefined
  }
  const topLevel = new Set([...payload.keys()].map((path) => path.split('/')[0]))
  if (oldVersion && (await sameAsWritten(join(dir, oldVersion), payload))) {
    await linkTopLevel(dir, topLevel)
    return false
  }

  const versionDir = await mkdtemp(join(dir, timestampPrefix(new Date())))
  // mkdtemp makes it 0700; containers running as another user must read it.
  await chmod(versionDir, 0o755)
  for (const [path, file] of payload) {
    const target = join(versionDir, path)
    await mkdir(dirname(target), { recursive: true, mode: 0o755 })
    await writeFile(target, file.data)
    // After the write: a umask must not narrow the mode, and a read-only mode must not stop the write.
    await chmod(target, file.mode & 0o777)
  }
  const tmpLink = join(dir, newDataDirName)
  await rm(tmpLink, { force: true })
  await symlink(versionDir.slice(dir.length + 1), tmpLink)
  await rename(tmpLink, dataLink)

  await linkTopLevel(dir, topLevel)
  if (oldVersion && oldVersion !== dataDirName) await rm(join(dir, oldVersion), { recursive: true, force: true })
  // Names no longer in the payload: their links now dangle.
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('..') || topLevel.has(entry.name)) continue
    if (entry.isSymbolicLink()) await unlink(join(dir, entry.name))
  }
  return true
}

async function linkTopLevel(dir: string, names: ReadonlySet<string>): Promise<void> {
  for (const name of names) {
    const link = join(dir, name)
    if (!(await exists(link))) await symlink(join(dataDirName, name), link)
  }
}
