// What every cluster has from its first start: the four system namespaces and
// the two built-in PriorityClasses, and (at the very first start only, as
// kubeadm installs it once) the kube-proxy addon. Existing objects are left
// as they are.
import type { KubeObject } from '../shared/api-types.ts'
import type { Registry } from './registry/registry.ts'
import type { RestStore } from './registry/rest-store.ts'
import { StatusError } from './status-error.ts'
import { builtinPriorityClasses } from './registry/resources/index.ts'
import { kubeProxyObjects } from './kube-proxy-addon.ts'

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease']

const ctx = () => ({ manager: 'kube-apiserver', dryRun: false, now: new Date() })

/** Creates `obj` unless it exists; true when it was created. */
async function ensure(registry: Registry, rest: RestStore, group: string, kind: string, obj: KubeObject): Promise<boolean> {
  const def = registry.byKind(group, kind)
  if (!def) return false
  try {
    await rest.create(def, obj.metadata.namespace, obj, ctx())
    return true
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) throw err
    return false
  }
}

/** Returns whether this is the cluster's first start (kube-system did not exist yet). */
export async function bootstrap(registry: Registry, rest: RestStore): Promise<{ firstStart: boolean }> {
  let firstStart = false
  for (const name of systemNamespaces) {
    const created = await ensure(registry, rest, '', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
    if (name === 'kube-system') firstStart = created
  }
  for (const pc of builtinPriorityClasses) await ensure(registry, rest, 'scheduling.k8s.io', 'PriorityClass', structuredClone(pc))
  return { firstStart }
}

/** kubeadm's kube-proxy addon (kube-proxy-addon.ts); `server` is the apiserver's URL. */
export async function bootstrapKubeProxy(registry: Registry, rest: RestStore, server: string): Promise<void> {
  for (const { group, kind, object } of kubeProxyObjects(server)) await ensure(registry, rest, group, kind, object)
}
