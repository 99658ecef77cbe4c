// The process runtime: a container's command and args run as real child
// processes of the kubelet, with exactly the container's environment (plus
// PATH, HOSTNAME, HOME as containerd and runc add them, see container-env.ts),
// output in the CRI log file and real exit codes. Images are not run: images
// with a stand-in run its entrypoint (nginx, pause and kube-proxy inside the
// kubelet process, the distro images' /bin/sh as a process); unknown images
// with no command are simulated as by the sim runtime. kube-proxy is the one
// stand-in that reads the API: given an apiserver client, the runtime keeps
// one shared watch of Services and EndpointSlices for all of them.
//
// As root on Linux with a working `unshare`, each pod gets namespaces
// (pod-namespaces.ts) and containers and execs run inside them via nsenter,
// seeing their volumes at their mountPaths; otherwise ('plain') processes
// run on the host as they are and see nothing at mountPaths. sandboxMode()
// tells the kubelet which, so it can say so in an Event.
//
// Exit semantics (what the pod worker reports):
//   exit 0 → Completed; exit n → Error, n; killed by a signal → 128 + n, Error
//   (SIGKILL 137, SIGTERM 143). stop() sends the image's stop signal (SIGQUIT
//   for nginx, SIGTERM otherwise), then SIGKILL after the grace period.
//   A command that cannot be executed → startContainer throws StartError with
//   containerd's message; the kubelet reports exit code 128, reason StartError.
//   exec: a missing executable throws ExecStartError (exitCode 127, or 126 when
//   not executable).
import { stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import type { Logger } from 'pino'
import type { Client } from '../../shared/client/index.ts'
import { realClock, type Clock } from '../../shared/clock.ts'
import { startChildTask, type ChildTask } from './child-task.ts'
import { containerEnv } from './container-env.ts'
import { createRunningContainer, type Task } from './container-task.ts'
import { findScript, spawnExec } from './exec-session.ts'
import { pullImage, resolveImage, type StandInName, type UnknownImagePolicy } from './images.ts'
import { containerLogPath, LogFileWriter } from './log-file.ts'
import { lookPath } from './look-path.ts'
import { containerArgs, execArgs, probeNamespaceTools, startPodNamespaces, type NamespaceTools, type PodNamespaces } from './pod-namespaces.ts'
import { apiServiceSources, createServiceWatch, type ServiceWatch } from './service-watch.ts'
import { simBehavior, startSimTask } from './sim-behavior.ts'
import { kubeProxyStandIn } from './standins/kube-proxy.ts'
import { nginxStandIn } from './standins/nginx.ts'
import { pauseStandIn } from './standins/pause.ts'
import type { InProcessStandIn } from './standins/stand-in.ts'
import { containerStartError, execStartError } from './start-errors.ts'
import {
  StartError,
  type ContainerConfig,
  type ContainerRuntime,
  type ExecOptions,
  type ExecSession,
  type ImageInfo,
  type Mount,
  type RunningContainer,
  type Sandbox,
  type SandboxConfig,
} from './types.ts'

export type SandboxMode = 'namespaces' | 'plain'

export interface ProcessRuntimeOptions {
  /** Timers of simulated containers and grace periods. @default realClock */
  clock?: Clock
  /** @default 'simulate' */
  unknownImages?: UnknownImagePolicy
  /** 'auto' uses namespaces when the probe succeeds; 'plain' never does. @default 'auto' */
  namespaces?: 'auto' | 'plain'
  /** How long a simulated run-to-completion container runs. @default 1000 */
  runDurationMs?: number
  logger?: Logger
  /**
   * The kubelet's apiserver client. Only kube-proxy uses it (its Service and
   * EndpointSlice watch); without it a kube-proxy container exits 1.
   */
  apiClient?: Client
}

export interface ProcessRuntime extends ContainerRuntime {
  /** Whether pods get namespaces; 'plain' deserves an Event (mountPaths are not visible to processes). */
  sandboxMode(): SandboxMode
}

interface PodState {
  ns?: PodNamespaces
  containers: Set<LiveContainer>
}

interface LiveContainer {
  task: Task
  /** Host PID of the main process, for execs (real processes only). */
  mainPid?: () => Promise<number | undefined>
}

const shellImages: ReadonlySet<StandInName> = new Set(['busybox', 'alpine', 'debian', 'ubuntu'])

/** What runs: an in-process stand-in, a simulation, or a process with this argv. */
type Plan = { kind: 'in-process'; standIn: InProcessStandIn } | { kind: 'simulated' } | { kind: 'process'; argv: string[] }

/** Docker's rules: command replaces ENTRYPOINT (and drops CMD), args replace CMD. */
export function planContainer(standIn: StandInName | undefined, command: readonly string[], args: readonly string[]): Plan {
  let argv: string[]
  if (command.length) argv = [...command, ...args]
  else if (standIn === 'nginx') {
    // ENTRYPOINT /docker-entrypoint.sh execs its arguments; CMD is nginx -g 'daemon off;'.
    if (!args.length || args[0] === 'nginx') return { kind: 'in-process', standIn: nginxStandIn }
    argv = [...args]
  } else if (standIn === 'pause') return { kind: 'in-process', standIn: pauseStandIn } // ENTRYPOINT /pause ignores args
  else if (standIn === 'kube-proxy') {
    // The image has no ENTRYPOINT; its DaemonSets say `command: [/usr/local/bin/kube-proxy, …]`. Flags are not read.
    if (!args.length || posix.basename(args[0]) === 'kube-proxy') return { kind: 'in-process', standIn: kubeProxyStandIn }
    argv = [...args]
  } else if (standIn && shellImages.has(standIn)) argv = args.length ? [...args] : ['/bin/sh'] // no ENTRYPOINT; CMD sh
  else return { kind: 'simulated' }
  // A command that names the image's own program runs the stand-in.
  const program = argv[0] === '/docker-entrypoint.sh' ? argv[1] : argv[0]
  if (standIn === 'nginx' && (program === 'nginx' || program === '/usr/sbin/nginx')) return { kind: 'in-process', standIn: nginxStandIn }
  if (standIn === 'pause' && argv[0] === '/pause') return { kind: 'in-process', standIn: pauseStandIn }
  if (standIn === 'kube-proxy' && posix.basename(argv[0]) === 'kube-proxy') return { kind: 'in-process', standIn: kubeProxyStandIn }
  return { kind: 'process', argv }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** Maps a container path to the host path holding it, through the deepest covering mount. */
function hostPathThrough(mounts: readonly Mount[]): (p: string) => string {
  const sorted = [...mounts].sort((a, b) => b.containerPath.length - a.containerPath.length)
  return (p) => {
    for (const m of sorted) {
      const at = m.containerPath.replace(/\/+$/, '')
      if (p === at) return m.hostPath
      if (p.startsWith(`${at}/`)) return `${m.hostPath}${p.slice(at.length)}`
    }
    return p
  }
}

export function createProcessRuntime(options: ProcessRuntimeOptions = {}): ProcessRuntime {
  const clock = options.clock ?? realClock
  const unknownImages = options.unknownImages ?? 'simulate'
  const runDurationMs = options.runDurationMs ?? 1000
  const log = options.logger?.child({ runtime: 'process' })
  const tools: NamespaceTools | undefined = options.namespaces === 'plain' ? undefined : probeNamespaceTools()
  const pods = new Map<string, PodState>()
  const byContainerId = new Map<string, LiveContainer>()
  // Watches nothing until a kube-proxy subscribes.
  const services: ServiceWatch | undefined = options.apiClient
    ? createServiceWatch(apiServiceSources(options.apiClient), log)
    : undefined
  log?.info({ sandboxMode: tools ? 'namespaces' : 'plain' }, 'process runtime ready')

  function podOf(sandbox: Sandbox): PodState {
    const pod = pods.get(sandbox.id)
    if (!pod) throw new StartError(`failed to create containerd task: sandbox ${sandbox.id} is not running`)
    return pod
  }

  async function startProcess(sandbox: Sandbox, pod: PodState, config: ContainerConfig, argv: string[], logFile: LogFileWriter): Promise<ChildTask> {
    const { podDir, hostname } = sandbox.config
    const env = containerEnv(config, hostname)
    const toHost = pod.ns ? hostPathThrough(config.mounts) : (p: string) => p
    const wd = config.workingDir && (await isDir(toHost(config.workingDir))) ? config.workingDir : podDir
    try {
      await lookPath(argv[0], { path: env.PATH, cwd: wd, toHost })
    } catch (err) {
      throw containerStartError(err)
    }
    try {
      if (pod.ns && tools) {
        const args = containerArgs(tools, pod.ns.pid, config.mounts, config.workingDir ?? wd, podDir, argv)
        return await startChildTask({ file: tools.nsenter, args, env, cwd: podDir, stdin: config.stdin, log: logFile, nsenter: true })
      }
      return await startChildTask({ file: argv[0], args: argv.slice(1), env, cwd: wd, stdin: config.stdin, log: logFile, nsenter: false })
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      // A race with the file system (deleted after lookPath): containerd's words for what exec(2) said.
      if (e.code === 'ENOENT') throw containerStartError(`exec: ${JSON.stringify(argv[0])}: executable file not found in $PATH`)
      if (e.code === 'EACCES') throw containerStartError(`exec: ${JSON.stringify(argv[0])}: permission denied`)
      throw containerStartError(e.message)
    }
  }

  return {
    name: 'process',

    sandboxMode: () => (tools ? 'namespaces' : 'plain'),

    async startSandbox(config: SandboxConfig): Promise<Sandbox> {
      const id = randomBytes(32).toString('hex')
      const ns = tools ? await startPodNamespaces(tools, config.hostname) : undefined
      pods.set(id, { ns, containers: new Set() })
      return { id, config }
    },

    async stopSandbox(sandbox: Sandbox): Promise<void> {
      const pod = pods.get(sandbox.id)
      if (!pod) return
      pods.delete(sandbox.id)
      for (const c of pod.containers) c.task.kill('SIGKILL')
      await Promise.all([...pod.containers].map((c) => c.task.exited))
      await pod.ns?.stop()
    },

    async pullImage(image: string): Promise<ImageInfo> {
      const { imageID, image: canonical, simulated } = pullImage(image, unknownImages)
      return { imageID, image: canonical, simulated }
    },

    async startContainer(sandbox: Sandbox, config: ContainerConfig, image: ImageInfo): Promise<RunningContainer> {
      const pod = podOf(sandbox)
      const plan = planContainer(resolveImage(image.image).standIn, config.command, config.args)
      const logFile = new LogFileWriter(containerLogPath(sandbox.config.podDir, config.name, config.attempt), { clock })
      let live: LiveContainer
      let stopSignal: NodeJS.Signals = 'SIGTERM'
      if (plan.kind === 'process') {
        const task = await startProcess(sandbox, pod, config, plan.argv, logFile)
        live = { task, mainPid: () => task.mainPid() }
      } else if (plan.kind === 'in-process') {
        stopSignal = plan.standIn.stopSignal
        const task = await plan.standIn.start({ podIP: sandbox.config.podIP, hostname: sandbox.config.hostname, config, log: logFile, clock, services })
        live = { task }
      } else {
        const behavior = simBehavior(sandbox.config.annotations, config.name, config.runsToCompletion, runDurationMs)
        live = { task: startSimTask(config.name, behavior, clock, logFile) }
      }
      pod.containers.add(live)
      const running = createRunningContainer({
        task: live.task,
        log: logFile,
        clock,
        stopSignal,
        onExit: () => {
          pod.containers.delete(live)
          byContainerId.delete(running.id)
        },
      })
      byContainerId.set(running.id, live)
      log?.debug({ pod: sandbox.config.name, container: config.name, kind: plan.kind, id: running.id }, 'container started')
      return running
    },

    async exec(sandbox: Sandbox, container: RunningContainer, config: ContainerConfig, opts: ExecOptions): Promise<ExecSession> {
      const pod = podOf(sandbox)
      const env = containerEnv(config, sandbox.config.hostname)
      const { podDir } = sandbox.config
      const live = byContainerId.get(container.id)
      if (!opts.command.length) throw execStartError('exec: "": executable file not found in $PATH')
      if (pod.ns && tools) {
        // The container's own mount namespace when it has a process, else the pod's.
        const pid = (await live?.mainPid?.()) ?? pod.ns.pid
        const root = `/proc/${pid}/root`
        const wd = config.workingDir && (await isDir(root + config.workingDir)) ? config.workingDir : undefined
        try {
          await lookPath(opts.command[0], { path: env.PATH, cwd: wd ?? '/', toHost: (p) => root + p })
        } catch (err) {
          throw execStartError(err)
        }
        return spawnExec({ file: tools.nsenter, args: execArgs(pid, wd, opts.command), env, cwd: podDir, tty: opts.tty, stdin: opts.stdin }, await findScript())
      }
      const cwd = config.workingDir && (await isDir(config.workingDir)) ? config.workingDir : podDir
      try {
        await lookPath(opts.command[0], { path: env.PATH, cwd })
      } catch (err) {
        throw execStartError(err)
      }
      const [file, ...args] = opts.command
      return spawnExec({ file, args, env, cwd, tty: opts.tty, stdin: opts.stdin }, await findScript())
    },

    async close(): Promise<void> {
      const all = [...pods.values()]
      pods.clear()
      for (const pod of all) for (const c of pod.containers) c.task.kill('SIGKILL')
      await Promise.all(all.flatMap((pod) => [...pod.containers].map((c) => c.task.exited)))
      await Promise.all(all.map((pod) => pod.ns?.stop()))
      await services?.close()
    },
  }
}
