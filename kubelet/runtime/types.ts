// The container runtime interface of the kubelet: what the pod workers ask of
// a runtime (sim or process), after the CRI's shape (RunPodSandbox,
// PullImage, CreateContainer + StartContainer, StopContainer, ExecSync/Exec)
// reduced to what kubeling needs. Runtimes never talk to the apiserver.
import type { Readable, Writable } from 'node:stream'
import type { ContainerPort } from '../../shared/core-types.ts'

/** A pod's sandbox: its directory, IP and (process runtime, as root) namespaces. */
export interface SandboxConfig {
  uid: string
  namespace: string
  name: string
  /** The pod's hostname (spec.hostname or the pod name). */
  hostname: string
  /** The IP the pod's containers listen on (127.x.y.z for the process runtime). */
  podIP: string
  /** The pod's own directory under the kubelet's root dir: <root>/pods/<uid>. */
  podDir: string
  /** Volume name → host directory, already materialized by the kubelet. */
  volumes: ReadonlyMap<string, string>
  /** Pod annotations: the sim runtime reads its `sim.kubeling.io/*` knobs here. */
  annotations: Readonly<Record<string, string>>
}

export interface Sandbox {
  readonly id: string
  readonly config: SandboxConfig
}

export interface Mount {
  /** Host directory or file. */
  hostPath: string
  /** Where the container sees it. */
  containerPath: string
  readOnly: boolean
}

/** A container ready to start: everything resolved by the kubelet (env, $(VAR) expansion, mounts). */
export interface ContainerConfig {
  name: string
  image: string
  /** spec.command with $(VAR) expanded; empty means the image's entrypoint. */
  command: string[]
  /** spec.args with $(VAR) expanded; empty means the image's default args (only when command is empty too). */
  args: string[]
  /** Ordered as the container sees them; later entries win. */
  env: ReadonlyArray<readonly [string, string]>
  workingDir?: string
  mounts: readonly Mount[]
  ports: readonly ContainerPort[]
  stdin: boolean
  tty: boolean
  /** Restart attempt, 0 for the first start: the log file name carries it, as the kubelet's <n>.log. */
  attempt: number
  /** Whether the pod expects the container to finish (restartPolicy Never/OnFailure, or an init container): the sim runtime ends it. */
  runsToCompletion: boolean
}

export interface ImageInfo {
  /** The digest-style imageID reported in containerStatuses, e.g. docker.io/library/nginx@sha256:…. */
  imageID: string
  /** The canonical reference reported as `image`, e.g. docker.io/library/nginx:1.25. */
  image: string
  /** Whether the runtime only pretends to run it (no stand-in, no command): an Event says so. */
  simulated: boolean
}

/** Why pulling failed, with the waiting reason upstream reports. */
export class ImageError extends Error {
  readonly reason: 'InvalidImageName' | 'ErrImagePull'
  constructor(reason: 'InvalidImageName' | 'ErrImagePull', message: string) {
    super(message)
    this.reason = reason
  }
}

/** The container could not be started (e.g. executable not found): terminated with reason StartError, exit code 128. */
export class StartError extends Error {}

export interface ContainerExit {
  exitCode: number
  /** Completed (0), Error, OOMKilled, StartError, ContainerCannotRun. */
  reason: string
  /** The signal that ended it, if any ('SIGKILL' → exit code 137). */
  signal?: string
  message?: string
  /** ms since the epoch */
  finishedAt: number
}

export interface RunningContainer {
  /** e.g. kubeling://3f2a…, reported as containerID. */
  readonly id: string
  /** ms since the epoch */
  readonly startedAt: number
  /** Resolves once, when the container ends for any reason. */
  readonly exited: Promise<ContainerExit>
  /** The log file (CRI format lines: `<RFC3339Nano> <stdout|stderr> <F|P> <text>`). */
  readonly logPath: string
  /** SIGTERM, then SIGKILL after gracePeriodMs; resolves when it has exited. */
  stop(gracePeriodMs: number): Promise<ContainerExit>
}

export interface ExecOptions {
  command: string[]
  tty: boolean
  stdin: boolean
}

/** A command running in a container's environment (kubectl exec). */
export interface ExecSession {
  readonly stdin?: Writable
  readonly stdout: Readable
  /** Absent with a tty: stderr is merged into stdout. */
  readonly stderr?: Readable
  /** Terminal size changes (kubectl's resize channel). */
  resize(columns: number, rows: number): void
  /** The command's exit code (126 not executable, 127 not found). */
  readonly exited: Promise<number>
  kill(): void
}

export interface ContainerRuntime {
  /** 'sim' or 'process'; with version, nodeInfo.containerRuntimeVersion is `kubeling://<version>`. */
  readonly name: string
  startSandbox(config: SandboxConfig): Promise<Sandbox>
  stopSandbox(sandbox: Sandbox): Promise<void>
  /** Resolves the image to a stand-in (or a simulated one); throws ImageError. */
  pullImage(image: string): Promise<ImageInfo>
  /** Creates and starts the container; throws StartError when it cannot run. */
  startContainer(sandbox: Sandbox, config: ContainerConfig, image: ImageInfo): Promise<RunningContainer>
  /** Runs a command in a running container's environment; throws StartError when it cannot. */
  exec(sandbox: Sandbox, container: RunningContainer, config: ContainerConfig, options: ExecOptions): Promise<ExecSession>
  /** Stops everything (kubelet shutdown): containers are left to their grace period by the pod workers, this only releases resources. */
  close(): Promise<void>
}
