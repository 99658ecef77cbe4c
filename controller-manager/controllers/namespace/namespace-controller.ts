// The namespace controller (upstream's pkg/controller/namespace): a namespace
// marked for deletion is emptied, then its `kubernetes` finalizer removed.
// Only terminating namespaces are queued, a little late on purpose: objects
// created in the namespace just before the delete must reach the store
// before we list it.
import { commonResources } from '../../../shared/client/index.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Reconciler } from '../../reconciler.ts'
import { clientNamespaceDeleterApi, NamespacedResourcesDeleter, ResourcesRemainingError, type Namespace, type NamespaceDeleterApi } from './namespaced-resources-deleter.ts'

export interface NamespaceControllerOptions {
  /** Delay between seeing a namespace terminate and emptying it (upstream's namespaceDeletionGracePeriod). @default 5000 */
  deletionGracePeriodMs?: number
  /** Replaces the client-backed API (tests). */
  api?: NamespaceDeleterApi
}

export function createNamespaceController(options: NamespaceControllerOptions = {}): ControllerDefinition {
  const graceMs = options.deletionGracePeriodMs ?? 5000
  return {
    name: 'namespace',
    init(ctx: ControllerContext) {
      const log = ctx.log.child({ controller: 'namespace' })
      const deleter = new NamespacedResourcesDeleter({ api: options.api ?? clientNamespaceDeleterApi(ctx.client), now: () => ctx.clock.now() })
      const reconciler = new Reconciler({
        name: 'namespace',
        log,
        clock: ctx.clock,
        async sync(name) {
          try {
            await deleter.delete(name)
          } catch (err) {
            if (!(err instanceof ResourcesRemainingError)) throw err
            const seconds = Math.floor(err.estimateSeconds / 2) + 1
            log.debug({ namespace: name, seconds }, 'content remaining; checking again later')
            return { requeueAfter: seconds * 1000 }
          }
        },
      })
      const enqueue = (ns: Namespace) => {
        if (ns.metadata.deletionTimestamp) reconciler.enqueueAfter(ns, graceMs)
      }
      ctx.informers.informerFor<Namespace>(commonResources.namespaces).addEventHandler({
        onAdd: enqueue,
        onUpdate: (_, ns) => enqueue(ns),
      })
      return (signal) => reconciler.run(ctx.workers('namespace'), signal)
    },
  }
}

/** The namespace controller with upstream's defaults. */
export const namespaceController: ControllerDefinition = createNamespaceController()
