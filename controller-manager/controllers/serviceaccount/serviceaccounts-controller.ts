// The ServiceAccount controller (upstream's serviceaccounts_controller.go):
// every active namespace has a `default` ServiceAccount; one deleted is made
// again. Keys are namespace names. A namespace being deleted is left alone,
// as its accounts are about to go with it.
import type { KubeObject } from '../../../shared/api-types.ts'
import { commonResources, isAlreadyExists, isNotFound, type ClientStatusError } from '../../../shared/client/index.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Reconciler } from '../../reconciler.ts'

interface Namespace extends KubeObject {
  status?: { phase?: string }
}

export interface ServiceAccountsControllerOptions {
  /** Accounts every namespace gets. @default ['default'] */
  serviceAccounts?: readonly string[]
}

export function createServiceAccountsController(options: ServiceAccountsControllerOptions = {}): ControllerDefinition {
  const managed = options.serviceAccounts ?? ['default']
  return {
    name: 'serviceaccount',
    init(ctx: ControllerContext) {
      const log = ctx.log.child({ controller: 'serviceaccount' })
      const namespaces = ctx.informers.informerFor<Namespace>(commonResources.namespaces)
      const accounts = ctx.informers.informerFor(commonResources.serviceAccounts)
      const reconciler = new Reconciler({
        name: 'serviceaccount',
        log,
        clock: ctx.clock,
        async sync(name) {
          const ns = namespaces.get(name)
          if (!ns || ns.metadata.deletionTimestamp || (ns.status?.phase ?? 'Active') !== 'Active') return
          for (const account of managed) {
            if (accounts.get(`${name}/${account}`)) continue
            try {
              await ctx.client.serviceAccounts.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace: name } })
              log.debug({ namespace: name, serviceAccount: account }, 'created service account')
            } catch (err) {
              // Already made (the cache lags), or the namespace went away or started terminating meanwhile.
              if (isAlreadyExists(err) || isNotFound(err) || (err as ClientStatusError | undefined)?.code === 403) continue
              throw err
            }
          }
        },
      })
      namespaces.addEventHandler({
        onAdd: (ns) => reconciler.enqueueKey(ns.metadata.name!),
        onUpdate: (_, ns) => reconciler.enqueueKey(ns.metadata.name!),
      })
      accounts.addEventHandler({
        onDelete: (sa) => {
          if (managed.includes(sa.metadata.name ?? '') && sa.metadata.namespace) reconciler.enqueueKey(sa.metadata.namespace)
        },
      })
      return (signal) => reconciler.run(ctx.workers('serviceaccount'), signal)
    },
  }
}

/** The ServiceAccount controller with upstream's defaults. */
export const serviceAccountsController: ControllerDefinition = createServiceAccountsController()
