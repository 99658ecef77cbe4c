// Starts the scheduler as a real OS process against an apiserver URL, with
// its /healthz and /metrics on a random free port, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './apiserver-process.ts'
import { waitFor } from './wait-for.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface SchedulerProcess {
  /** Base URL of /healthz and /metrics. */
  url: string
  process: ChildProcess
  output(): string
  /** Lines of the JSON log whose msg is this. */
  logLines(msg: string): Array<Record<string, unknown>>
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>
  /** SIGKILL and wait for exit: a crash. */
  kill(): Promise<void>
  exited(): boolean
}

export interface SchedulerStartOptions {
  /** Extra flags, e.g. ['--leader-elect=false']. */
  args?: string[]
  logLevel?: string
}

export async function startSchedulerProcess(server: string, options: SchedulerStartOptions = {}): Promise<SchedulerProcess> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [join(root, 'scheduler', 'main.ts'), '--server', server, '--port', String(port), '--log-level', options.logLevel ?? 'info', ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  )
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  let gone = false
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((gone = true), resolve())))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitFor(`scheduler on ${url} to be healthy`, async () => {
      if (gone) throw new Error(`scheduler exited: ${output}`)
      const res = await fetch(`${url}/healthz`)
      return res.ok ? true : undefined
    }, 20_000)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${(err as Error).message}\n${output}`)
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (!gone) child.kill(sig)
    await exited
  }
  return {
    url,
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
