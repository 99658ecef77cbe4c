// What both runtimes share about a running container: a Task (anything that
// can be signalled and exits: a child process, an in-process stand-in, a sim
// timer) wrapped into the RunningContainer the pod worker sees, with
// containerd's stop sequence and exit reasons.
import { randomBytes } from 'node:crypto'
import { constants } from 'node:os'
import type { Clock } from '../../shared/clock.ts'
import type { LogFileWriter } from './log-file.ts'
import type { ContainerExit, RunningContainer } from './types.ts'

/** How a task ended, before it becomes a ContainerExit. */
export interface TaskExit {
  exitCode: number
  signal?: NodeJS.Signals
  message?: string
}

export interface Task {
  /** Resolves once with how it ended. */
  readonly exited: Promise<TaskExit>
  /** Delivers a signal as a process would receive it. Must be harmless after the exit. */
  kill(signal: NodeJS.Signals): void
}

/** kubeling://<64 hex>, as containerd's IDs are 64 hex characters. */
export function newContainerId(): string {
  return `kubeling://${randomBytes(32).toString('hex')}`
}

/** 128 + the signal's number, as a shell and containerd report a signal death (SIGKILL → 137, SIGTERM → 143). */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0)
}

/** Completed for 0, Error otherwise: upstream's reasons for a container that ran. */
export function exitReason(exitCode: number): 'Completed' | 'Error' {
  return exitCode === 0 ? 'Completed' : 'Error'
}

export interface RunningContainerOptions {
  task: Task
  log: LogFileWriter
  clock: Clock
  /** The image's STOPSIGNAL (nginx: SIGQUIT); SIGTERM for most. */
  stopSignal: NodeJS.Signals
  id?: string
  startedAt?: number
  /** Runs after the exit is known and the log is flushed, before `exited` resolves (e.g. freeing ports). */
  onExit?: (exit: ContainerExit) => void
}

/**
 * A RunningContainer over a task. `exited` resolves after the log file is
 * flushed, so a `kubectl logs` right after the pod turns Completed sees
 * every line. stop() follows containerd's StopContainer: the stop signal,
 * then SIGKILL when the grace period ends; a grace period of 0 or less is an
 * immediate SIGKILL.
 */
export function createRunningContainer(options: RunningContainerOptions): RunningContainer {
  const { task, log, clock, stopSignal } = options
  const exited: Promise<ContainerExit> = task.exited.then(async (raw) => {
    await log.close().catch(() => undefined)
    const exit: ContainerExit = {
      exitCode: raw.exitCode,
      reason: exitReason(raw.exitCode),
      ...(raw.signal ? { signal: raw.signal } : {}),
      ...(raw.message ? { message: raw.message } : {}),
      finishedAt: clock.now(),
    }
    options.onExit?.(exit)
    return exit
  })
  let done = false
  void exited.then(() => (done = true))
  return {
    id: options.id ?? newContainerId(),
    startedAt: options.startedAt ?? clock.now(),
    exited,
    logPath: log.path,
    async stop(gracePeriodMs: number): Promise<ContainerExit> {
      if (done) return exited
      if (gracePeriodMs <= 0) {
        task.kill('SIGKILL')
        return exited
      }
      task.kill(stopSignal)
      const cancel = clock.setTimeout(() => task.kill('SIGKILL'), gracePeriodMs)
      try {
        return await exited
      } finally {
        cancel()
      }
    },
  }
}
