// How a simulated container behaves, read from the pod's annotations, and
// the timer-driven Task that plays it. Used by the sim runtime for every
// container and by the process runtime for unknown images with no command.
//
// Annotations (pod-wide, or `<key>.<container>` for one container, which wins):
//   sim.kubeling.io/exit-code       exit code when it ends by itself (0..255) @default 0
//   sim.kubeling.io/run-seconds     seconds until it ends by itself (fractions allowed).
//                                   Containers that run to completion (restartPolicy Never/OnFailure,
//                                   init containers) default to the runtime's run duration (1 s);
//                                   long-running ones run until stopped unless this is set, so
//                                   `run-seconds: "2"` + `exit-code: "1"` on a Deployment gives CrashLoopBackOff.
//   sim.kubeling.io/ignore-sigterm  "true": SIGTERM is ignored, so stop() ends in SIGKILL (137) after the grace period.
// Otherwise a sim container obeys SIGTERM at once and exits 0 (reason Completed), as nginx and
// well-behaved servers do; a SIGKILL (grace period 0, or after the grace period) gives 137, reason Error.
import type { Clock, CancelTimer } from '../../shared/clock.ts'
import { exitCodeForSignal, type Task, type TaskExit } from './container-task.ts'
import type { LogFileWriter } from './log-file.ts'

export const simExitCodeAnnotation = 'sim.kubeling.io/exit-code'
export const simRunSecondsAnnotation = 'sim.kubeling.io/run-seconds'
export const simIgnoreSigtermAnnotation = 'sim.kubeling.io/ignore-sigterm'

export interface SimBehavior {
  /** ms until it exits by itself; undefined: runs until stopped. */
  runMs?: number
  exitCode: number
  ignoreSigterm: boolean
}

function annotation(annotations: Readonly<Record<string, string>>, key: string, container: string): string | undefined {
  return annotations[`${key}.${container}`] ?? annotations[key]
}

/** Reads the sim annotations; values that do not parse are ignored (the default applies). */
export function simBehavior(
  annotations: Readonly<Record<string, string>>,
  container: string,
  runsToCompletion: boolean,
  defaultRunMs: number,
): SimBehavior {
  const code = Number(annotation(annotations, simExitCodeAnnotation, container))
  const seconds = Number(annotation(annotations, simRunSecondsAnnotation, container) ?? NaN)
  const runMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : runsToCompletion ? defaultRunMs : undefined
  return {
    runMs,
    exitCode: Number.isInteger(code) && code >= 0 && code <= 255 ? code : 0,
    ignoreSigterm: annotation(annotations, simIgnoreSigtermAnnotation, container) === 'true',
  }
}

/**
 * A container that only writes a few log lines. Costs two closures and a
 * timer, so 10,000 of them fit in one kubelet process.
 */
export function startSimTask(name: string, behavior: SimBehavior, clock: Clock, log: LogFileWriter): Task {
  let resolveExit!: (exit: TaskExit) => void
  const exited = new Promise<TaskExit>((resolve) => (resolveExit = resolve))
  let over = false
  let cancelRun: CancelTimer | undefined
  const end = (exit: TaskExit, line: string) => {
    if (over) return
    over = true
    cancelRun?.()
    log.writeLine('stdout', line)
    resolveExit(exit)
  }
  log.writeLine('stdout', `[sim] container ${name} started`)
  if (behavior.runMs !== undefined) {
    cancelRun = clock.setTimeout(
      () => end({ exitCode: behavior.exitCode }, `[sim] container ${name} finished with exit code ${behavior.exitCode}`),
      behavior.runMs,
    )
  }
  return {
    exited,
    kill(signal) {
      if (over) return
      if (signal === 'SIGKILL') {
        end({ exitCode: exitCodeForSignal('SIGKILL'), signal: 'SIGKILL' }, `[sim] container ${name} killed (SIGKILL)`)
      } else if (behavior.ignoreSigterm) {
        log.writeLine('stdout', `[sim] container ${name} ignoring ${signal}`)
      } else {
        end({ exitCode: 0 }, `[sim] container ${name} received ${signal}, exiting`)
      }
    },
  }
}
