// A kubeling component (apiserver, scheduler, …) as a real OS process: spawn
// it with Node, collect its output, wait until a health URL answers, and stop
// or kill it again. The per-component helpers add their own flags.
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from './wait-for.ts'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface ComponentProcess {
  process: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  /** Lines of its JSON log whose msg is this. */
  logLines(msg: string): Array<Record<string, unknown>>
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>
  /** SIGKILL and wait for exit: a crash. */
  kill(): Promise<void>
  exited(): boolean
}

export interface ComponentStart {
  /** Names it in errors, e.g. 'scheduler'. */
  name: string
  /** Its entry point under the repo, e.g. 'scheduler/main.ts'. */
  script: string
  args: string[]
  /** Polled until it answers 2xx. */
  healthUrl: string
  /** @default 20_000 */
  timeoutMs?: number
}

export async function startComponentProcess(start: ComponentStart): Promise<ComponentProcess> {
  const child = spawn(process.execPath, [join(repoRoot, start.script), ...start.args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  let gone = false
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((gone = true), resolve())))
  try {
    await waitFor(`${start.name} at ${start.healthUrl}`, async () => {
      if (gone) throw new Error(`${start.name} exited: ${output}`)
      const res = await fetch(start.healthUrl)
      return res.ok ? true : undefined
    }, start.timeoutMs ?? 20_000)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${(err as Error).message}\n${output}`)
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (!gone) child.kill(sig)
    await exited
  }
  return {
    process: child,
    output: () => output,
    logLines: (msg) =>
      output.split('\n').flatMap((line) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          return entry.msg === msg ? [entry] : []
        } catch {
          return []
        }
      }),
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    exited: () => gone,
  }
}
