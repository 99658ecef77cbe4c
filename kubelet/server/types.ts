// What the kubelet's streaming server (logs, exec, attach, port-forward)
// needs from the kubelet: the pods it runs and, per container, its state,
// its log files and a way to run commands in it. The kubelet implements
// StreamingBackend; the server decides the HTTP answers and upstream's
// error wording from what it returns.
import type { Pod } from '../../shared/core-types.ts'
import type { ExecOptions, ExecSession } from '../runtime/types.ts'

export interface StreamingBackend {
  /** A pod this kubelet runs, by namespace and name; undefined when it runs none by that name. */
  findPod(namespace: string, name: string): StreamingPod | undefined
  /** The pods this kubelet runs, as last reported (GET /pods). */
  listPods(): Pod[]
}

export interface StreamingPod {
  readonly uid: string
  /** status.podIP: port-forward dials podIP:port. Undefined while the pod has no sandbox. */
  readonly podIP: string | undefined
  /**
   * A container of the pod's spec (init, regular or ephemeral) by name;
   * undefined when the spec has no such container.
   */
  container(name: string): StreamingContainer | undefined
}

/** A container's log file and whether more can come. */
export interface ContainerLog {
  /** CRI format, one entry a line: `<RFC3339Nano> <stdout|stderr> <F|P> <text>`. */
  readonly path: string
  /** Resolves when this attempt has ended (at once for one that has): `follow` stops reading there. */
  readonly ended: Promise<unknown>
}

/**
 * containerStatuses[].state in short. `running` and `terminated` carry the
 * log of that attempt; terminated has none when it never started.
 */
export type StreamingContainerState =
  | { readonly state: 'waiting'; readonly reason: string }
  | { readonly state: 'running'; readonly log: ContainerLog }
  | { readonly state: 'terminated'; readonly log: ContainerLog | undefined }

export interface StreamingContainer {
  /** Read on every request: the server never caches it. */
  readonly state: StreamingContainerState
  /** The log of containerStatuses[].lastState.terminated, for `previous=true` (and for logs while waiting to restart). */
  readonly previousLog: ContainerLog | undefined
  /**
   * Runs a command in the running container (only called while state is
   * running). Rejects when it cannot start; a missing or non-executable
   * command is an exit code (127, 126), not a rejection.
   */
  exec(options: ExecOptions): Promise<ExecSession>
  /**
   * Connects to the main process's stdio (stdin when the container has
   * `stdin: true`); `exited` resolves when the container ends. Omitted when
   * the runtime cannot attach: the server then answers 400.
   */
  attach?(options: AttachOptions): Promise<ExecSession>
}

export interface AttachOptions {
  stdin: boolean
  tty: boolean
}
