// Guarded writes: a caller names the state it read (resourceVersion) or the
// object it means (uid, which survives delete-and-recreate under one name),
// and the write fails with Conflict when the stored object is no longer that.
import type { Preconditions, StoredObject } from './store.ts'
import { StorageError } from './store.ts'

export function checkPreconditions(current: StoredObject, preconditions: Preconditions | undefined): void {
  if (preconditions === undefined) return
  const meta = current.object.metadata
  if (preconditions.uid !== undefined && preconditions.uid !== meta.uid) {
    throw new StorageError('Conflict', current.key, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${meta.uid ?? ''}`)
  }
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== meta.resourceVersion) {
    throw new StorageError(
      'Conflict',
      current.key,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
    )
  }
}
