// The StatefulSet's pod loop (upstream's updateStatefulSet in
// stateful_set_control.go), given the current and update revisions.
//
// OrderedReady ("monotonic"): walk ordinals upwards; create the first missing
// pod and stop; stop at any pod not yet Running, Ready and available; then
// delete surplus ordinals from the highest, one at a time, each only when
// all lower pods are healthy. Parallel: create and delete every pod at once
// (in slow-start batches), waiting for nothing.
// Then RollingUpdate: from the highest ordinal down to the partition, delete
// the first pod not at the update revision (the next sync re-creates it at
// the new revision), but only while every pod above it is healthy.
import type { Pod } from '../../../shared/core-types.ts'
import { slowStartBatch } from '../../pod-control.ts'
import {
  getOrdinal, getPodRevision, identityMatches, isCreated, isFailed, isHealthy, isPending, isRunningAndAvailable, isRunningAndReady,
  isSucceeded, isTerminating, newVersionedStatefulSetPod, podInOrdinalRange, replicaCounts, startOrdinal, storageMatches,
} from './stateful-pod.ts'
import type { StatefulSet, StatefulSetStatus } from './statefulset-types.ts'

/** The writes the loop makes; the controller's implementation goes to the API and records Events. */
export interface StatefulPodOps {
  /** Creates the pod's missing claims, then the pod. */
  createPod(set: StatefulSet, pod: Pod): Promise<void>
  /** Brings identity, storage and claim ownership in line with set. */
  updatePod(set: StatefulSet, pod: Pod): Promise<void>
  deletePod(set: StatefulSet, pod: Pod): Promise<void>
  /** Creates claims a pending pod waits for. */
  createMissingClaims(set: StatefulSet, pod: Pod): Promise<void>
  /** Whether the pod's claims have the owner references the retention policy asks for. */
  claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean
  /** Sets them. */
  updateClaimsForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<void>
  /** Warning/Normal Events about the set. */
  event(set: StatefulSet, type: 'Normal' | 'Warning', reason: string, message: string): void
}

export interface UpdateInput {
  set: StatefulSet
  /** The set with the current and update revisions' templates. */
  currentSet: StatefulSet
  updateSet: StatefulSet
  currentRevision: string
  updateRevision: string
  collisionCount: number
  pods: readonly Pod[]
  now: number
}

function sumCounts(status: StatefulSetStatus, input: UpdateInput, ...lists: Array<readonly Pod[]>): void {
  status.replicas = 0
  status.readyReplicas = 0
  status.availableReplicas = 0
  status.currentReplicas = 0
  status.updatedReplicas = 0
  for (const list of lists) {
    const c = replicaCounts(list, input.set.spec?.minReadySeconds ?? 0, input.currentRevision, input.updateRevision, input.now)
    status.replicas += c.replicas
    status.readyReplicas += c.readyReplicas ?? 0
    status.availableReplicas += c.availableReplicas
    status.currentReplicas += c.currentReplicas ?? 0
    status.updatedReplicas += c.updatedReplicas ?? 0
  }
}

/** Runs fn over every index: in order, stopping at the first that says stop (monotonic), or all at once in slow-start batches. Returns whether to stop. */
async function runForAll(count: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < count; i++) if (await fn(i)) return true
    return false
  }
  const { error } = await slowStartBatch(count, async (i) => {
    await fn(i)
  })
  if (error !== undefined) throw error
  return false
}

/** Brings the pods toward the set's spec; returns the status to record. Throws when a write fails (the caller retries). */
export async function updateStatefulSetPods(input: UpdateInput, ops: StatefulPodOps): Promise<StatefulSetStatus> {
  const { set, currentSet, updateSet, currentRevision, updateRevision, now } = input
  const minReady = set.spec?.minReadySeconds ?? 0
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation, replicas: 0, availableReplicas: 0,
    currentRevision, updateRevision, collisionCount: input.collisionCount,
  }
  sumCounts(status, input, input.pods)

  const start = startOrdinal(set)
  const replicaCount = set.spec?.replicas ?? 1
  const replicas: Pod[] = new Array(replicaCount)
  const condemned: Pod[] = []
  for (const pod of input.pods) {
    if (podInOrdinalRange(pod, set)) replicas[getOrdinal(pod) - start] = pod
    else if (getOrdinal(pod) >= 0) condemned.push(pod)
  }
  const fresh = (i: number) => newVersionedStatefulSetPod(currentSet, updateSet, currentRevision, updateRevision, i + start)
  for (let i = 0; i < replicaCount; i++) replicas[i] ??= fresh(i)
  // Highest ordinal first: the order scale-down deletes in.
  condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a))

  let firstUnhealthy: Pod | undefined
  for (const pod of replicas) if (!firstUnhealthy && !isHealthy(pod)) firstUnhealthy = pod
  for (let i = condemned.length - 1; i >= 0; i--) if (!firstUnhealthy && !isHealthy(condemned[i])) firstUnhealthy = condemned[i]

  if (set.metadata.deletionTimestamp) return status
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel'
  const done = () => {
    sumCounts(status, input, replicas, condemned)
    return status
  }

  const processReplica = async (i: number): Promise<boolean> => {
    // A pod that exited (Failed, or Succeeded after a node reboot) is replaced whatever its exit code.
    if (isFailed(replicas[i]) || isSucceeded(replicas[i])) {
      const name = replicas[i].metadata.name
      if (isFailed(replicas[i])) ops.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating failed Pod ${name}`)
      else ops.event(set, 'Normal', 'RecreatingTerminatedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating terminated Pod ${name}`)
      await ops.deletePod(set, replicas[i])
      replicas[i] = fresh(i)
    }
    if (!isCreated(replicas[i])) {
      await ops.createPod(set, replicas[i])
      // OrderedReady: one creation per sync; the pod's progress brings the next.
      return monotonic
    }
    if (isPending(replicas[i])) await ops.createMissingClaims(set, replicas[i])
    if (monotonic && isTerminating(replicas[i])) return true
    if (monotonic && !isRunningAndReady(replicas[i])) return true
    if (monotonic && !isRunningAndAvailable(replicas[i], minReady, now)) return true
    const retentionMatches = ops.claimsMatchRetentionPolicy(updateSet, replicas[i])
    if (identityMatches(set, replicas[i]) && storageMatches(set, replicas[i]) && retentionMatches) return false
    await ops.updatePod(updateSet, structuredClone(replicas[i]))
    return false
  }
  if (await runForAll(replicas.length, processReplica, monotonic)) return done()

  // Claims of pods about to go get the owner the whenScaled policy wants, before the pod goes.
  const fixClaims = async (i: number): Promise<boolean> => {
    if (!ops.claimsMatchRetentionPolicy(updateSet, condemned[i])) await ops.updateClaimsForRetentionPolicy(updateSet, condemned[i])
    return false
  }
  if (await runForAll(condemned.length, fixClaims, monotonic)) return done()

  const processCondemned = async (i: number): Promise<boolean> => {
    const pod = condemned[i]
    if (isTerminating(pod)) return monotonic
    // OrderedReady deletes only when everything below is healthy; an unhealthy pod may go if it is the first unhealthy one.
    if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return true
    await ops.deletePod(set, pod)
    return true
  }
  if (await runForAll(condemned.length, processCondemned, monotonic)) return done()

  sumCounts(status, input, replicas, condemned)
  if (set.spec?.updateStrategy?.type === 'OnDelete') return status

  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0
  for (let target = replicas.length - 1; target >= partition - start && target >= 0; target--) {
    const pod = replicas[target]
    if (getPodRevision(pod) !== updateRevision && !isTerminating(pod)) {
      await ops.deletePod(set, pod)
      status.currentReplicas = (status.currentReplicas ?? 0) - 1
      return status
    }
    // Wait for the pod just replaced to come back healthy before touching the next.
    if (!isHealthy(pod)) return status
  }
  return status
}

/** A rolling update finished: every pod is updated and ready, so the update revision becomes current (upstream's completeRollingUpdate). */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas
    status.currentRevision = status.updateRevision
  }
}
