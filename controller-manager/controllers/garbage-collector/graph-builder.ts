// Keeps the dependency graph in step with the informers and decides what the
// collector must look at (upstream's GraphBuilder.processGraphChanges):
//
// - an object appears or changes: (re)link it to its owners; an owner nobody
//   has seen becomes a virtual node, queued so its existence is checked;
// - an owner starts deleting with the `orphan` finalizer: queue it for
//   orphaning; with `foregroundDeletion`: mark it, queue it and its dependents;
// - an object goes away: unlink it, queue its dependents (their owner may now
//   be gone) and any owner waiting in foreground for it;
// - a blocking reference is removed or unblocked: queue the owner, which may
//   have been waiting on it.
//
// Events are applied synchronously, in the order they arrive; JavaScript's
// single thread plays the part of upstream's single graphChanges worker.
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import type { AbsentOwnerCache } from './absent-owner-cache.ts'
import {
  DependencyGraph, GraphNode, identityFromReference, identityKey, partitionDependents, referenceMatches, sameIdentity,
  type ObjectIdentity,
} from './graph.ts'

export const orphanFinalizer = 'orphan'
export const foregroundFinalizer = 'foregroundDeletion'

export interface GraphEvent {
  type: 'add' | 'update' | 'delete'
  object: KubeObject
  /** The previous state, for updates. */
  oldObject?: KubeObject
  /** The apiVersion and kind of the informer the event came from. */
  apiVersion: string
  kind: string
  /** Made up by the collector after a GET found the object gone, not seen by an informer. */
  virtual?: boolean
}

/** Where the builder sends work. Each call must return at once. */
export interface GraphBuilderSinks {
  attemptToDelete(node: GraphNode, options?: { rateLimited?: boolean }): void
  attemptToOrphan(node: GraphNode): void
  /** A dependent names a namespaced owner that lives in another namespace. */
  invalidNamespaceOwnerRef(dependent: GraphNode, ref: OwnerReference): void
}

export class GraphBuilder {
  readonly graph: DependencyGraph
  readonly #absent: AbsentOwnerCache
  readonly #sinks: GraphBuilderSinks

  constructor(options: { graph?: DependencyGraph; absentOwners: AbsentOwnerCache; sinks: GraphBuilderSinks }) {
    this.graph = options.graph ?? new DependencyGraph()
    this.#absent = options.absentOwners
    this.#sinks = options.sinks
  }

  /** After a GET found the object missing: remove the node as if an informer had seen it deleted. */
  enqueueVirtualDelete(identity: ObjectIdentity): void {
    this.process({
      type: 'delete', virtual: true, apiVersion: identity.apiVersion, kind: identity.kind,
      object: { apiVersion: identity.apiVersion, kind: identity.kind, metadata: { name: identity.name, namespace: identity.namespace || undefined, uid: identity.uid } },
    })
  }

  process(event: GraphEvent): void {
    const meta = event.object.metadata
    const uid = meta.uid
    if (!uid) return
    let existing = this.graph.get(uid)
    if (existing && !event.virtual && existing.virtual) existing = this.#observe(existing, identityFromEvent(event))

    if (event.type !== 'delete') {
      const owners = meta.ownerReferences ?? []
      const beingDeleted = !!meta.deletionTimestamp
      if (!existing) {
        const node = new GraphNode(identityFromEvent(event), {
          owners, beingDeleted, deletingDependents: beingDeleted && hasFinalizer(event.object, foregroundFinalizer),
        })
        this.graph.set(node)
        this.#addDependentToOwners(node, owners)
        this.#processTransitions(event.oldObject, event.object, node)
        return
      }
      const { added, removed, changed } = referencesDiff(existing.owners, owners)
      if (added.length + removed.length + changed.length > 0) {
        this.#queueUnblockedOwners(removed, changed)
        existing.owners = owners
        this.#addDependentToOwners(existing, added)
        this.#removeDependentFromOwners(existing, removed)
      }
      if (beingDeleted) existing.beingDeleted = true
      this.#processTransitions(event.oldObject, event.object, existing)
      return
    }

    if (!existing) return
    if (event.virtual && !this.#virtualDeleteRemoves(existing, identityFromEvent(event))) return
    this.#removeNode(existing)
    if (existing.dependents.size > 0) this.#absent.add(existing.identity)
    for (const dep of existing.dependents) this.#sinks.attemptToDelete(dep)
    // An owner waiting in foreground for this object may now be free to go.
    for (const ref of existing.owners) {
      const owner = this.graph.get(ref.uid)
      if (owner?.deletingDependents) this.#sinks.attemptToDelete(owner)
    }
  }

  /** A virtual node is now seen by an informer: take the observed identity and recheck dependents that named it otherwise. */
  #observe(node: GraphNode, observed: ObjectIdentity): GraphNode {
    if (!sameIdentity(node.identity, observed)) {
      const { nonMatching } = partitionDependents(node.dependents, observed)
      for (const dep of nonMatching) {
        if (observed.namespace && dep.identity.namespace !== observed.namespace) this.#reportInvalidNamespace(dep, observed.uid)
        this.#sinks.attemptToDelete(dep)
      }
      node.identity = observed
    }
    node.virtual = false
    return node
  }

  /**
   * Decides what a virtual delete (a GET found `deleted` absent) does to the
   * node with that uid. Dependents may disagree on the owner's coordinates;
   * only those that named the absent coordinates lose their owner.
   */
  #virtualDeleteRemoves(existing: GraphNode, deleted: ObjectIdentity): boolean {
    const { matching, nonMatching } = partitionDependents(existing.dependents, deleted)
    if (existing.virtual) {
      if (nonMatching.length === 0) return true
      if (matching.length > 0) {
        this.#absent.add(deleted)
        for (const dep of matching) this.#sinks.attemptToDelete(dep)
      }
      if (sameIdentity(existing.identity, deleted)) {
        const replacement = alternateOwnerIdentity(nonMatching, deleted)
        if (replacement) {
          existing.identity = replacement
          this.#sinks.attemptToDelete(existing, { rateLimited: true })
        }
      }
      return false
    }
    if (sameIdentity(existing.identity, deleted)) return true
    // The real object exists under other coordinates; only the dependents that named the absent ones are affected.
    if (matching.length > 0) {
      this.#absent.add(deleted)
      for (const dep of matching) this.#sinks.attemptToDelete(dep)
    }
    return false
  }

  #addDependentToOwners(node: GraphNode, owners: readonly OwnerReference[]): void {
    let potentiallyInvalid = false
    for (const ref of owners) {
      let owner = this.graph.get(ref.uid)
      if (!owner) {
        owner = new GraphNode(identityFromReference(ref, node.identity.namespace), { virtual: true })
        this.graph.set(owner)
        owner.dependents.add(node)
        // The collector GETs it: a virtual delete removes it if it does not exist.
        this.#sinks.attemptToDelete(owner)
        continue
      }
      owner.dependents.add(node)
      if (potentiallyInvalid) continue
      const ownerNamespaced = owner.identity.namespace !== ''
      if (ownerNamespaced && owner.identity.namespace !== node.identity.namespace) {
        if (!owner.virtual) this.#reportInvalidNamespace(node, ref.uid)
        potentiallyInvalid = true
      } else if (!referenceMatches(ref, owner.identity)) {
        potentiallyInvalid = true
      } else if (!ownerNamespaced && owner.identity.namespace !== node.identity.namespace && owner.virtual) {
        // A virtual cluster-scoped owner named from another namespace may really be a namespaced kind.
        potentiallyInvalid = true
      }
    }
    if (potentiallyInvalid) this.#sinks.attemptToDelete(node)
  }

  #removeDependentFromOwners(node: GraphNode, owners: readonly OwnerReference[]): void {
    for (const ref of owners) this.graph.get(ref.uid)?.dependents.delete(node)
  }

  #removeNode(node: GraphNode): void {
    this.graph.delete(node.identity.uid)
    this.#removeDependentFromOwners(node, node.owners)
  }

  #queueUnblockedOwners(removed: OwnerReference[], changed: Array<{ oldRef: OwnerReference; newRef: OwnerReference }>): void {
    for (const ref of removed) {
      if (ref.blockOwnerDeletion !== true) continue
      const owner = this.graph.get(ref.uid)
      if (owner) this.#sinks.attemptToDelete(owner)
    }
    for (const { oldRef, newRef } of changed) {
      if (oldRef.blockOwnerDeletion !== true || newRef.blockOwnerDeletion === true) continue
      const owner = this.graph.get(newRef.uid)
      if (owner) this.#sinks.attemptToDelete(owner)
    }
  }

  #processTransitions(oldObject: KubeObject | undefined, object: KubeObject, node: GraphNode): void {
    if (deletionStartsWithFinalizer(oldObject, object, orphanFinalizer)) {
      this.#sinks.attemptToOrphan(node)
      return
    }
    if (deletionStartsWithFinalizer(oldObject, object, foregroundFinalizer)) {
      // A node first made virtual never had the flag set: set it here.
      node.deletingDependents = true
      for (const dep of node.dependents) this.#sinks.attemptToDelete(dep)
      this.#sinks.attemptToDelete(node)
    }
  }

  #reportInvalidNamespace(dependent: GraphNode, ownerUid: string): void {
    const ref = dependent.owners.find((r) => r.uid === ownerUid)
    if (ref) this.#sinks.invalidNamespaceOwnerRef(dependent, ref)
  }
}

function identityFromEvent(event: GraphEvent): ObjectIdentity {
  const meta = event.object.metadata
  return { apiVersion: event.apiVersion, kind: event.kind, name: meta.name ?? '', uid: meta.uid ?? '', namespace: meta.namespace ?? '' }
}

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false
}

/** True when `object` is being deleted with `finalizer` and `oldObject` was not (or had no such finalizer). */
export function deletionStartsWithFinalizer(oldObject: KubeObject | undefined, object: KubeObject, finalizer: string): boolean {
  if (!object.metadata.deletionTimestamp || !hasFinalizer(object, finalizer)) return false
  if (!oldObject) return true
  return !oldObject.metadata.deletionTimestamp || !hasFinalizer(oldObject, finalizer)
}

/** ownerReferences added, removed and changed (same uid, other fields), by uid. */
export function referencesDiff(oldRefs: readonly OwnerReference[], newRefs: readonly OwnerReference[]): {
  added: OwnerReference[]; removed: OwnerReference[]; changed: Array<{ oldRef: OwnerReference; newRef: OwnerReference }>
} {
  const oldByUid = new Map(oldRefs.map((ref) => [ref.uid, ref]))
  const added: OwnerReference[] = []
  const changed: Array<{ oldRef: OwnerReference; newRef: OwnerReference }> = []
  for (const ref of newRefs) {
    const old = oldByUid.get(ref.uid)
    if (!old) {
      added.push(ref)
      continue
    }
    oldByUid.delete(ref.uid)
    if (!sameReference(old, ref)) changed.push({ oldRef: old, newRef: ref })
  }
  return { added, removed: [...oldByUid.values()], changed }
}

function sameReference(a: OwnerReference, b: OwnerReference): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.uid === b.uid &&
    (a.controller ?? null) === (b.controller ?? null) && (a.blockOwnerDeletion ?? null) === (b.blockOwnerDeletion ?? null)
}

/**
 * Another identity the dependents give the same uid, once `absent` is known
 * not to exist: the first in a stable order after `absent`, else the first
 * overall, so repeated virtual deletes walk through every candidate once.
 */
function alternateOwnerIdentity(dependents: readonly GraphNode[], absent: ObjectIdentity): ObjectIdentity | undefined {
  const absentKey = identityKey(absent)
  let first: ObjectIdentity | undefined
  let firstAfter: ObjectIdentity | undefined
  for (const dep of dependents) {
    for (const ref of dep.owners) {
      if (ref.uid !== absent.uid) continue
      const candidate = identityFromReference(ref, dep.identity.namespace)
      const key = identityKey(candidate)
      if (key === absentKey) continue
      if (!first || key < identityKey(first)) first = candidate
      if (key > absentKey && (!firstAfter || key < identityKey(firstAfter))) firstAfter = candidate
    }
  }
  return firstAfter ?? first
}
