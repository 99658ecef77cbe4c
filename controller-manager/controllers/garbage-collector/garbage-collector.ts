// The collector's decisions (upstream's garbagecollector.go). Two queues of
// node uids, fed by the graph builder:
//
// attemptToDelete — for each node, with the object's live state:
//   - gone, or its uid changed: remove the node (a virtual delete event);
//   - waiting in foreground for its dependents: once none blocks, drop the
//     foregroundDeletion finalizer, else queue the blocking ones;
//   - otherwise classify its owners by GET: solid (exists), dangling (gone),
//     waiting (deleting in foreground). With a solid owner only the other
//     references are removed; with a waiting owner and dependents of its own
//     it is deleted in foreground too; with no owner left it is deleted,
//     honouring an orphan or foreground finalizer it already carries.
// attemptToOrphan — for an owner deleting with the orphan finalizer: remove
//   its reference from every dependent, then the finalizer.
//
// Deletes carry uid and resourceVersion preconditions, so an object changed
// or re-created since the GET is looked at again instead of deleted.
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import { realClock, type Clock } from '../../../shared/clock.ts'
import type { Logger } from '../../../shared/logger.ts'
import { WorkQueue } from '../../../shared/work-queue.ts'
import { AbsentOwnerCache } from './absent-owner-cache.ts'
import { foregroundFinalizer, GraphBuilder, hasFinalizer, orphanFinalizer } from './graph-builder.ts'
import { identityFromReference, type GraphNode, type ObjectIdentity } from './graph.ts'
import {
  removeFinalizer, removeOwnerReferences, unblockOwnerReferences,
  type GarbageCollectorApi, type PropagationPolicy,
} from './operations.ts'

/** How one attemptToDelete pass ended, when it did not throw. */
export type AttemptOutcome =
  /** Nothing (more) to do for now. */
  | 'done'
  /** The object is gone; its node was removed from the graph. */
  | 'virtualDelete'
  /** A cluster-scoped object names a namespaced owner: retrying cannot help. */
  | 'invalidReference'

export interface GarbageCollectorOptions {
  api: GarbageCollectorApi
  log: Logger
  clock?: Clock
  /** Called for the OwnerRefInvalidNamespace warning; usually an EventRecorder. */
  warn?(object: KubeObject, reason: string, message: string): void
  /** Owners remembered as absent. @default 500 */
  absentOwnerCacheSize?: number
}

class NamespacedOwnerOfClusterScopedObjectError extends Error {}

interface ClassifiedReferences {
  solid: OwnerReference[]
  dangling: OwnerReference[]
  waitingForDependentsDeletion: OwnerReference[]
}

export class GarbageCollector {
  readonly builder: GraphBuilder
  readonly attemptToDelete: WorkQueue
  readonly attemptToOrphan: WorkQueue
  readonly absentOwners: AbsentOwnerCache
  readonly #api: GarbageCollectorApi
  readonly #log: Logger

  constructor(options: GarbageCollectorOptions) {
    const clock = options.clock ?? realClock
    this.#api = options.api
    this.#log = options.log
    this.absentOwners = new AbsentOwnerCache(options.absentOwnerCacheSize)
    this.attemptToDelete = new WorkQueue({ name: 'garbage_collector_attempt_to_delete', clock })
    this.attemptToOrphan = new WorkQueue({ name: 'garbage_collector_attempt_to_orphan', clock })
    this.builder = new GraphBuilder({
      absentOwners: this.absentOwners,
      sinks: {
        attemptToDelete: (node, opts) => {
          if (opts?.rateLimited) this.attemptToDelete.addRateLimited(node.identity.uid)
          else this.attemptToDelete.add(node.identity.uid)
        },
        attemptToOrphan: (node) => this.attemptToOrphan.add(node.identity.uid),
        invalidNamespaceOwnerRef: (dependent, ref) => {
          const owner = identityFromReference(ref, dependent.identity.namespace)
          options.warn?.(objectOf(dependent.identity), 'OwnerRefInvalidNamespace',
            `ownerRef [${owner.apiVersion}/${owner.kind}, namespace: ${owner.namespace}, name: ${owner.name}, uid: ${owner.uid}] does not exist in namespace "${owner.namespace}"`)
        },
      },
    })
  }

  /**
   * One attemptToDelete item: true means retry it with backoff. A node still
   * virtual after a successful pass is retried too, until an informer shows
   * it, so a virtual node cannot linger in the graph.
   */
  async processAttemptToDelete(uid: string): Promise<boolean> {
    const node = this.builder.graph.get(uid)
    if (!node) return false
    let outcome: AttemptOutcome
    try {
      outcome = await this.attemptToDeleteItem(node)
    } catch (err) {
      this.#log.warn({ err: String(err), item: node.toString() }, 'error syncing item')
      return true
    }
    if (outcome !== 'done') return false
    return this.builder.graph.get(uid)?.virtual ?? false
  }

  async attemptToDeleteItem(node: GraphNode): Promise<AttemptOutcome> {
    // Being deleted is a one-way trip: wait for the final delete, then look at the dependents.
    if (node.beingDeleted && !node.deletingDependents) return 'done'
    const latest = await this.#api.get(node.identity)
    if (!latest || latest.metadata.uid !== node.identity.uid) {
      this.builder.enqueueVirtualDelete(node.identity)
      return 'virtualDelete'
    }
    if (node.deletingDependents) {
      await this.#processDeletingDependents(node)
      return 'done'
    }
    const refs = latest.metadata.ownerReferences ?? []
    if (refs.length === 0) return 'done'

    let classified: ClassifiedReferences
    try {
      classified = await this.#classifyReferences(node, refs)
    } catch (err) {
      if (err instanceof NamespacedOwnerOfClusterScopedObjectError) return 'invalidReference'
      throw err
    }
    const { solid, dangling, waitingForDependentsDeletion: waiting } = classified
    this.#log.debug({ item: node.toString(), solid: solid.length, dangling: dangling.length, waiting: waiting.length }, 'classified owner references')

    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return 'done'
      // A reference to a waiting owner must go too, or that owner waits for this object forever.
      await removeOwnerReferences(this.#api, node.identity, [...dangling, ...waiting].map((ref) => ref.uid))
      return 'done'
    }
    if (waiting.length > 0 && node.dependents.size > 0) {
      for (const dep of node.dependents) {
        if (!dep.deletingDependents) continue
        // A dependent also waiting on its dependents may close a cycle through this object: stop blocking.
        this.#log.info({ item: node.toString(), dependent: dep.toString() }, 'unblocking owner references to avoid a foreground deletion cycle')
        await unblockOwnerReferences(this.#api, node.identity)
        break
      }
      return this.#delete(node, latest, 'Foreground')
    }
    const policy: PropagationPolicy = hasFinalizer(latest, orphanFinalizer) ? 'Orphan' : hasFinalizer(latest, foregroundFinalizer) ? 'Foreground' : 'Background'
    return this.#delete(node, latest, policy)
  }

  /** One attemptToOrphan item: true means retry it with backoff. */
  async processAttemptToOrphan(uid: string): Promise<boolean> {
    const owner = this.builder.graph.get(uid)
    if (!owner) return false
    const results = await Promise.allSettled([...owner.dependents].map((dep) => removeOwnerReferences(this.#api, dep.identity, [uid])))
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed.length > 0) {
      this.#log.warn({ owner: owner.toString(), errors: failed.map((r) => String(r.reason)) }, 'failed to orphan dependents')
      return true
    }
    try {
      await removeFinalizer(this.#api, owner.identity, orphanFinalizer)
    } catch (err) {
      this.#log.warn({ owner: owner.toString(), err: String(err) }, 'failed to remove the orphan finalizer')
      return true
    }
    return false
  }

  /** Runs `workers` workers on each queue until signal aborts. */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    const stop = () => {
      this.attemptToDelete.shutDown()
      this.attemptToOrphan.shutDown()
    }
    if (signal.aborted) stop()
    else signal.addEventListener('abort', stop, { once: true })
    await Promise.all([
      runQueue(this.attemptToDelete, workers, (uid) => this.processAttemptToDelete(uid)),
      runQueue(this.attemptToOrphan, workers, (uid) => this.processAttemptToOrphan(uid)),
    ])
  }

  async #delete(node: GraphNode, latest: KubeObject, policy: PropagationPolicy): Promise<AttemptOutcome> {
    this.#log.info({ item: node.toString(), propagationPolicy: policy }, 'deleting item')
    const found = await this.#api.delete(node.identity, { resourceVersion: latest.metadata.resourceVersion, propagationPolicy: policy })
    if (found) return 'done'
    this.builder.enqueueVirtualDelete(node.identity)
    return 'virtualDelete'
  }

  async #processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = node.blockingDependents()
    if (blocking.length === 0) {
      this.#log.info({ item: node.toString() }, 'removing the foregroundDeletion finalizer')
      await removeFinalizer(this.#api, node.identity, foregroundFinalizer)
      return
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep.identity.uid)
  }

  async #classifyReferences(node: GraphNode, refs: readonly OwnerReference[]): Promise<ClassifiedReferences> {
    const result: ClassifiedReferences = { solid: [], dangling: [], waitingForDependentsDeletion: [] }
    for (const ref of refs) {
      const owner = await this.#ownerOf(ref, node)
      if (!owner) result.dangling.push(ref)
      else if (owner.metadata.deletionTimestamp && hasFinalizer(owner, foregroundFinalizer)) result.waitingForDependentsDeletion.push(ref)
      else result.solid.push(ref)
    }
    return result
  }

  /** The live owner a reference names, or undefined when it is dangling (upstream's isDangling). */
  async #ownerOf(ref: OwnerReference, node: GraphNode): Promise<KubeObject | undefined> {
    const clusterIdentity = identityFromReference(ref, '')
    const namespacedIdentity = identityFromReference(ref, node.identity.namespace)
    if (this.absentOwners.has(clusterIdentity) || this.absentOwners.has(namespacedIdentity)) return undefined
    const namespaced = this.#api.isNamespaced(ref.apiVersion, ref.kind)
    if (namespaced && node.identity.namespace === '') {
      this.#log.info({ item: node.toString(), owner: ref.uid }, 'cluster-scoped item refers to a namespaced owner')
      throw new NamespacedOwnerOfClusterScopedObjectError()
    }
    // A namespaced dependent's namespaced owner can only be in its own namespace.
    const identity = namespaced ? namespacedIdentity : clusterIdentity
    const owner = await this.#api.get(identity)
    if (!owner || owner.metadata.uid !== ref.uid) {
      this.absentOwners.add(identity)
      return undefined
    }
    return owner
  }
}

function objectOf(identity: ObjectIdentity): KubeObject {
  return {
    apiVersion: identity.apiVersion, kind: identity.kind,
    metadata: { name: identity.name, namespace: identity.namespace || undefined, uid: identity.uid },
  }
}

/** n workers: get a uid, process it, then forget it or (on true or a throw) add it rate-limited; always done. */
async function runQueue(queue: WorkQueue, n: number, process: (uid: string) => Promise<boolean>): Promise<void> {
  const worker = async (): Promise<void> => {
    for (;;) {
      const uid = await queue.get()
      if (uid === undefined) return
      let retry: boolean
      try {
        retry = await process(uid)
      } catch {
        retry = true
      }
      if (retry) queue.addRateLimited(uid)
      else queue.forget(uid)
      queue.done(uid)
    }
  }
  await Promise.all(Array.from({ length: n }, worker))
}
