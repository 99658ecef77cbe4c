// What every cluster has from its first start: the four system namespaces and
// the two built-in PriorityClasses. Existing objects are left as they are.
import type { KubeObject } from '../shared/api-types.ts'
import type { Registry } from './registry/registry.ts'
import type { RestStore } from './registry/rest-store.ts'
import { StatusError } from './status-error.ts'
import { builtinPriorityClasses } from './registry/resources/index.ts'

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease']

export async function bootstrap(registry: Registry, rest: RestStore): Promise<void> {
  const ctx = { manager: 'kube-apiserver', dryRun: false, now: new Date() }
  const ensure = async (group: string, kind: string, obj: KubeObject) => {
    const def = registry.byKind(group, kind)
    if (!def) return
    try {
      await rest.create(def, undefined, obj, ctx)
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err
    }
  }
  for (const name of systemNamespaces) await ensure('', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  for (const pc of builtinPriorityClasses) await ensure('scheduling.k8s.io', 'PriorityClass', structuredClone(pc))
}
