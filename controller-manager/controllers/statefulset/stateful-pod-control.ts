// StatefulPodOps against the API (upstream's StatefulPodControl): claims
// before pods, and Events worded as upstream words them, e.g.
// SuccessfulCreate "create Pod web-0 in StatefulSet web successful".
import type { KubeObject } from '../../../shared/api-types.ts'
import { isAlreadyExists, isConflict, isNotFound, type Client, type ResourceClient } from '../../../shared/client/index.ts'
import type { Pod } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import { retentionOwnerRefs } from './claim-retention.ts'
import { identityMatches, persistentVolumeClaims, storageMatches, updateIdentity, updateStorage, type PersistentVolumeClaim } from './stateful-pod.ts'
import type { StatefulPodOps } from './stateful-set-control.ts'
import type { StatefulSet } from './statefulset-types.ts'

export const persistentVolumeClaimDescriptor = { group: '', version: 'v1', plural: 'persistentvolumeclaims', namespaced: true } as const

const title = (verb: string) => verb[0].toUpperCase() + verb.slice(1)

export class StatefulPodControl implements StatefulPodOps {
  readonly #client: Client
  readonly #claims: Informer<PersistentVolumeClaim & KubeObject>
  readonly #recorder: Pick<EventRecorder, 'event'>

  constructor(client: Client, claims: Informer<PersistentVolumeClaim & KubeObject>, recorder: Pick<EventRecorder, 'event'>) {
    this.#client = client
    this.#claims = claims
    this.#recorder = recorder
  }

  event(set: StatefulSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#recorder.event(set, type, reason, message)
  }

  #podEvent(verb: string, set: StatefulSet, pod: Pod, err?: unknown): void {
    if (err === undefined) this.#recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`)
    else this.#recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`)
  }

  #claimEvent(verb: string, set: StatefulSet, pod: Pod, claim: PersistentVolumeClaim, err?: unknown): void {
    if (err === undefined) this.#recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`)
    else this.#recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`)
  }

  #pods(set: StatefulSet): ResourceClient<Pod> {
    return this.#client.pods.namespace(set.metadata.namespace ?? 'default') as ResourceClient<Pod>
  }

  #claimClient(set: StatefulSet): ResourceClient<PersistentVolumeClaim & KubeObject> {
    return this.#client.resource<PersistentVolumeClaim & KubeObject>(persistentVolumeClaimDescriptor).namespace(set.metadata.namespace ?? 'default')
  }

  async createMissingClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errors: string[] = []
    for (const claim of persistentVolumeClaims(set, pod).values()) {
      const existing = this.#claims.get(`${claim.metadata.namespace}/${claim.metadata.name}`)
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`)
        continue
      }
      try {
        await this.#claimClient(set).create(claim as PersistentVolumeClaim & KubeObject)
        this.#claimEvent('create', set, pod, claim)
      } catch (err) {
        if (isAlreadyExists(err)) continue
        errors.push(`failed to create PVC ${claim.metadata.name}: ${(err as Error).message}`)
        this.#claimEvent('create', set, pod, claim, err)
      }
    }
    if (errors.length > 0) throw new Error(errors.join('; '))
  }

  async createPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.createMissingClaims(set, pod)
    } catch (err) {
      this.#podEvent('create', set, pod, err)
      throw err
    }
    try {
      await this.#pods(set).create(pod)
    } catch (err) {
      // Already there: the cache is behind, not a failure worth an Event.
      if (!isAlreadyExists(err)) this.#podEvent('create', set, pod, err)
      throw err
    }
    this.#podEvent('create', set, pod)
    await this.updateClaimsForRetentionPolicy(set, pod)
  }

  async updatePod(set: StatefulSet, pod: Pod): Promise<void> {
    let current = pod
    for (let attempt = 0; ; attempt++) {
      let dirty = false
      if (!identityMatches(set, current)) {
        updateIdentity(set, current)
        dirty = true
      }
      if (!storageMatches(set, current)) {
        updateStorage(set, current)
        dirty = true
        await this.createMissingClaims(set, current)
      }
      if (!this.claimsMatchRetentionPolicy(set, current)) await this.updateClaimsForRetentionPolicy(set, current)
      if (!dirty) return
      try {
        await this.#pods(set).update(current)
        this.#podEvent('update', set, current)
        return
      } catch (err) {
        if (!isConflict(err) || attempt >= 4) {
          this.#podEvent('update', set, current, err)
          throw err
        }
        current = await this.#pods(set).get(current.metadata.name ?? '')
      }
    }
  }

  async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.#pods(set).delete(pod.metadata.name ?? '')
    } catch (err) {
      if (isNotFound(err)) return
      this.#podEvent('delete', set, pod, err)
      throw err
    }
    this.#podEvent('delete', set, pod)
  }

  claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean {
    for (const claim of persistentVolumeClaims(set, pod).values()) {
      const existing = this.#claims.get(`${claim.metadata.namespace}/${claim.metadata.name}`)
      if (existing && retentionOwnerRefs(existing, set, pod) !== undefined) return false
    }
    return true
  }

  async updateClaimsForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<void> {
    const owner = { ...set, apiVersion: 'apps/v1', kind: 'StatefulSet' }
    for (const claim of persistentVolumeClaims(set, pod).values()) {
      const existing = this.#claims.get(`${claim.metadata.namespace}/${claim.metadata.name}`)
      if (!existing) continue
      const refs = retentionOwnerRefs(existing, owner, pod)
      if (refs === undefined) continue
      try {
        await this.#claimClient(set).patch(claim.metadata.name, { metadata: { uid: existing.metadata.uid, ownerReferences: refs } }, 'merge')
      } catch (err) {
        if (isNotFound(err)) continue
        this.#claimEvent('update', set, pod, claim, err)
        throw err
      }
    }
  }
}
