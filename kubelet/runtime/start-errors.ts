// containerd's words for a container or exec that could not start, so the
// kubelet's status and kubectl's output read as they do upstream.
import { randomBytes } from 'node:crypto'
import { LookPathError } from './look-path.ts'
import { StartError } from './types.ts'

/**
 * An exec that could not start. containerd returns the message as an error
 * (kubectl prints `error: Internal error occurred: error executing command in
 * container: <message>`); exitCode is what a shell would have returned, for an
 * exec server that prefers `command terminated with exit code 127` (126: found
 * but not executable, 127: not found).
 */
export class ExecStartError extends StartError {
  readonly exitCode: 126 | 127
  constructor(message: string, exitCode: 126 | 127) {
    super(message)
    this.exitCode = exitCode
  }
}

function causeOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** The kubelet reports it as terminated, reason StartError, exit code 128, with this message. */
export function containerStartError(err: unknown): StartError {
  return new StartError(
    `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${causeOf(err)}: unknown`,
  )
}

export function execStartError(err: unknown): ExecStartError {
  // containerd names each exec with a fresh random ID.
  const execId = randomBytes(32).toString('hex')
  return new ExecStartError(
    `failed to exec in container: failed to start exec ${JSON.stringify(execId)}: OCI runtime exec failed: exec failed: unable to start container process: ${causeOf(err)}: unknown`,
    err instanceof LookPathError ? err.exitCode : 126,
  )
}
