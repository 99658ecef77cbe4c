// Empties a terminating namespace (upstream's namespaced_resources_deleter.go):
// for every namespaced resource discovery lists with the delete verb, delete
// the collection (or each item when deletecollection is not served), then
// list what is left. Graceful pods and objects held by finalizers give an
// estimate of how long to wait; anything else left is an error. Once nothing
// is left the `kubernetes` finalizer is removed through
// namespaces/<name>/finalize and the apiserver removes the namespace.
// Progress shows in the namespace's status conditions.
import type { KubeObject } from '../../../shared/api-types.ts'
import { isConflict, isNotFound, type Client, type ClientStatusError } from '../../../shared/client/index.ts'
import { discoverResources, type DiscoveredResource, type DiscoveryResult } from '../garbage-collector/api-discovery.ts'
import { NamespaceConditionUpdater, type NamespaceCondition } from './namespace-conditions.ts'

export const kubernetesFinalizer = 'kubernetes'
/** Seconds assumed for finalizers on remaining content to finish (upstream's finalizerEstimateSeconds). */
export const finalizerEstimateSeconds = 15

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] }
  status?: { phase?: string; conditions?: NamespaceCondition[] }
}

/** What the deleter needs of the apiserver; tests pass an in-memory one. */
export interface NamespaceDeleterApi {
  getNamespace(name: string): Promise<Namespace | undefined>
  updateNamespaceStatus(ns: Namespace): Promise<Namespace>
  /** PUT namespaces/<name>/finalize with ns.spec.finalizers. */
  finalizeNamespace(ns: Namespace): Promise<Namespace>
  discover(): Promise<DiscoveryResult>
  /** DELETE the collection with propagationPolicy Background. */
  deleteCollection(resource: DiscoveredResource, namespace: string): Promise<void>
  list(resource: DiscoveredResource, namespace: string): Promise<KubeObject[]>
  /** DELETE one object with propagationPolicy Background; not found is no error. */
  delete(resource: DiscoveredResource, namespace: string, name: string): Promise<void>
}

/** Content is still going away; look again in about `estimateSeconds`. */
export class ResourcesRemainingError extends Error {
  readonly estimateSeconds: number
  constructor(estimateSeconds: number) {
    super(`some content remains in the namespace, estimate ${estimateSeconds} seconds before it is removed`)
    this.name = 'ResourcesRemainingError'
    this.estimateSeconds = estimateSeconds
  }
}

interface ResourceDeletion {
  estimateSeconds: number
  remaining: number
  finalizers: Map<string, number>
}

export class NamespacedResourcesDeleter {
  readonly #api: NamespaceDeleterApi
  readonly #now: () => number

  constructor(options: { api: NamespaceDeleterApi; now?: () => number }) {
    this.#api = options.api
    this.#now = options.now ?? Date.now
  }

  /**
   * One pass over a namespace. Does nothing unless it is terminating and
   * still has the `kubernetes` finalizer. Throws ResourcesRemainingError while
   * content is still going away, any other error when a step failed.
   */
  async delete(name: string): Promise<void> {
    let ns = await this.#api.getNamespace(name)
    if (!ns?.metadata.deletionTimestamp) return
    ns = await this.#retryOnConflict(ns, (current) => this.#markTerminating(current))
    if (!ns?.metadata.deletionTimestamp) return
    if (!(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return
    const estimate = await this.deleteAllContent(ns)
    if (estimate > 0) throw new ResourcesRemainingError(estimate)
    await this.#retryOnConflict(ns, (current) => this.#api.finalizeNamespace({
      ...current, spec: { ...current.spec, finalizers: (current.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer) },
    }))
  }

  /** Deletes everything in the namespace it can; returns the seconds to wait, throws what failed. */
  async deleteAllContent(ns: Namespace): Promise<number> {
    const namespace = ns.metadata.name!
    const deletedAt = Date.parse(ns.metadata.deletionTimestamp ?? '') || this.#now()
    const errors: string[] = []
    const conditions = new NamespaceConditionUpdater()
    let resources: DiscoveredResource[] = []
    try {
      const result = await this.#api.discover()
      resources = result.resources
      if (result.failures.size > 0) {
        // Not fatal: delete what can be found.
        const message = [...result.failures].map(([gv, why]) => `${gv}: ${why}`).join(', ')
        errors.push(message)
        conditions.processDiscoveryError(message, result.failures.size)
      }
    } catch (err) {
      errors.push(String(err))
      conditions.processDiscoveryError(String(err))
    }
    const deletable = resources.filter((r) => r.preferred && r.namespaced && r.verbs.includes('delete'))
    let estimate = 0
    const remainingByResource = new Map<string, number>()
    const remainingByFinalizer = new Map<string, number>()
    for (const resource of deletable) {
      let result: ResourceDeletion
      try {
        result = await this.#deleteAllContentFor(resource, namespace, deletedAt)
      } catch (err) {
        const failure = err as { message?: string; partial?: ResourceDeletion }
        errors.push(failure.message ?? String(err))
        conditions.processDeleteContentError(failure.message ?? String(err))
        if (!failure.partial) continue
        result = failure.partial
      }
      estimate = Math.max(estimate, result.estimateSeconds)
      if (result.remaining > 0) {
        remainingByResource.set(`${resource.plural}.${resource.group}`, result.remaining)
        for (const [finalizer, n] of result.finalizers) remainingByFinalizer.set(finalizer, (remainingByFinalizer.get(finalizer) ?? 0) + n)
      }
    }
    conditions.processContentTotals({ remainingByResource, remainingByFinalizer })
    // Always written: a condition that failed before and is fine now must say so.
    const status = { ...ns.status, conditions: structuredClone(ns.status?.conditions ?? []) }
    if (conditions.update(status.conditions)) {
      try {
        await this.#api.updateNamespaceStatus({ ...ns, status })
      } catch {
        // The next pass writes them again.
      }
    }
    if (errors.length > 0) throw new Error(errors.join('; '))
    return estimate
  }

  async #deleteAllContentFor(resource: DiscoveredResource, namespace: string, deletedAt: number): Promise<ResourceDeletion> {
    let estimate = 0
    if (resource.group === '' && resource.plural === 'pods') {
      estimate = await this.#estimateForPods(namespace)
      // A grace period already over needs no more waiting.
      if (this.#now() - deletedAt >= estimate * 1000) estimate = 0
    }
    const fail = (err: unknown, remaining = 0): never => {
      throw Object.assign(new Error(err instanceof Error ? err.message : String(err)), { partial: { estimateSeconds: estimate, remaining, finalizers: new Map() } })
    }
    const canList = resource.verbs.includes('list')
    let collectionDeleted = false
    if (resource.verbs.includes('deletecollection')) {
      try {
        await this.#api.deleteCollection(resource, namespace)
        collectionDeleted = true
      } catch (err) {
        if (!isMethodNotSupportedOrNotFound(err)) fail(err)
      }
    }
    if (!collectionDeleted && canList) {
      try {
        for (const item of await this.#api.list(resource, namespace)) await this.#api.delete(resource, namespace, item.metadata.name!)
      } catch (err) {
        if (!isMethodNotSupportedOrNotFound(err)) fail(err)
      }
    }
    if (!canList) return { estimateSeconds: estimate, remaining: 0, finalizers: new Map() }
    let items: KubeObject[]
    try {
      items = await this.#api.list(resource, namespace)
    } catch (err) {
      if (isMethodNotSupportedOrNotFound(err)) return { estimateSeconds: estimate, remaining: 0, finalizers: new Map() }
      return fail(err)
    }
    if (items.length === 0) return { estimateSeconds: 0, remaining: 0, finalizers: new Map() }
    const finalizers = new Map<string, number>()
    for (const item of items) for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1)
    if (estimate > 0) return { estimateSeconds: estimate, remaining: items.length, finalizers }
    // Finalizers are normal: give whoever owns them time to finish.
    if (finalizers.size > 0) return { estimateSeconds: finalizerEstimateSeconds, remaining: items.length, finalizers }
    throw Object.assign(new Error(`unexpected items still remain in namespace: ${namespace} for gvr: {${resource.group} ${resource.version} ${resource.plural}}`), {
      partial: { estimateSeconds: estimate, remaining: items.length, finalizers },
    })
  }

  /** The longest grace period of a pod still running: how long kubelets may take to stop them. */
  async #estimateForPods(namespace: string): Promise<number> {
    const pods = await this.#api.list({ group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod', verbs: [], preferred: true }, namespace)
    let estimate = 0
    for (const pod of pods) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase
      if (phase === 'Succeeded' || phase === 'Failed') continue
      const grace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds
      if (grace !== undefined && grace > estimate) estimate = grace
    }
    return estimate
  }

  async #markTerminating(ns: Namespace): Promise<Namespace> {
    if (!ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return ns
    return this.#api.updateNamespaceStatus({ ...ns, status: { ...ns.status, phase: 'Terminating' } })
  }

  /** Runs fn, and on Conflict again with a fresh copy; undefined once the namespace is gone. */
  async #retryOnConflict(ns: Namespace, fn: (ns: Namespace) => Promise<Namespace>): Promise<Namespace | undefined> {
    let current = ns
    for (;;) {
      try {
        return await fn(current)
      } catch (err) {
        if (isNotFound(err)) return undefined
        if (!isConflict(err)) throw err
      }
      const latest = await this.#api.getNamespace(current.metadata.name!)
      if (!latest) return undefined
      if (latest.metadata.uid !== current.metadata.uid) throw new Error('namespace uid has changed across retries')
      current = latest
    }
  }
}

function isMethodNotSupportedOrNotFound(err: unknown): boolean {
  return isNotFound(err) || (err as ClientStatusError | undefined)?.code === 405
}

/** The NamespaceDeleterApi over the shared client. */
export function clientNamespaceDeleterApi(client: Pick<Client, 'namespaces' | 'resource' | 'transport'>): NamespaceDeleterApi {
  const handle = (r: DiscoveredResource, namespace: string) =>
    client.resource({ group: r.group, version: r.version, plural: r.plural, namespaced: true }).namespace(namespace)
  return {
    async getNamespace(name) {
      try {
        return await client.namespaces.get(name) as Namespace
      } catch (err) {
        if (isNotFound(err)) return undefined
        throw err
      }
    },
    updateNamespaceStatus: (ns) => client.namespaces.updateStatus(ns) as Promise<Namespace>,
    finalizeNamespace: (ns) => client.namespaces.subresource('finalize').update<Namespace>(ns.metadata.name!, ns),
    discover: () => discoverResources(client.transport),
    async deleteCollection(r, namespace) {
      await handle(r, namespace).deleteCollection({ propagationPolicy: 'Background' })
    },
    async list(r, namespace) {
      return (await handle(r, namespace).list({ allPages: true, limit: 500 })).items
    },
    async delete(r, namespace, name) {
      try {
        await handle(r, namespace).delete(name, { propagationPolicy: 'Background' })
      } catch (err) {
        if (!isNotFound(err)) throw err
      }
    },
  }
}
