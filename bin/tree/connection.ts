// Where the plugin connects and which namespace it looks in, decided as
// kubectl decides: flags first, then the kubeconfig ($KUBECONFIG, else
// ~/.kube/config) and its current context, else http://localhost:8080 and
// `default`, as kubectl does with no config at all. kubectl hands a plugin
// only its argv and environment, so the plugin repeats this itself.
import { existsSync, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { parse } from 'yaml'

export interface ConnectionFlags {
  server?: string
  kubeconfig?: string
  context?: string
  namespace?: string
}

export interface Connection {
  /** Set when the server comes from a flag or from nowhere (localhost:8080). */
  server?: string
  /** The kubeconfig whose context supplies server and credentials, if any. */
  kubeconfig?: string
  context?: string
  namespace: string
}

export interface ConnectionEnv {
  KUBECONFIG?: string
  home: string
  /** @default existsSync */
  exists?: (path: string) => boolean
  /** @default readFileSync as utf8 */
  read?: (path: string) => string
}

export const defaultServer = 'http://localhost:8080'

export function resolveConnection(flags: ConnectionFlags, env: ConnectionEnv): Connection {
  const exists = env.exists ?? existsSync
  const read = env.read ?? ((p: string) => readFileSync(p, 'utf8'))
  // $KUBECONFIG may list several files; kubectl merges them, where the first
  // to set current-context wins. Taking the first existing file covers the
  // usual single-file case without a merge.
  const kubeconfig = flags.kubeconfig
    ?? (env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).find((p) => p && exists(p)) : undefined)
    ?? [join(env.home, '.kube', 'config')].find(exists)
  const namespace = flags.namespace || (kubeconfig ? contextNamespace(read(kubeconfig), flags.context) : undefined) || 'default'
  if (!kubeconfig) return { server: flags.server ?? defaultServer, namespace, context: flags.context }
  return { server: flags.server, kubeconfig, context: flags.context, namespace }
}

/** The namespace of the named (else current) context, which loadKubeconfig does not return. */
export function contextNamespace(kubeconfigText: string, contextName?: string): string | undefined {
  const doc = (parse(kubeconfigText) ?? {}) as { 'current-context'?: string; contexts?: Array<{ name?: string; context?: { namespace?: string } }> }
  const name = contextName ?? doc['current-context']
  return doc.contexts?.find((c) => c.name === name)?.context?.namespace || undefined
}
