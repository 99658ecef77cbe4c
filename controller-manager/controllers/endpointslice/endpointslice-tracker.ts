// What this controller last wrote to each EndpointSlice (upstream's
// EndpointSliceTracker): the generation of every slice it created or
// updated, and the slices it deleted. The informer cache may trail those
// writes; a sync working from such a cache would create slices twice or
// undo its own updates, so it waits instead (staleSlices). Slice events
// that only echo our own writes need no sync (shouldSync).
import type { EndpointSlice } from './endpointslice-types.ts'
import { serviceNameLabel } from './endpointslice-types.ts'

const deletionExpected = -1

function serviceKeyOf(slice: EndpointSlice): string {
  return `${slice.metadata.namespace}/${slice.metadata.labels?.[serviceNameLabel] ?? ''}`
}

export class EndpointSliceTracker {
  /** Service key → slice uid → generation written, or deletionExpected. */
  readonly #byService = new Map<string, Map<string, number>>()

  #generations(slice: EndpointSlice, create: boolean): Map<string, number> | undefined {
    const key = serviceKeyOf(slice)
    let gens = this.#byService.get(key)
    if (!gens && create) this.#byService.set(key, (gens = new Map()))
    return gens
  }

  has(slice: EndpointSlice): boolean {
    return this.#generations(slice, false)?.has(slice.metadata.uid ?? '') ?? false
  }

  /** False when the slice is at (or behind) the generation we wrote: the event is our own write coming back. */
  shouldSync(slice: EndpointSlice): boolean {
    const g = this.#generations(slice, false)?.get(slice.metadata.uid ?? '')
    return g === undefined || (slice.metadata.generation ?? 0) > g
  }

  /**
   * True when the given slices (the cache's, for one Service) are older than
   * what we wrote: a slice behind our generation, one we deleted still there
   * (and not already terminating), or one we wrote not there yet.
   */
  staleSlices(serviceKey: string, slices: readonly EndpointSlice[]): boolean {
    const gens = this.#byService.get(serviceKey)
    if (!gens) return false
    const provided = new Set<string>()
    for (const slice of slices) {
      const uid = slice.metadata.uid ?? ''
      provided.add(uid)
      const g = gens.get(uid)
      if (g === undefined) continue
      if (g === deletionExpected ? !slice.metadata.deletionTimestamp : g > (slice.metadata.generation ?? 0)) return true
    }
    for (const [uid, g] of gens) if (g !== deletionExpected && !provided.has(uid)) return true
    return false
  }

  /** Records a slice as the API returned it after our create or update. */
  update(slice: EndpointSlice): void {
    this.#generations(slice, true)!.set(slice.metadata.uid ?? '', slice.metadata.generation ?? 0)
  }

  expectDeletion(slice: EndpointSlice): void {
    this.#generations(slice, true)!.set(slice.metadata.uid ?? '', deletionExpected)
  }

  /** Forgets a deleted slice; true when we did not delete it ourselves (so the Service needs a sync). */
  handleDeletion(slice: EndpointSlice): boolean {
    const gens = this.#generations(slice, false)
    const uid = slice.metadata.uid ?? ''
    const g = gens?.get(uid)
    if (g === undefined) return true
    gens!.delete(uid)
    return g !== deletionExpected
  }

  deleteService(namespace: string, name: string): void {
    this.#byService.delete(`${namespace}/${name}`)
  }
}
