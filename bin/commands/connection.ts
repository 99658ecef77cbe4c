// Which apiserver `kubeling service` and `kubeling ip` ask, and the flags
// and errors they share. The launcher's own default is http://127.0.0.1:8080,
// so that is where they look unless told otherwise: --server, else
// --kubeconfig, else $KUBECONFIG. ~/.kube/config is not read on purpose: it
// usually names some other cluster, and these commands are about kubeling's.
import { existsSync } from 'node:fs'
import { delimiter } from 'node:path'
import { ClientStatusError, createClient, isConnectionError, isConnectionRefused, userAgentFor, type Client } from '../../shared/client/index.ts'

export const defaultServer = 'http://127.0.0.1:8080'

export interface ServerFlags {
  server?: string
  kubeconfig?: string
  context?: string
}

export interface Target {
  server?: string
  kubeconfig?: string
  context?: string
}

/** Where to connect: a URL, or a kubeconfig whose context supplies the server and credentials. */
export function chooseTarget(flags: ServerFlags, env: { KUBECONFIG?: string }, exists: (path: string) => boolean = existsSync): Target {
  if (flags.server) return { server: flags.server }
  const kubeconfig = flags.kubeconfig || env.KUBECONFIG?.split(delimiter).find((p) => p && exists(p))
  if (kubeconfig) return { kubeconfig, context: flags.context }
  return { server: defaultServer }
}

/** Flags every subcommand takes, for parseArgs. */
export const connectionOptions = {
  server: { type: 'string', short: 's' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

export const connectionHelp = [
  '  -s, --server URL       the apiserver (default: the kubeconfig\'s if given, else http://127.0.0.1:8080)',
  '      --kubeconfig PATH  a kubeconfig to use (default: $KUBECONFIG if set)',
  '      --context NAME     the kubeconfig context to use',
].join('\n')

/** Thrown for what the user gets as `Error: <message>` and exit code 1. */
export class CommandError extends Error {}

/** Thrown for a command line that makes no sense: exit code 2. */
export class UsageError extends Error {}

/** Runs parseArgs (or any parse), turning its complaint into a UsageError. */
export function parseOrUsage<T>(command: string, parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    // parseArgs's message goes on about positionals after its first sentence.
    throw new UsageError(`${(err as Error).message.split('. ')[0]} (see kubeling ${command} --help)`)
  }
}

export interface Output {
  out(text: string): void
  err(text: string): void
}

export const processOutput: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }

/** Runs a subcommand's work with a client; turns failures into a message and an exit code. */
export async function withClient(flags: ServerFlags, env: NodeJS.ProcessEnv, io: Output, work: (client: Client) => Promise<void>): Promise<number> {
  let client: Client | undefined
  try {
    client = createClient({ ...chooseTarget(flags, env), userAgent: userAgentFor('cli'), retry: { maxAttempts: 1 } })
    await work(client)
    return 0
  } catch (err) {
    io.err(`Error: ${explain(err, client?.server ?? flags.server ?? defaultServer)}\n`)
    return 1
  } finally {
    await client?.close()
  }
}

function explain(err: unknown, server: string): string {
  if (err instanceof CommandError) return err.message
  if (isConnectionRefused(err)) return `cannot reach the apiserver at ${server}: connection refused (is kubeling running? --server names another)`
  if (isConnectionError(err)) return `cannot reach the apiserver at ${server}: ${(err as Error).message}`
  if (err instanceof ClientStatusError) return err.message
  return (err as Error).message
}
