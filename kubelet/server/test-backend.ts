// A StreamingBackend for tests: pods and containers described as data, log
// files written by the test, and exec running real processes on this host
// (no isolation: tests only).
import { spawn } from 'node:child_process'
import { PassThrough } from 'node:stream'
import type { Pod } from '../../shared/core-types.ts'
import type { ExecOptions, ExecSession } from '../runtime/types.ts'
import type { AttachOptions, ContainerLog, StreamingBackend, StreamingContainer, StreamingContainerState, StreamingPod } from './types.ts'

export interface TestContainer {
  state: StreamingContainerState
  previousLog?: ContainerLog
  /** @default spawnExec */
  exec?: (options: ExecOptions) => Promise<ExecSession>
  attach?: (options: AttachOptions) => Promise<ExecSession>
  /** Every resize the server delivered, in order. */
  resizes?: Array<[number, number]>
}

export interface TestPod {
  namespace: string
  name: string
  uid: string
  podIP?: string
  containers: Record<string, TestContainer>
}

/** Runs argv as a host process; with a tty, stderr is merged into stdout as a terminal would. */
export function spawnExec(options: ExecOptions): Promise<ExecSession> {
  const [file, ...args] = options.command
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = new Promise<number>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ENOENT' ? 127 : 126))
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)))
  })
  child.stdin.on('error', () => {})
  let stdout: NodeJS.ReadableStream = child.stdout
  if (options.tty) {
    const merged = new PassThrough()
    let open = 2
    for (const s of [child.stdout, child.stderr]) {
      s.on('data', (d) => merged.write(d))
      s.on('end', () => --open === 0 && merged.end())
    }
    stdout = merged
  }
  return Promise.resolve({
    stdin: child.stdin,
    stdout: stdout as ExecSession['stdout'],
    stderr: options.tty ? undefined : child.stderr,
    resize() {},
    exited,
    kill: () => child.kill('SIGKILL'),
  })
}

export function testBackend(pods: TestPod[]): StreamingBackend {
  const asContainer = (c: TestContainer): StreamingContainer => ({
    get state() {
      return c.state
    },
    get previousLog() {
      return c.previousLog
    },
    async exec(options) {
      const session = await (c.exec ?? spawnExec)(options)
      return {
        ...session,
        stdin: session.stdin,
        stdout: session.stdout,
        stderr: session.stderr,
        exited: session.exited,
        resize: (cols, rows) => {
          ;(c.resizes ??= []).push([cols, rows])
          session.resize(cols, rows)
        },
        kill: () => session.kill(),
      }
    },
    attach: c.attach,
  })
  return {
    findPod(namespace, name): StreamingPod | undefined {
      const pod = pods.find((p) => p.namespace === namespace && p.name === name)
      if (!pod) return undefined
      return {
        uid: pod.uid,
        podIP: pod.podIP,
        container: (n) => (pod.containers[n] ? asContainer(pod.containers[n]) : undefined),
      }
    },
    listPods(): Pod[] {
      return pods.map((p) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: p.namespace, name: p.name, uid: p.uid } }))
    },
  }
}
