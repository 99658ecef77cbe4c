// Claiming objects for a controller (upstream's ControllerRefManager, shared
// by pods and ControllerRevisions): an object the owner controls stays
// claimed while it matches; one that no longer matches is released; a
// matching orphan is adopted. Writes are merge patches of ownerReferences
// carrying metadata.uid, so a re-created object of the same name is not
// touched. Upstream keeps this in pkg/controller/controller_ref_manager.go.
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import { isConflict, isInvalid, isNotFound, type ResourceClient } from '../../../shared/client/index.ts'
import { controllerOf, controllerRef } from '../../owner-refs.ts'

export interface ClaimOptions<T extends KubeObject> {
  /** The controller; apiVersion and kind must be set (the controllerRef is built from them). */
  owner: KubeObject
  objects: readonly T[]
  /** Whether the object belongs to the owner (selector, and for StatefulSets the name too). */
  matches(obj: T): boolean
  /** The namespaced client of the objects' resource. */
  client: ResourceClient<T>
  /** Extra condition for adopting (e.g. pods: not terminal). @default every object */
  adoptable?(obj: T): boolean
}

/** The objects the owner controls after adopting and releasing. */
export async function claimObjects<T extends KubeObject>(options: ClaimOptions<T>): Promise<T[]> {
  const { owner, client } = options
  const uid = owner.metadata.uid
  const claimed: T[] = []
  for (const obj of options.objects) {
    const ref = controllerOf(obj)
    if (ref) {
      if (ref.uid !== uid) continue
      if (options.matches(obj)) claimed.push(obj)
      else if (!obj.metadata.deletionTimestamp && !owner.metadata.deletionTimestamp) {
        await patchOwners(client, obj, (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid))
      }
      continue
    }
    // An orphan: adopt it unless the owner is going away (upstream rechecks that with a fresh read).
    if (owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) continue
    if (!options.matches(obj) || (options.adoptable && !options.adoptable(obj))) continue
    const adopted = await patchOwners(client, obj, [...(obj.metadata.ownerReferences ?? []), controllerRef(owner)])
    if (adopted) claimed.push(adopted)
  }
  return claimed
}

async function patchOwners<T extends KubeObject>(client: ResourceClient<T>, obj: T, ownerReferences: OwnerReference[]): Promise<T | undefined> {
  try {
    return await client.patch(obj.metadata.name ?? '', { metadata: { uid: obj.metadata.uid, ownerReferences } }, 'merge')
  } catch (err) {
    // Gone, changed or re-created: the informer's next event brings the truth.
    if (isNotFound(err) || isConflict(err) || isInvalid(err)) return undefined
    throw err
  }
}
