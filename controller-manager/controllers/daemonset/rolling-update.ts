// Which pods a RollingUpdate replaces now (upstream's rollingUpdate in
// pkg/controller/daemon/update.go). Pure over a snapshot, so the pick order
// is testable; the controller deletes and creates what it returns.
//
// Without surge: old pods are deleted (the main loop then creates their
// replacements) while no more than maxUnavailable desired nodes lack an
// available pod. Unavailable old pods are always replaced, since they count
// as unavailable already. With surge: a new pod is started beside an old one
// on up to maxSurge nodes, and the old pod goes once the new one is available.
import type { Pod } from '../../../shared/core-types.ts'
import { isPodUpdated } from './daemon-pod.ts'
import { isPodAvailable } from '../../pod-conditions.ts'

export interface RollingUpdateInput {
  /** Every node with daemon pods, plus every node that should run one (with []). */
  nodeToDaemonPods: ReadonlyMap<string, readonly Pod[]>
  hash: string
  generation: number | undefined
  maxSurge: number
  maxUnavailable: number
  desiredNumberScheduled: number
  minReadySeconds: number
  now: number
  /** Whether the node may get a new daemon pod (NodeShouldRunDaemonPod's shouldRun). */
  shouldRun(nodeName: string): boolean
}

export interface RollingUpdatePlan {
  podsToDelete: string[]
  nodesToCreate: string[]
}

/** At most one old and one new live pod on the node; undefined when there are more (the main loop prunes first). */
export function updatedPodsOnNode(pods: readonly Pod[], hash: string, generation: number | undefined): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined
  let oldPod: Pod | undefined
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return undefined
      newPod = pod
    } else {
      if (oldPod) return undefined
      oldPod = pod
    }
  }
  return { newPod, oldPod }
}

/**
 * Upstream walks a Go map, in no fixed order; nodes are taken here in name
 * order so the same state always gives the same plan.
 */
export function planRollingUpdate(input: RollingUpdateInput): RollingUpdatePlan {
  const { hash, generation, minReadySeconds, now } = input
  const available = (pod: Pod) => isPodAvailable(pod, minReadySeconds, now)
  const nodes = [...input.nodeToDaemonPods.keys()].sort()

  if (input.maxSurge === 0) {
    let numUnavailable = 0
    const replacements: string[] = []
    const candidates: string[] = []
    for (const node of nodes) {
      const found = updatedPodsOnNode(input.nodeToDaemonPods.get(node) ?? [], hash, generation)
      if (!found) {
        numUnavailable++
        continue
      }
      const { newPod, oldPod } = found
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        // The main loop creates or prunes here; it counts as down meanwhile.
        numUnavailable++
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++
      } else if (oldPod) {
        if (!available(oldPod)) {
          replacements.push(oldPod.metadata.name ?? '')
          numUnavailable++
        } else if (numUnavailable < input.maxUnavailable) {
          candidates.push(oldPod.metadata.name ?? '')
        }
      }
    }
    const room = Math.min(Math.max(input.maxUnavailable - numUnavailable, 0), candidates.length)
    return { podsToDelete: [...replacements, ...candidates.slice(0, room)], nodesToCreate: [] }
  }

  const podsToDelete: string[] = []
  const shouldNotRun: string[] = []
  const candidateNodes: string[] = []
  const allowedNodes: string[] = []
  let numSurge = 0
  let numAvailable = 0
  for (const node of nodes) {
    const found = updatedPodsOnNode(input.nodeToDaemonPods.get(node) ?? [], hash, generation)
    if (!found) {
      numSurge++
      continue
    }
    const { newPod, oldPod } = found
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++
    if (!oldPod) continue
    if (!newPod) {
      if (!available(oldPod)) {
        if (!input.shouldRun(node)) podsToDelete.push(oldPod.metadata.name ?? '')
        else allowedNodes.push(node)
      } else if (!input.shouldRun(node)) {
        shouldNotRun.push(oldPod.metadata.name ?? '')
      } else if (numSurge < input.maxSurge) {
        candidateNodes.push(node)
      }
      continue
    }
    // Both exist: wait for the new pod, then retire the old one.
    if (!available(newPod)) numSurge++
    else podsToDelete.push(oldPod.metadata.name ?? '')
  }
  // With surge the owner expects full availability: pods on nodes they must leave
  // go only as pods elsewhere become available.
  const deletable = Math.min(numAvailable - input.desiredNumberScheduled, shouldNotRun.length)
  if (deletable > 0) podsToDelete.push(...shouldNotRun.slice(0, deletable))
  const room = Math.min(Math.max(input.maxSurge - numSurge, 0), candidateNodes.length)
  return { podsToDelete, nodesToCreate: [...allowedNodes, ...candidateNodes.slice(0, room)] }
}
