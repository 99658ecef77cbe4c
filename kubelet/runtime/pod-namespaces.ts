// Pod sandboxes as Linux namespaces, for a kubelet running as root where
// `unshare` works: one process named `pause` per pod holds the pod's mount,
// UTS (hostname) and PID namespaces, as the pause container does upstream.
// Containers join them with nsenter and each gets its own mount namespace on
// top, where its volumes are bind-mounted at their mountPaths (so two
// containers may mount different volumes at one path). PID namespace is
// shared by the pod, as with shareProcessNamespace: true.
import { spawn, spawnSync } from 'node:child_process'
import { mkdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { childPidOf } from './child-task.ts'
import type { Mount } from './types.ts'

/** Host paths of the tools the namespace mode runs. */
export interface NamespaceTools {
  unshare: string
  nsenter: string
  sh: string
}

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  const path = r.status === 0 ? r.stdout.trim() : ''
  return path.startsWith('/') ? path : undefined
}

/**
 * Whether namespaces can be used: root, Linux, and the probe the issue names
 * succeeds (`unshare --mount --uts --pid --fork --mount-proc true`). Run once
 * per runtime; synchronous so sandboxMode() is known from the start.
 */
export function probeNamespaceTools(): NamespaceTools | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined
  const unshare = which('unshare')
  const nsenter = which('nsenter')
  const sh = which('sh')
  if (!unshare || !nsenter || !sh) return undefined
  const probe = spawnSync(unshare, ['--mount', '--uts', '--pid', '--fork', '--mount-proc', 'true'], { timeout: 5000 })
  return probe.status === 0 ? { unshare, nsenter, sh } : undefined
}

export interface PodNamespaces {
  /** Host PID of `pause`, PID 1 of the pod's PID namespace: the nsenter target. */
  readonly pid: number
  /** Kills the pod's namespaces and everything left in them. */
  stop(): Promise<void>
}

let pauseLink: Promise<string> | undefined

/**
 * Exits 0 on SIGTERM/SIGINT, as pause does, and when its stdin (a pipe from
 * the kubelet) closes: a kubelet that dies without close() takes its pods'
 * namespaces with it. While it waits it reaps the pod's orphans. (An
 * asynchronous command's stdin is /dev/null, hence the copy on fd 3.)
 */
const pauseScript = "exec 3<&0 0</dev/null; trap 'exit 0' TERM INT; cat <&3 >/dev/null 3<&- & exec 3<&-; wait $!; exit 0"

/**
 * `pause` is sh under another name (a symlink, so `ps` shows pause), running
 * pauseScript: as PID 1 it must reap the processes orphaned in the pod, as
 * the real pause does, or they stay zombies and slow the namespace's end.
 * dash and bash reap any child while they `wait`.
 */
function pauseBinary(tools: NamespaceTools): Promise<string> {
  pauseLink ??= (async () => {
    // One link per user for every kubelet on the machine, made once and kept:
    // a directory per kubelet process was left behind whenever one was killed.
    const dir = join(tmpdir(), `kubeling-pause-${process.getuid?.() ?? 'user'}`)
    const link = join(dir, 'pause')
    await mkdir(dir, { recursive: true, mode: 0o700 })
    if ((await readlink(link).catch(() => undefined)) !== tools.sh) {
      // Written beside it and renamed over it, so a kubelet starting at the same time never sees it missing.
      const next = `${link}.${process.pid}`
      await rm(next, { force: true })
      await symlink(tools.sh, next)
      await rename(next, link)
    }
    return link
  })()
  return pauseLink
}

/** Starts the pod's pause process with its hostname; resolves once it is PID 1 of the new namespaces. */
export async function startPodNamespaces(tools: NamespaceTools, hostname: string): Promise<PodNamespaces> {
  const pause = await pauseBinary(tools)
  // The forked child (PID 1 inside) sets the UTS hostname and becomes pause;
  // --kill-child takes it, and with it the whole PID namespace, when unshare dies.
  const holder = spawn(
    tools.unshare,
    [
      '--mount', '--uts', '--pid', '--fork', '--mount-proc', '--kill-child', '--propagation', 'private',
      tools.sh, '-c', 'printf %s "$1" > /proc/sys/kernel/hostname && exec "$2" -c "$3"', 'sh', hostname.slice(0, 64), pause, pauseScript,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'], detached: true },
  )
  holder.stdin!.on('error', () => undefined) // never written: only its closing matters
  let stderr = ''
  holder.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
  const holderExit = new Promise<void>((resolve) => holder.once('close', () => resolve()))
  let gone = false
  void holderExit.then(() => (gone = true))
  await new Promise<void>((resolve, reject) => {
    holder.once('spawn', resolve)
    holder.once('error', reject)
  })
  // Wait (bounded) until the child has exec'ed pause.
  const deadline = Date.now() + 10_000
  let pid: number | undefined
  while (!gone && Date.now() < deadline) {
    pid = await childPidOf(holder.pid!)
    if (pid && (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'pause') break
    pid = undefined
    await new Promise((r) => setTimeout(r, 5))
  }
  if (!pid) {
    holder.kill('SIGKILL')
    throw new Error(`failed to start the pod sandbox: ${stderr.trim() || 'pause did not start'}`)
  }
  const pausePid = pid
  return {
    pid: pausePid,
    async stop() {
      // Killing PID 1 ends the namespace and everything in it; unshare, its
      // parent, reaps it and exits. Not awaited: the kernel finishes only
      // once the host's init has reaped what pause's own children left, which
      // can take a second, and nothing here depends on it.
      try {
        process.kill(pausePid, 'SIGKILL')
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => holder.kill('SIGKILL'), 5000)
      timer.unref()
      void holderExit.then(() => clearTimeout(timer))
    },
  }
}

/**
 * The shell script a container runs first, inside its fresh mount namespace:
 * bind-mount each volume (creating the mount point, on the host filesystem,
 * when missing), cd, report ready on fd 3, then exec the command with the
 * container's PATH back in place. Arguments: count, then src dst ro per
 * mount, then workingDir and fallback dir, then the command.
 */
export const containerSetupScript = [
  '__k_path=$PATH; PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  '__k_n=$1; shift',
  'while [ "$__k_n" -gt 0 ]; do',
  '  if [ -d "$1" ]; then mkdir -p "$2" || exit 1; else mkdir -p "$(dirname "$2")" && { [ -e "$2" ] || : > "$2"; } || exit 1; fi',
  '  mount --bind "$1" "$2" || exit 1',
  '  if [ "$3" = ro ]; then mount -o remount,bind,ro "$2" || exit 1; fi',
  '  shift 3; __k_n=$((__k_n - 1))',
  'done',
  'cd "$1" 2>/dev/null || cd "$2" || exit 1',
  'shift 2',
  'PATH=$__k_path; unset __k_path __k_n',
  'printf ok >&3; exec 3>&-',
  'exec "$@"',
].join('\n')

/** nsenter argv that runs argv in a new mount namespace of the pod, after containerSetupScript. */
export function containerArgs(tools: NamespaceTools, pausePid: number, mounts: readonly Mount[], workingDir: string, fallbackDir: string, argv: readonly string[]): string[] {
  return [
    '--target', String(pausePid), '--mount', '--uts', '--pid', '--',
    tools.unshare, '--mount', '--propagation', 'private', '--',
    tools.sh, '-c', containerSetupScript, 'sh',
    String(mounts.length), ...mounts.flatMap((m) => [m.hostPath, m.containerPath, m.readOnly ? 'ro' : 'rw']),
    workingDir, fallbackDir, ...argv,
  ]
}

/** nsenter argv for an exec in a container whose main process is pid. */
export function execArgs(pid: number, workingDir: string | undefined, argv: readonly string[]): string[] {
  // -w alone: the target's working directory, which is the container's.
  return ['--target', String(pid), '--mount', '--uts', '--pid', workingDir ? `--wd=${workingDir}` : '-w', '--', ...argv]
}
