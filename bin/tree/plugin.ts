// The plugin's command: arguments and flags in, the tree on stdout, errors
// as kubectl prints them (`Error: …` on stderr, exit code 1).
import { homedir } from 'node:os'
import { parseArgs } from 'node:util'
import { ClientStatusError, createClient, isConnectionError, isConnectionRefused, userAgentFor, type Client } from '../../shared/client/index.ts'
import { discoverResources, getObject, listObjects } from './api-objects.ts'
import { resolveConnection } from './connection.ts'
import { dependentsIndex, treeHeader, treeRows } from './ownership-tree.ts'
import { parseTarget, qualifiedName, resolveResource } from './resource-resolution.ts'
import { renderTable } from './table-text.ts'

const usage = `Show the objects that name an object in their ownerReferences, and theirs, as a tree.

Examples:
  kubectl tree deployment web
  kubectl tree cronjob/backup -n ops
  kubectl tree deployments.v1.apps web

Options:
  -A, --all-namespaces   look for dependents in every namespace
  -n, --namespace NS     the object's namespace (default: the context's, else default)
  -s, --server URL       the apiserver (default: the kubeconfig's, else http://localhost:8080)
      --kubeconfig PATH  the kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config)
      --context NAME     the kubeconfig context to use

Usage:
  kubectl tree KIND NAME [options]
`

const options = {
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  server: { type: 'string', short: 's' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Thrown for what the user gets as `Error: <message>` and exit code 1. */
class PluginError extends Error {}

/** Runs `kubectl tree` with argv (without node and script); resolves with the exit code. */
export async function runTree(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let client: Client | undefined
  try {
    const { values, positionals } = parseFlags(argv)
    if (values.help) {
      process.stdout.write(usage)
      return 0
    }
    const target = parseTarget(positionals)
    const connection = resolveConnection(values, { KUBECONFIG: env.KUBECONFIG, home: env.HOME || homedir() })
    client = createClient({
      server: connection.server, kubeconfig: connection.kubeconfig, context: connection.context,
      userAgent: userAgentFor('kubectl-tree'),
      // One try: a CLI should say at once that the server is down, not back off for seconds.
      retry: { maxAttempts: 1 },
    })
    const server = client.server
    const transport = client.transport
    const output = await explained(server, async () => {
      const resources = await discoverResources(transport)
      const resource = resolveResource(resources, target.kind)
      if (!resource) throw new PluginError(`the server doesn't have a resource type "${target.kind}"`)
      const root = await getObject(transport, resource, connection.namespace, target.name).catch((err: unknown) => {
        if (err instanceof ClientStatusError && err.code === 404) throw new PluginError(`${qualifiedName(resource)} "${target.name}" not found`)
        throw err
      })
      // Dependents live in the owner's namespace (ownerReferences cannot cross
      // namespaces); a cluster-scoped owner's may be anywhere.
      const listNamespace = values['all-namespaces'] || !resource.namespaced ? undefined : connection.namespace
      const dependents = dependentsIndex(await listObjects(transport, resources, listNamespace))
      if (!dependents.has(root.metadata.uid ?? '')) return 'No resources are owned by this object through ownerReferences.\n'
      return renderTable(treeHeader, treeRows(root, dependents, Date.now()))
    })
    process.stdout.write(output)
    return 0
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`)
    return 1
  } finally {
    await client?.close()
  }
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (err) {
    // parseArgs says "Unknown option '--foo'. To specify a positional argument starting with a '-'…": the first sentence is enough.
    throw new PluginError(`${(err as Error).message.split('. ')[0]}\nSee 'kubectl tree --help' for usage.`)
  }
}

/** Turns connection failures and server errors into the sentences kubectl prints for them. */
async function explained<T>(server: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof PluginError) throw err
    if (isConnectionRefused(err)) {
      throw new PluginError(`The connection to the server ${new URL(server).host} was refused - did you specify the right host or port?`)
    }
    if (isConnectionError(err)) throw new PluginError(`Unable to connect to the server: ${(err as Error).message}`)
    if (err instanceof ClientStatusError) throw new PluginError(err.message)
    throw err
  }
}
