// The garbage collector's picture of the cluster: one node per object uid,
// with edges from each owner to its dependents, taken from ownerReferences.
//
// A node is "virtual" while it is known only because something names it as
// an owner; the informers have not shown it yet. Its identity (apiVersion,
// kind, name, namespace) is then only what the first dependent said, and the
// collector must ask the apiserver whether it exists.
import type { OwnerReference } from '../../../shared/api-types.ts'

/** An object's coordinates: an ownerReference plus the namespace it lives in ('' when cluster-scoped). */
export interface ObjectIdentity {
  apiVersion: string
  kind: string
  name: string
  uid: string
  namespace: string
}

export class GraphNode {
  identity: ObjectIdentity
  /** The object's ownerReferences as last observed. */
  owners: OwnerReference[]
  readonly dependents = new Set<GraphNode>()
  /** Known only from a dependent's ownerReference, not yet seen by an informer. */
  virtual: boolean
  /** Has a deletionTimestamp. */
  beingDeleted: boolean
  /** Has a deletionTimestamp and the foregroundDeletion finalizer: waits for its dependents. */
  deletingDependents: boolean

  constructor(identity: ObjectIdentity, options: { owners?: OwnerReference[]; virtual?: boolean; beingDeleted?: boolean; deletingDependents?: boolean } = {}) {
    this.identity = identity
    this.owners = options.owners ?? []
    this.virtual = options.virtual ?? false
    this.beingDeleted = options.beingDeleted ?? false
    this.deletingDependents = options.deletingDependents ?? false
  }

  /** Dependents whose reference to this node has blockOwnerDeletion: true; foreground deletion waits for them. */
  blockingDependents(): GraphNode[] {
    const uid = this.identity.uid
    return [...this.dependents].filter((dep) => dep.owners.some((ref) => ref.uid === uid && ref.blockOwnerDeletion === true))
  }

  toString(): string {
    const { apiVersion, kind, namespace, name, uid } = this.identity
    return `[${apiVersion}/${kind}, namespace: ${namespace}, name: ${name}, uid: ${uid}]`
  }
}

export function sameIdentity(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.uid === b.uid && a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace
}

/** Whether ref names the same object as identity's coordinates (namespace aside). */
export function referenceMatches(ref: OwnerReference, identity: ObjectIdentity): boolean {
  return ref.uid === identity.uid && ref.apiVersion === identity.apiVersion && ref.kind === identity.kind && ref.name === identity.name
}

/** A key for maps and sets of identities. */
export function identityKey(id: ObjectIdentity): string {
  return JSON.stringify([id.apiVersion, id.kind, id.namespace, id.name, id.uid])
}

export function identityFromReference(ref: OwnerReference, namespace: string): ObjectIdentity {
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace }
}

/**
 * Splits dependents by whether they refer to their owner with `identity`'s
 * coordinates: a namespaced owner must be in the dependent's own namespace.
 */
export function partitionDependents(dependents: Iterable<GraphNode>, identity: ObjectIdentity): { matching: GraphNode[]; nonMatching: GraphNode[] } {
  const matching: GraphNode[] = []
  const nonMatching: GraphNode[] = []
  for (const dep of dependents) {
    let found = false
    for (const ref of dep.owners) {
      if (ref.uid !== identity.uid) continue
      found = true
      const namespaceOk = identity.namespace === '' || identity.namespace === dep.identity.namespace
      if (namespaceOk && referenceMatches(ref, identity)) matching.push(dep)
      else nonMatching.push(dep)
      break
    }
    if (!found) nonMatching.push(dep)
  }
  return { matching, nonMatching }
}

/** The uid → node map. Only the graph builder writes it. */
export class DependencyGraph {
  readonly #nodes = new Map<string, GraphNode>()

  get(uid: string): GraphNode | undefined {
    return this.#nodes.get(uid)
  }

  set(node: GraphNode): void {
    this.#nodes.set(node.identity.uid, node)
  }

  delete(uid: string): void {
    this.#nodes.delete(uid)
  }

  get size(): number {
    return this.#nodes.size
  }

  nodes(): IterableIterator<GraphNode> {
    return this.#nodes.values()
  }
}
