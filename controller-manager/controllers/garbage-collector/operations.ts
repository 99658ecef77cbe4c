// The collector's writes and live reads, addressed by an object's identity
// (upstream's operations.go). Everything the collector decides is checked
// against a fresh GET and guarded by preconditions: the graph may lag, the
// apiserver is the truth.
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import { isConflict, isNotFound, type Client, type ResourceClient } from '../../../shared/client/index.ts'
import type { RestMapper } from './api-discovery.ts'
import type { ObjectIdentity } from './graph.ts'

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground'

/** The reference names a kind discovery has not (yet) shown; retried after the next discovery. */
export class RestMappingError extends Error {
  constructor(apiVersion: string, kind: string) {
    super(`unable to get REST mapping for ${apiVersion}/${kind}`)
    this.name = 'RestMappingError'
  }
}

/** What the collector needs of the apiserver; tests pass an in-memory one. */
export interface GarbageCollectorApi {
  /** Whether apiVersion/kind is namespaced; throws RestMappingError when unknown. */
  isNamespaced(apiVersion: string, kind: string): boolean
  /** The live object at identity's coordinates, or undefined when there is none. Throws RestMappingError. */
  get(identity: ObjectIdentity): Promise<KubeObject | undefined>
  /** DELETE with uid and resourceVersion preconditions; false when the object was not found. */
  delete(identity: ObjectIdentity, options: { resourceVersion?: string; propagationPolicy: PropagationPolicy }): Promise<boolean>
  /** JSON merge patch of metadata; a stale metadata.resourceVersion fails with a Conflict. Undefined when not found. */
  patchMetadata(identity: ObjectIdentity, metadata: Record<string, unknown>): Promise<KubeObject | undefined>
}

/** The GarbageCollectorApi over the shared client, resolving kinds with a discovery-fed RestMapper. */
export function clientGarbageCollectorApi(client: Pick<Client, 'resource'>, mapper: RestMapper): GarbageCollectorApi {
  const resourceFor = (identity: ObjectIdentity): ResourceClient => {
    const r = mapper.resourceFor(identity.apiVersion, identity.kind)
    if (!r) throw new RestMappingError(identity.apiVersion, identity.kind)
    const handle = client.resource({ group: r.group, version: r.version, plural: r.plural, namespaced: r.namespaced })
    return r.namespaced ? handle.namespace(identity.namespace) : handle
  }
  return {
    isNamespaced(apiVersion, kind) {
      const r = mapper.resourceFor(apiVersion, kind)
      if (!r) throw new RestMappingError(apiVersion, kind)
      return r.namespaced
    },
    async get(identity) {
      try {
        return await resourceFor(identity).get(identity.name)
      } catch (err) {
        if (isNotFound(err)) return undefined
        throw err
      }
    },
    async delete(identity, options) {
      try {
        await resourceFor(identity).delete(identity.name, {
          propagationPolicy: options.propagationPolicy,
          preconditions: { uid: identity.uid, resourceVersion: options.resourceVersion },
        })
        return true
      } catch (err) {
        if (isNotFound(err)) return false
        throw err
      }
    },
    async patchMetadata(identity, metadata) {
      try {
        return await resourceFor(identity).patch(identity.name, { metadata }, 'merge')
      } catch (err) {
        if (isNotFound(err)) return undefined
        throw err
      }
    },
  }
}

const conflictRetries = 5

/**
 * Read-modify-write of one object's metadata: `change` gets the live object
 * and returns the metadata fields to write, or undefined when nothing needs
 * to change. Retries on Conflict; a missing object or uid mismatch is done.
 */
export async function updateMetadata(
  api: GarbageCollectorApi,
  identity: ObjectIdentity,
  change: (latest: KubeObject) => Record<string, unknown> | undefined,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const latest = await api.get(identity)
    if (!latest || latest.metadata.uid !== identity.uid) return
    const fields = change(latest)
    if (!fields) return
    try {
      await api.patchMetadata(identity, { ...fields, resourceVersion: latest.metadata.resourceVersion })
      return
    } catch (err) {
      if (!isConflict(err) || attempt >= conflictRetries) throw err
    }
  }
}

/** Drops the references to `ownerUids` from the object's ownerReferences. */
export function removeOwnerReferences(api: GarbageCollectorApi, identity: ObjectIdentity, ownerUids: readonly string[]): Promise<void> {
  return updateMetadata(api, identity, (latest) => {
    const refs = latest.metadata.ownerReferences ?? []
    const kept = refs.filter((ref) => !ownerUids.includes(ref.uid))
    if (kept.length === refs.length) return undefined
    return { ownerReferences: kept.length > 0 ? kept : null }
  })
}

/** Sets blockOwnerDeletion: false on every reference that blocks. */
export function unblockOwnerReferences(api: GarbageCollectorApi, identity: ObjectIdentity): Promise<void> {
  return updateMetadata(api, identity, (latest) => {
    const refs = latest.metadata.ownerReferences ?? []
    if (!refs.some((ref) => ref.blockOwnerDeletion === true)) return undefined
    return { ownerReferences: refs.map((ref): OwnerReference => (ref.blockOwnerDeletion === true ? { ...ref, blockOwnerDeletion: false } : ref)) }
  })
}

/** Removes one finalizer; once none are left the apiserver completes the deletion. */
export function removeFinalizer(api: GarbageCollectorApi, identity: ObjectIdentity, finalizer: string): Promise<void> {
  return updateMetadata(api, identity, (latest) => {
    const finalizers = latest.metadata.finalizers ?? []
    if (!finalizers.includes(finalizer)) return undefined
    const kept = finalizers.filter((f) => f !== finalizer)
    return { finalizers: kept.length > 0 ? kept : null }
  })
}
