// The sim runtime: nothing the pod asks for is executed. Containers are
// timers that write a few log lines (see sim-behavior.ts for the
// `sim.kubeling.io/*` annotations), light enough for 10,000 containers
// across 1,000 simulated nodes in one process. Time comes from a Clock so
// tests drive it with FakeClock.
//
// exec is the one exception: `kubectl exec … -- printenv X` should work, so
// an exec runs the command as a real child process of the kubelet with the
// container's environment and working directory (the pod dir when
// workingDir does not exist on the host). A missing executable rejects with
// ExecStartError (start-errors.ts). With
// `exec: false` every exec rejects with StartError instead.
import { stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { realClock, type Clock } from '../../shared/clock.ts'
import { containerEnv } from './container-env.ts'
import { createRunningContainer, type Task } from './container-task.ts'
import { findScript, spawnExec } from './exec-session.ts'
import { execStartError } from './start-errors.ts'
import { pullImage, type UnknownImagePolicy } from './images.ts'
import { containerLogPath, LogFileWriter } from './log-file.ts'
import { lookPath } from './look-path.ts'
import { simBehavior, startSimTask } from './sim-behavior.ts'
import {
  StartError,
  type ContainerConfig,
  type ContainerRuntime,
  type ExecOptions,
  type ExecSession,
  type ImageInfo,
  type RunningContainer,
  type Sandbox,
  type SandboxConfig,
} from './types.ts'

export interface SimRuntimeOptions {
  /** @default realClock */
  clock?: Clock
  /** Delay before startContainer resolves. @default 0 */
  startDelayMs?: number
  /** How long a run-to-completion container runs without a run-seconds annotation. @default 1000 */
  runDurationMs?: number
  /** @default 'simulate' */
  unknownImages?: UnknownImagePolicy
  /** Run exec commands as real child processes. @default true */
  exec?: boolean
  logger?: Logger
}

interface SimContainer {
  task: Task
  running: RunningContainer
}

export function createSimRuntime(options: SimRuntimeOptions = {}): ContainerRuntime {
  const clock = options.clock ?? realClock
  const startDelayMs = options.startDelayMs ?? 0
  const runDurationMs = options.runDurationMs ?? 1000
  const unknownImages = options.unknownImages ?? 'simulate'
  const log = options.logger?.child({ runtime: 'sim' })
  // Sandbox id → its live containers, so stopSandbox and close can end them.
  const sandboxes = new Map<string, Set<SimContainer>>()

  return {
    name: 'sim',

    async startSandbox(config: SandboxConfig): Promise<Sandbox> {
      const id = randomBytes(32).toString('hex')
      sandboxes.set(id, new Set())
      return { id, config }
    },

    async stopSandbox(sandbox: Sandbox): Promise<void> {
      const containers = sandboxes.get(sandbox.id)
      sandboxes.delete(sandbox.id)
      for (const c of containers ?? []) c.task.kill('SIGKILL')
    },

    async pullImage(image: string): Promise<ImageInfo> {
      const { imageID, image: canonical, simulated } = pullImage(image, unknownImages)
      return { imageID, image: canonical, simulated }
    },

    async startContainer(sandbox: Sandbox, config: ContainerConfig): Promise<RunningContainer> {
      if (startDelayMs > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, startDelayMs))
      const containers = sandboxes.get(sandbox.id)
      if (!containers) throw new StartError(`failed to create containerd task: sandbox ${sandbox.id} is not running`)
      const behavior = simBehavior(sandbox.config.annotations, config.name, config.runsToCompletion, runDurationMs)
      const logFile = new LogFileWriter(containerLogPath(sandbox.config.podDir, config.name, config.attempt), { clock })
      const task = startSimTask(config.name, behavior, clock, logFile)
      const entry = {} as SimContainer
      entry.task = task
      entry.running = createRunningContainer({
        task,
        log: logFile,
        clock,
        stopSignal: 'SIGTERM',
        onExit: () => containers.delete(entry),
      })
      containers.add(entry)
      log?.debug({ pod: sandbox.config.name, container: config.name, runMs: behavior.runMs }, 'sim container started')
      return entry.running
    },

    async exec(sandbox: Sandbox, _container: RunningContainer, config: ContainerConfig, opts: ExecOptions): Promise<ExecSession> {
      if (options.exec === false) throw new StartError('failed to exec in container: the sim runtime runs no processes')
      const env = containerEnv(config, sandbox.config.hostname)
      const cwd = config.workingDir && (await isDir(config.workingDir)) ? config.workingDir : sandbox.config.podDir
      try {
        await lookPath(opts.command[0] ?? '', { path: env.PATH, cwd })
      } catch (err) {
        throw execStartError(err)
      }
      const [file, ...args] = opts.command
      return spawnExec({ file, args, env, cwd, tty: opts.tty, stdin: opts.stdin }, await findScript())
    },

    async close(): Promise<void> {
      // A sim container's only resource is its timer: what is left is killed (137) so nothing keeps the process alive.
      for (const containers of sandboxes.values()) for (const c of containers) c.task.kill('SIGKILL')
      sandboxes.clear()
    },
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}
