// One component as a supervised child process: started with the project's
// Node, its output handed over line by line, restarted with back-off when
// it crashes, and stopped with SIGTERM (then SIGKILL) on request.
import { spawn, type ChildProcess } from 'node:child_process'

export interface ComponentSpec {
  /** Shown before each of its log lines, e.g. 'apiserver', 'kubelet node-1'. */
  name: string
  /** Entry point, e.g. /repo/apiserver/main.ts. */
  script: string
  args: string[]
  env?: NodeJS.ProcessEnv
}

export interface SupervisorEvents {
  line(component: string, line: string): void
  /** The process exited without being asked to; it will be restarted after delayMs. */
  crashed?(component: string, code: number | null, signal: string | null, delayMs: number): void
}

const initialBackoffMs = 1000
const maxBackoffMs = 30_000
/** A process that stayed up this long starts its back-off afresh. */
const stableAfterMs = 60_000

export class Supervised {
  readonly spec: ComponentSpec
  readonly #events: SupervisorEvents
  #child: ChildProcess | undefined
  #exited: Promise<void> = Promise.resolve()
  #stopping = false
  #backoffMs = initialBackoffMs
  #restartTimer: NodeJS.Timeout | undefined

  constructor(spec: ComponentSpec, events: SupervisorEvents) {
    this.spec = spec
    this.#events = events
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  start(): void {
    const startedAt = Date.now()
    const child = spawn(process.execPath, [this.spec.script, ...this.spec.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.spec.env },
    })
    this.#child = child
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = ''
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8')
        let nl: number
        while ((nl = buffered.indexOf('\n')) >= 0) {
          this.#events.line(this.spec.name, buffered.slice(0, nl))
          buffered = buffered.slice(nl + 1)
        }
      })
    }
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve()
        if (this.#stopping) return
        if (Date.now() - startedAt > stableAfterMs) this.#backoffMs = initialBackoffMs
        const delay = this.#backoffMs
        this.#backoffMs = Math.min(this.#backoffMs * 2, maxBackoffMs)
        this.#events.crashed?.(this.spec.name, code, signal, delay)
        this.#restartTimer = setTimeout(() => this.start(), delay)
      })
    })
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true
    clearTimeout(this.#restartTimer)
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await this.#exited
    clearTimeout(kill)
  }
}
