// ControllerRevision writes (upstream's history.realHistory): create with
// collision handling, renumber, delete.
import { isAlreadyExists, isConflict, isNotFound, type ResourceClient } from '../../../shared/client/index.ts'
import { canonicalJson, controllerRevisionName, hashControllerRevision, type ControllerRevision } from './controller-revision.ts'

export class RevisionHistory {
  readonly #client: ResourceClient<ControllerRevision>

  /** client: controllerrevisions scoped to the parent's namespace. */
  constructor(client: ResourceClient<ControllerRevision>) {
    this.#client = client
  }

  /**
   * Creates revision named `<parent>-<hash(data, collisionCount)>`. When the
   * name is taken by a revision with the same data, that one is returned;
   * by other data, collisionCount goes up and the next name is tried.
   * Returns the revision and the collision count finally used.
   */
  async create(parentName: string, revision: ControllerRevision, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number }> {
    for (let count = collisionCount; ; count++) {
      const name = controllerRevisionName(parentName, hashControllerRevision(revision.data, count))
      const clone: ControllerRevision = { ...structuredClone(revision), metadata: { ...structuredClone(revision.metadata), name } }
      try {
        return { revision: await this.#client.create(clone), collisionCount: count }
      } catch (err) {
        if (!isAlreadyExists(err)) throw err
        const existing = await this.#client.get(name)
        if (canonicalJson(existing.data) === canonicalJson(clone.data)) return { revision: existing, collisionCount: count }
      }
    }
  }

  /** Sets revision.revision, retrying on conflict against a fresh copy. */
  async updateRevisionNumber(revision: ControllerRevision, newRevision: number): Promise<ControllerRevision> {
    let current = revision
    for (let attempt = 0; ; attempt++) {
      if (current.revision === newRevision) return current
      try {
        return await this.#client.update({ ...current, revision: newRevision })
      } catch (err) {
        if (!isConflict(err) || attempt >= 4) throw err
        current = await this.#client.get(current.metadata.name ?? '')
      }
    }
  }

  async delete(revision: ControllerRevision): Promise<void> {
    try {
      await this.#client.delete(revision.metadata.name ?? '', { preconditions: { uid: revision.metadata.uid } })
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
  }
}
