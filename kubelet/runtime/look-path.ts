// Finds a container's executable before anything is spawned, as Go's
// exec.LookPath does inside runc, so a missing command fails with runc's
// words instead of a shell's "not found" in the log.
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { isAbsolute, join, posix } from 'node:path'

/** The container's PATH when the pod sets none: the image default of docker and containerd. */
export const defaultContainerPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** exec.LookPath's error: `exec: "x": executable file not found in $PATH`, with the exit code a shell would give. */
export class LookPathError extends Error {
  /** 127 not found, 126 found but not executable. */
  readonly exitCode: 126 | 127
  constructor(message: string, exitCode: 126 | 127) {
    super(message)
    this.exitCode = exitCode
  }
}

async function isExecutable(hostPath: string): Promise<'ok' | 'missing' | 'denied'> {
  try {
    const s = await stat(hostPath)
    if (!s.isFile()) return 'denied'
    await access(hostPath, constants.X_OK)
    return 'ok'
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'denied'
  }
}

/**
 * Resolves name in the container's view: toHost maps a container path to the
 * host path that holds it (identity without namespaces; through mounts or
 * /proc/<pid>/root with them). Returns the container path found.
 */
export async function lookPath(
  name: string,
  options: { path: string; cwd: string; toHost?: (containerPath: string) => string },
): Promise<string> {
  const toHost = options.toHost ?? ((p: string) => p)
  const q = JSON.stringify(name)
  if (name.includes('/')) {
    const full = isAbsolute(name) ? name : posix.join(options.cwd, name)
    const found = await isExecutable(toHost(full))
    if (found === 'ok') return name
    if (found === 'missing') throw new LookPathError(`exec: ${q}: stat ${name}: no such file or directory`, 127)
    throw new LookPathError(`exec: ${q}: permission denied`, 126)
  }
  let denied = false
  for (const dir of options.path.split(':')) {
    if (!dir) continue
    const candidate = join(dir, name)
    const found = await isExecutable(toHost(candidate))
    if (found === 'ok') return candidate
    if (found === 'denied') denied = true
  }
  // Go reports "not found" even when a non-executable file was seen; the exit code still tells them apart.
  throw new LookPathError(`exec: ${q}: executable file not found in $PATH`, denied ? 126 : 127)
}
