// Pod events for a controller that owns pods (ReplicaSet, DaemonSet,
// StatefulSet), as upstream's addPod/updatePod/deletePod: enqueue the pod's
// controlling owner (or, for an orphan, every owner whose selector matches
// it, which may adopt it), and tell the expectations what was observed.
import type { KubeObject } from '../shared/api-types.ts'
import type { Pod } from '../shared/core-types.ts'
import type { Informer } from '../shared/informer/index.ts'
import { matchesLabels, type LabelSelector } from '../shared/label-selector.ts'
import type { Expectations } from './expectations.ts'
import { controllerOf } from './owner-refs.ts'
import { isPodReady } from './pod-conditions.ts'
import { keyOf, type Reconciler } from './reconciler.ts'

export interface OwnedPodsOptions<O extends KubeObject> {
  /** The owner kind whose controller references count, e.g. 'ReplicaSet'. */
  kind: string
  owners: Informer<O>
  reconciler: Reconciler
  /** The owner's selector; undefined or matching nothing means it adopts no orphan. */
  selectorOf(owner: O): LabelSelector | undefined
  /** Creations and deletions the owner waits to see. */
  expectations?: Expectations
  /** Pods become available this long after they become ready: look again then. */
  minReadySeconds?(owner: O): number
}

/** The owner controlling pod, if the informer knows it (same uid). */
export function ownerOfPod<O extends KubeObject>(owners: Informer<O>, kind: string, pod: Pod): O | undefined {
  const ref = controllerOf(pod)
  if (!ref || ref.kind !== kind) return undefined
  const owner = owners.get(`${pod.metadata.namespace}/${ref.name}`)
  return owner?.metadata.uid === ref.uid ? owner : undefined
}

export function watchOwnedPods<O extends KubeObject>(pods: Informer<Pod>, o: OwnedPodsOptions<O>): void {
  const ownerOf = (pod: Pod) => ownerOfPod(o.owners, o.kind, pod)
  const enqueueMatching = (pod: Pod) => {
    for (const owner of o.owners.byIndex('namespace', pod.metadata.namespace ?? '')) {
      const selector = o.selectorOf(owner)
      if (selector && !selector.matchesNothing && selector.requirements.length > 0 && matchesLabels(selector, pod.metadata.labels)) o.reconciler.enqueue(owner)
    }
  }
  const deleted = (pod: Pod) => {
    const owner = ownerOf(pod)
    if (!owner) return
    o.expectations?.deletionObserved(keyOf(owner))
    o.reconciler.enqueue(owner)
  }
  pods.addEventHandler({
    onAdd: (pod) => {
      if (pod.metadata.deletionTimestamp) return deleted(pod)
      const owner = ownerOf(pod)
      if (owner) {
        o.expectations?.creationObserved(keyOf(owner))
        o.reconciler.enqueue(owner)
      } else if (!controllerOf(pod)) enqueueMatching(pod)
    },
    onUpdate: (oldPod, pod) => {
      // A graceful delete began: that is the deletion the owner waits for.
      if (pod.metadata.deletionTimestamp && !oldPod.metadata.deletionTimestamp) return deleted(pod)
      const oldOwner = ownerOf(oldPod)
      const owner = ownerOf(pod)
      if (oldOwner && oldOwner !== owner) o.reconciler.enqueue(oldOwner)
      if (owner) o.reconciler.enqueue(owner)
      else if (!controllerOf(pod)) enqueueMatching(pod)
      const minReady = owner ? (o.minReadySeconds?.(owner) ?? 0) : 0
      if (owner && minReady > 0 && isPodReady(pod) && !isPodReady(oldPod)) o.reconciler.enqueueAfter(owner, minReady * 1000 + 1)
    },
    onDelete: (pod) => {
      // A pod deleted gracefully was counted when its deletionTimestamp appeared.
      if (!pod.metadata.deletionTimestamp) return deleted(pod)
      const owner = ownerOf(pod)
      if (owner) o.reconciler.enqueue(owner)
    },
  })
}
