// Empties a terminating namespace and then lets it go. Upstream this is the
// controller-manager's namespace controller
// (controller-manager/controllers/namespace); the apiserver does it itself
// under `--namespace-lifecycle builtin` (the default), so that it is usable
// without a controller-manager, through the same REST store any client would
// use. `--namespace-lifecycle controller` leaves it to the controller.
import type { Logger } from 'pino'
import type { Registry } from './registry/registry.ts'
import { collectionKey } from './registry/registry.ts'
import type { RestStore } from './registry/rest-store.ts'
import { planDelete } from './registry/deletion.ts'
import { StatusError } from './status-error.ts'

const namespacePrefix = '/registry/namespaces/'

export function startNamespaceFinalizer(registry: Registry, rest: RestStore, log: Logger): () => void {
  const inFlight = new Set<string>()
  let stopped = false

  const finalize = async (name: string): Promise<void> => {
    const ctx = { manager: 'namespace-controller', dryRun: false, now: new Date() }
    const nsDef = registry.byKind('', 'Namespace')!
    for (const def of registry.all()) {
      if (!def.namespaced || !(def.verbs ?? ['delete']).includes('delete')) continue
      for (const item of rest.store.list(collectionKey(def, name)).items) {
        if (item.object.metadata.deletionTimestamp) continue
        try {
          await rest.delete(def, name, item.object.metadata.name!, planDelete(def, { propagationPolicy: 'Background' }), ctx)
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) log.warn({ err, namespace: name }, 'namespace content delete failed')
        }
      }
    }
    const left = registry.all().some((def) => def.namespaced && rest.store.count(collectionKey(def, name)) > 0)
    if (left) return
    await rest.update(nsDef, undefined, name, (ns) => ({ ...ns, spec: { ...(ns.spec as object), finalizers: [] } }), ctx, 'system')
    log.info({ namespace: name }, 'namespace finalized')
  }

  const consider = (name: string, terminating: boolean) => {
    if (stopped || !terminating || inFlight.has(name)) return
    inFlight.add(name)
    finalize(name)
      .catch((err) => {
        if (!(err instanceof StatusError && err.code === 404)) log.warn({ err, namespace: name }, 'namespace finalize failed')
      })
      .finally(() => {
        inFlight.delete(name)
        // Content that is still going away (graceful pods) is retried.
        const ns = rest.store.get(namespacePrefix + name)
        if (ns?.object.metadata.deletionTimestamp && !stopped) setTimeout(() => consider(name, true), 1000).unref()
      })
  }

  for (const item of rest.store.list(namespacePrefix).items) consider(item.object.metadata.name!, !!item.object.metadata.deletionTimestamp)
  const watch = rest.store.watch(namespacePrefix, { fromRevision: rest.store.revision }, (event) => {
    if (event.type !== 'DELETED') consider(event.current.object.metadata.name!, !!event.current.object.metadata.deletionTimestamp)
  })
  return () => {
    stopped = true
    watch.stop()
  }
}
