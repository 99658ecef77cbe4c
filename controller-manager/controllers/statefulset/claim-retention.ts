// persistentVolumeClaimRetentionPolicy as owner references (upstream's
// updateClaimOwnerRefForSetAndPod): whenDeleted=Delete makes the StatefulSet
// the claim's controller, whenScaled=Delete makes the pod its controller once
// the pod's ordinal falls outside the wanted range. The garbage collector then
// deletes the claim with its owner. Retain on both leaves claims unowned.
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import type { Pod } from '../../../shared/core-types.ts'
import { podInOrdinalRange, type PersistentVolumeClaim } from './stateful-pod.ts'
import type { StatefulSet } from './statefulset-types.ts'

function refTo(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }
}

function refersTo(ref: OwnerReference, owner: KubeObject, kind: string): boolean {
  return ref.kind === kind && ref.name === owner.metadata.name && (!owner.metadata.uid || ref.uid === owner.metadata.uid)
}

/** The claim's owner references as the policy wants them; undefined when they need no change. */
export function retentionOwnerRefs(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): OwnerReference[] | undefined {
  const refs = claim.metadata.ownerReferences ?? []
  const ours = (ref: OwnerReference) => refersTo(ref, set, 'StatefulSet') || refersTo(ref, pod, 'Pod')
  const kept = refs.filter((ref) => !ours(ref))
  // Someone else controls the claim: only drop our references.
  const foreignController = kept.some((ref) => ref.controller)
  const wanted = [...kept]
  if (!foreignController) {
    const policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {}
    const scaledDown = !podInOrdinalRange(pod, set)
    if (policy.whenScaled === 'Delete' && scaledDown && pod.metadata.uid) wanted.push(refTo(pod, 'v1', 'Pod'))
    else if (policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown)) wanted.push(refTo(set, 'apps/v1', 'StatefulSet'))
  }
  const key = (r: OwnerReference) => `${r.kind}/${r.name}/${r.uid}/${r.controller ?? false}`
  const same = refs.length === wanted.length && refs.every((r, i) => key(r) === key(wanted[i]))
  return same ? undefined : wanted
}
