// kubectl tree <kind> <name>: the object's ownership tree, like the
// community plugin. kubectl runs `kubectl-tree` (the sh launcher beside
// this file) for `kubectl tree …`; that runs this with the project's Node.
import { homedir } from 'node:os'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createClient, isNotFound, userAgentFor } from '../shared/client/index.ts'
import { discover, getObject, listAll, resolveResource } from './tree/api-objects.ts'
import { renderTable, treeHeader, treeRows } from './tree/ownership-tree.ts'

function fail(message: string): never {
  process.stderr.write(`Error: ${message}\n`)
  process.exit(1)
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    namespace: { type: 'string', short: 'n' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    server: { type: 'string', short: 's' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help || positionals.length !== 2) {
  process.stdout.write('Usage: kubectl tree KIND NAME [-n NAMESPACE] [-A] [--server URL] [--kubeconfig PATH]\nShows the object and everything that names it, or its dependents, in ownerReferences.\n')
  process.exit(values.help ? 0 : 1)
}
const [kindArg, name] = positionals

// Where kubectl would connect: flags, then $KUBECONFIG or ~/.kube/config, then localhost:8080.
const kubeconfig = values.kubeconfig ?? process.env.KUBECONFIG?.split(':').find((p) => existsSync(p)) ?? [join(homedir(), '.kube', 'config')].find((p) => existsSync(p))
const client = createClient({
  server: values.server ?? (kubeconfig ? undefined : 'http://localhost:8080'),
  kubeconfig, context: values.context, userAgent: userAgentFor('kubectl-tree'),
})
const namespace = values.namespace ?? 'default'

try {
  const resources = await discover(client.transport)
  const resource = resolveResource(resources, kindArg)
  if (!resource) fail(`the server doesn't have a resource type "${kindArg}"`)
  let root
  try {
    root = await getObject(client.transport, resource, namespace, name)
  } catch (err) {
    if (isNotFound(err)) fail(`${resource.name}${resource.group ? `.${resource.group}` : ''} "${name}" not found`)
    throw err
  }
  root = { ...root, kind: resource.kind }
  const objects = await listAll(client.transport, resources, values['all-namespaces'] ? undefined : (resource.namespaced ? namespace : undefined))
  process.stdout.write(renderTable(treeHeader, treeRows(root, objects, Date.now())))
  process.exit(0)
} catch (err) {
  fail((err as Error).message)
}
