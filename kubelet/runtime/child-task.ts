// A container whose command runs as a real child process, directly or
// through nsenter into the pod's namespaces. Output goes to the CRI log
// file; the container owns a process group, so whatever it leaves behind
// is killed when its main process ends (as a container's PID namespace
// takes everything with it upstream).
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { exitCodeForSignal, type Task, type TaskExit } from './container-task.ts'
import type { LogFileWriter } from './log-file.ts'

export interface ChildTaskOptions {
  file: string
  args: string[]
  env: Record<string, string>
  cwd: string
  /** Keep stdin open (never written: kubeling has no attach), as a `stdin: true` container's. */
  stdin: boolean
  log: LogFileWriter
  /**
   * Started through `nsenter --pid`, which forks: the container's process is
   * nsenter's child. nsenter forwards no signals, so they go to that child,
   * and it writes "ok" on fd 3 once its setup is done.
   */
  nsenter: boolean
}

export interface ChildTask extends Task {
  /** The host PID of the container's main process. */
  mainPid(): Promise<number | undefined>
}

/** Limits what a failed setup's stderr contributes to the StartError message. */
const maxSetupError = 2048

/** The first child of pid, from /proc (the process nsenter forked). */
export async function childPidOf(pid: number): Promise<number | undefined> {
  try {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/)
    return children[0] ? Number(children[0]) : undefined
  } catch {
    return undefined
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is gone.
  }
}

/**
 * Spawns the container's process and resolves once it runs (after the
 * namespace setup with nsenter). Rejects with the spawn error, or with the
 * setup's stderr when it exits before it is ready; the caller words it as
 * containerd would.
 */
export function startChildTask(options: ChildTaskOptions): Promise<ChildTask> {
  const { log } = options
  const child = spawn(options.file, options.args, {
    env: options.env,
    cwd: options.cwd,
    detached: true,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', ...(options.nsenter ? (['pipe'] as const) : [])],
  })
  let setupStderr = ''
  let ready = !options.nsenter
  // A chatty process waits for the disk instead of filling the kubelet's memory.
  const toLog = (stream: 'stdout' | 'stderr', source: NodeJS.ReadableStream, b: Buffer) => {
    if (log.write(stream, b)) return
    source.pause()
    void log.flushed().catch(() => undefined).finally(() => source.resume())
  }
  child.stdout!.on('data', (b: Buffer) => toLog('stdout', child.stdout!, b))
  child.stderr!.on('data', (b: Buffer) => {
    if (!ready && setupStderr.length < maxSetupError) setupStderr += b.toString()
    toLog('stderr', child.stderr!, b)
  })
  child.stdin?.on('error', () => undefined)

  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const exited = new Promise<TaskExit>((resolve) => {
    child.once('exit', (code, signal) => {
      // Orphans die with the container; then the pipes they held close and the log is complete.
      signalGroup(child.pid!, 'SIGKILL')
      const timer = setTimeout(() => {
        child.stdout!.destroy()
        child.stderr!.destroy()
      }, 2000)
      void closed.then(() => {
        clearTimeout(timer)
        resolve(signal ? { exitCode: exitCodeForSignal(signal), signal } : { exitCode: code ?? 1 })
      })
    })
  })

  let main: number | undefined = options.nsenter ? undefined : child.pid
  const task: ChildTask = {
    exited,
    async mainPid() {
      main ??= await childPidOf(child.pid!)
      return main
    },
    kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return
      if (signal === 'SIGKILL') {
        signalGroup(child.pid!, 'SIGKILL')
        return
      }
      void task.mainPid().then((pid) => {
        try {
          process.kill(pid ?? child.pid!, signal)
        } catch {
          // Exited meanwhile.
        }
      })
    },
  }

  return new Promise((resolve, reject) => {
    child.once('error', reject)
    if (!options.nsenter) {
      child.once('spawn', () => resolve(task))
      return
    }
    const fd3 = child.stdio[3] as NodeJS.ReadableStream
    fd3.once('data', () => {
      ready = true
      resolve(task)
    })
    void exited.then((exit) => {
      if (ready) return
      reject(new Error(setupStderr.trim() || `sandbox setup exited with code ${exit.exitCode}`))
    })
  })
}
