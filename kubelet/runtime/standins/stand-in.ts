// Built-in stand-ins for images whose entrypoint kubeling implements inside
// the kubelet process (nginx, pause, kube-proxy): no new process, yet each still gets a
// log file and a real exit when signalled.
import type { Clock } from '../../../shared/clock.ts'
import type { Task } from '../container-task.ts'
import type { LogFileWriter } from '../log-file.ts'
import type { ServiceWatch } from '../service-watch.ts'
import type { ContainerConfig } from '../types.ts'

export interface StandInContext {
  podIP: string
  hostname: string
  config: ContainerConfig
  log: LogFileWriter
  clock: Clock
  /** The process's shared watch of Services and EndpointSlices (kube-proxy); absent when the runtime has no apiserver client. */
  services?: ServiceWatch
}

export interface InProcessStandIn {
  /** The image's STOPSIGNAL: what stop() sends first. */
  readonly stopSignal: NodeJS.Signals
  /** Starts it; failures after the start (a port in use) end the task with the image's exit code, as the real one would. */
  start(ctx: StandInContext): Promise<Task>
}

/** A Task whose exit the stand-in decides; `end` ignores all but the first call. */
export function standInTask(kill: (signal: NodeJS.Signals) => void): { task: Task; end: (exit: Awaited<Task['exited']>) => void } {
  let resolve!: (exit: Awaited<Task['exited']>) => void
  let over = false
  const exited = new Promise<Awaited<Task['exited']>>((r) => (resolve = r))
  return {
    task: {
      exited,
      kill(signal) {
        if (!over) kill(signal)
      },
    },
    end(exit) {
      if (over) return
      over = true
      resolve(exit)
    },
  }
}
