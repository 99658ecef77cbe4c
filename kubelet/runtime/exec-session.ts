// An ExecSession over a spawned child: the stream plumbing shared by every
// exec (sim and process runtimes, with or without namespaces).
import { spawn, type ChildProcess } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { exitCodeForSignal } from './container-task.ts'
import { lookPath } from './look-path.ts'
import { StartError, type ExecSession } from './types.ts'

export interface SpawnExecOptions {
  /** The program to spawn and its arguments (the command itself, or nsenter … -- command). */
  file: string
  args: string[]
  env: Record<string, string>
  cwd: string
  tty: boolean
  stdin: boolean
}

/** Quotes for sh, so `script -c` runs exactly argv. */
/** Where util-linux `script` is on the kubelet's host, once per process. */
let script: Promise<string | undefined> | undefined
export function findScript(): Promise<string | undefined> {
  script ??= lookPath('script', { path: process.env.PATH ?? '', cwd: '/' }).then((p) => p, () => undefined)
  return script
}

export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
}

/**
 * Spawns an exec. A tty is provided by util-linux `script` (scriptPath, on the host; a real pty:
 * echo, \r\n, `tty` works); stderr then arrives merged on stdout, as with a
 * tty upstream. resize() cannot reach that pty without a pty library and does
 * nothing. When `script` is missing, a tty request falls back to pipes with
 * stderr merged into stdout.
 */
export function spawnExec(options: SpawnExecOptions, scriptPath: string | undefined): Promise<ExecSession> {
  const { tty } = options
  const [file, args] =
    tty && scriptPath
      ? [scriptPath, ['-q', '-e', '-c', `exec ${shellQuote([options.file, ...options.args])}`, '/dev/null']]
      : [options.file, options.args]
  const env = tty && !options.env.TERM ? { ...options.env, TERM: 'xterm' } : options.env
  const child = spawn(file, args, {
    env,
    cwd: options.cwd,
    // Its own process group, so kill() reaches whatever it started.
    detached: true,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new StartError(`failed to exec in container: ${err.message}`)))
    child.once('spawn', () => resolve(sessionOf(child, tty)))
  })
}

function sessionOf(child: ChildProcess, tty: boolean): ExecSession {
  let stdout = child.stdout!
  if (tty) {
    const merged = new PassThrough()
    let open = 2
    const endOne = () => {
      if (--open === 0) merged.end()
    }
    for (const s of [child.stdout!, child.stderr!]) {
      s.on('end', endOne)
      s.pipe(merged, { end: false })
    }
    stdout = merged
  }
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? (signal ? exitCodeForSignal(signal) : 1)))
  })
  // A client that goes away leaves broken pipes behind; they must not crash the kubelet.
  child.stdin?.on('error', () => undefined)
  return {
    stdin: child.stdin ?? undefined,
    stdout,
    stderr: tty ? undefined : child.stderr!,
    exited,
    resize() {},
    kill() {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // Already gone.
      }
    },
  }
}
