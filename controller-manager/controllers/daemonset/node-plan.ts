// What the DaemonSet's main loop does on one node (upstream's
// podsShouldBeOnNode): create a missing pod, delete failed and surplus pods,
// and clear every pod off a node it may no longer run on. Pure: the
// controller carries the plan out.
import type { Pod } from '../../../shared/core-types.ts'
import { revisionLabel } from '../history/controller-revision.ts'
import { compareDaemonPods, type NodeEligibility } from './daemon-pod.ts'
import { isPodAvailable, isPodReady } from '../../pod-conditions.ts'

export interface NodePlan {
  /** Create a daemon pod on this node. */
  create: boolean
  /** Names of pods to delete. */
  podsToDelete: string[]
  /** Failed pods found (they are among podsToDelete). */
  failed: Pod[]
}

export interface NodePlanInput {
  eligibility: NodeEligibility
  /** The DaemonSet's pods for this node, undefined when it has none. */
  pods: Pod[] | undefined
  surge: boolean
  hash: string
  minReadySeconds: number
  now: number
}

export function podsShouldBeOnNode({ eligibility, pods, surge, hash, minReadySeconds, now }: NodePlanInput): NodePlan {
  const plan: NodePlan = { create: false, podsToDelete: [], failed: [] }
  const { shouldRun, shouldContinueRunning } = eligibility
  const exists = pods !== undefined && pods.length > 0
  if (!shouldContinueRunning && exists) {
    for (const pod of pods) if (!pod.metadata.deletionTimestamp) plan.podsToDelete.push(pod.metadata.name ?? '')
    return plan
  }
  if (shouldRun && !exists) {
    plan.create = true
    return plan
  }
  if (!shouldContinueRunning) return plan

  const running: Pod[] = []
  for (const pod of pods ?? []) {
    if (pod.metadata.deletionTimestamp) continue
    if (pod.status?.phase === 'Failed') {
      // The kubelet rejected or killed it: replace it (the controller backs off).
      plan.failed.push(pod)
      plan.podsToDelete.push(pod.metadata.name ?? '')
      continue
    }
    if (pod.status?.phase === 'Succeeded') {
      // Daemons are meant to keep running; one that exited is replaced too.
      plan.podsToDelete.push(pod.metadata.name ?? '')
      continue
    }
    running.push(pod)
  }
  running.sort(compareDaemonPods)

  if (!surge) {
    // One pod per node: keep the oldest.
    for (const pod of running.slice(1)) plan.podsToDelete.push(pod.metadata.name ?? '')
    return plan
  }
  if (running.length <= 1) {
    if (running.length === 0 && shouldRun) plan.create = true
    return plan
  }
  // Surging: an old and a new pod may overlap until the new one is available;
  // any third pod goes, and the old one goes once it is not ready or the new one is available.
  let oldestNew: Pod | undefined
  let oldestOld: Pod | undefined
  for (const pod of running) {
    const isNew = pod.metadata.labels?.[revisionLabel] === hash
    if (isNew && !oldestNew) oldestNew = pod
    else if (!isNew && !oldestOld) oldestOld = pod
    else plan.podsToDelete.push(pod.metadata.name ?? '')
  }
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReadySeconds, now))) {
    plan.podsToDelete.push(oldestOld.metadata.name ?? '')
  }
  return plan
}
