// Preemption evaluation, after upstream's DefaultPreemption PostFilter: for a
// pod that fits nowhere, find a node where evicting lower-priority pods would
// make it fit, and the fewest/least important pods to evict there.
//
// Pure: it reads the snapshot and re-runs the filter plugins on copies; the
// caller evicts the victims, records the events and nominates the node.
//   1. A pod with preemptionPolicy Never, or whose earlier victims are still
//      terminating on its nominated node, does not preempt.
//   2. Only nodes whose filter status is Unschedulable are tried; for
//      UnschedulableAndUnresolvable ones removing pods would not help.
//   3. On each tried node (a copy): remove every lower-priority pod; if the
//      pod still does not fit, the node is out. Otherwise add them back, most
//      important first, keeping each that still leaves room; the rest are
//      the victims.
//   4. Of the candidates, pick the one with the fewest PDB violations, then
//      the least important highest victim, the smallest priority sum, the
//      fewest victims, the latest-started highest victims, then the first.
import type { Pod } from '../shared/core-types.ts'
import { nodesAvailableMessage } from './fit-error.ts'
import {
  NodeInfo, unresolvable,
  type CycleState, type FilterPlugin, type PodInfo, type Snapshot, type Status,
} from './framework.ts'

export const preemptionNotHelpful = 'Preemption is not helpful for scheduling'
export const noPreemptionVictims = 'No preemption victims found for incoming pod'
export const notEligiblePreemptionPolicyNever = 'not eligible due to preemptionPolicy=Never.'
export const notEligibleTerminatingPod = 'not eligible due to a terminating pod on the nominated node.'

export interface DisruptionBudgetSplit {
  readonly violating: PodInfo[]
  readonly nonViolating: PodInfo[]
}

export interface PreemptionInput {
  readonly pod: PodInfo
  readonly snapshot: Snapshot
  /** The profile's filter plugins, in order; re-run (preFilter and filter) on node copies. */
  readonly filters: readonly FilterPlugin[]
  /** Why the pod was rejected on each node. */
  readonly statuses: ReadonlyMap<string, Status>
  /**
   * The status of nodes missing from statuses (upstream's absent-nodes
   * status, set when a preFilter rejected the pod everywhere).
   * @default UnschedulableAndUnresolvable: preemption does not try them
   */
  readonly absentStatus?: Status
  /** Where in the list of nodes worth trying the dry run starts. @default random, as upstream, to spread preemptions */
  readonly offset?: number
  /** The dry run stops once it has this share of the tried nodes as candidates... @default 10 */
  readonly minCandidateNodesPercentage?: number
  /** ...or at least this many. @default 100 */
  readonly minCandidateNodesAbsolute?: number
  /**
   * PodDisruptionBudgets: split the potential victims (most important first)
   * into those whose eviction would violate a budget and the others.
   * @default none violate (budgets are not watched yet)
   */
  readonly splitByDisruptionBudget?: (potentialVictims: readonly PodInfo[]) => DisruptionBudgetSplit
  /** The start time assumed for pods without status.startTime, ms since the epoch. @default Date.now() */
  readonly now?: number
}

export type PreemptionOutcome =
  /** Evict the victims and nominate the node for the pod. */
  | { readonly nodeName: string; readonly victims: Pod[] }
  /**
   * No preemption: message (starting "preemption: ") goes after the
   * FailedScheduling histogram; clearNominatedNodeName says whether to set
   * status.nominatedNodeName to "" (no node could ever help) or leave it.
   */
  | { readonly message: string; readonly clearNominatedNodeName: boolean }

/** spec.priority, 0 when unset (the admission plugin fills it from the PriorityClass). */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0
}

function startTime(pod: Pod, now: number): number {
  const value = pod.status?.startTime
  const ms = typeof value === 'string' ? Date.parse(value) : NaN
  // Upstream takes "now" for pods that have not started.
  return Number.isNaN(ms) ? now : ms
}

/** Upstream's MoreImportantPod: higher priority, then earlier start. As a sort comparator, most important first. */
function byImportance(now: number): (a: PodInfo, b: PodInfo) => number {
  return (a, b) => podPriority(b.pod) - podPriority(a.pod) || startTime(a.pod, now) - startTime(b.pod, now)
}

function terminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata.deletionTimestamp) return false
  const condition = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')
  return condition?.status === 'True' && condition.reason === 'PreemptionByScheduler'
}

const notHelpful: Status = unresolvable(preemptionNotHelpful)

/** A copy of node's NodeInfo to add and remove pods on. */
function copyNodeInfo(node: NodeInfo): NodeInfo {
  const copy = new NodeInfo(node.name, node.node)
  for (const info of node.pods.values()) copy.addPod(info)
  return copy
}

/** The snapshot with one node replaced by its trial copy, for the preFilters that look at every pod. */
function snapshotWith(snapshot: Snapshot, trial: NodeInfo): Snapshot {
  const nodes = snapshot.nodes.map((n) => (n.name === trial.name ? trial : n))
  const swap = (list: readonly NodeInfo[], keep: boolean) => {
    const out = list.filter((n) => n.name !== trial.name)
    if (keep) out.push(trial)
    return out
  }
  return {
    nodes,
    get: (name) => (name === trial.name ? trial : snapshot.get(name)),
    nodesWithAffinityPods: () => swap(snapshot.nodesWithAffinityPods(), trial.podsWithAffinity.size > 0),
    nodesWithRequiredAntiAffinityPods: () => swap(snapshot.nodesWithRequiredAntiAffinityPods(), trial.podsWithRequiredAntiAffinity.size > 0),
    namespaceLabels: (namespace) => snapshot.namespaceLabels(namespace),
  }
}

/** Runs preFilter and filter of every plugin for the pod on the trial node; the first rejection, or undefined if it fits. */
function rejection(filters: readonly FilterPlugin[], pod: PodInfo, trial: NodeInfo, view: Snapshot): Status | undefined {
  // preFilter state (pod counts per domain, ...) depends on the pods just moved, so it is rebuilt.
  const state: CycleState = new Map()
  for (const plugin of filters) {
    const status = plugin.preFilter?.(state, pod, view)
    if (status && status.code !== 'Success') return status.plugin ? status : { ...status, plugin: plugin.name }
  }
  for (const plugin of filters) {
    const status = plugin.filter(state, pod, trial)
    if (status.code !== 'Success') return status.plugin ? status : { ...status, plugin: plugin.name }
  }
  return undefined
}

interface Candidate {
  readonly nodeName: string
  /** Most important first. */
  readonly victims: readonly PodInfo[]
  readonly pdbViolations: number
}

/** Upstream's SelectVictimsOnNode, on a copy of node. */
function selectVictimsOnNode(input: PreemptionInput, node: NodeInfo, now: number): Candidate | Status {
  const { pod, filters } = input
  const trial = copyNodeInfo(node)
  const view = snapshotWith(input.snapshot, trial)
  const priority = podPriority(pod.pod)
  const potential: PodInfo[] = []
  for (const info of [...trial.pods.values()]) {
    if (podPriority(info.pod) >= priority) continue
    potential.push(info)
    trial.removePod(info.key)
  }
  if (potential.length === 0) return unresolvable(noPreemptionVictims)
  // Not even with all of them gone. (Affinity to a victim is not worked around, as upstream.)
  const stillRejected = rejection(filters, pod, trial, view)
  if (stillRejected) return stillRejected

  const importance = byImportance(now)
  potential.sort(importance)
  const { violating, nonViolating } = input.splitByDisruptionBudget?.(potential) ?? { violating: [], nonViolating: potential }
  const victims: PodInfo[] = []
  // Put a pod back; if the pod no longer fits, it stays a victim.
  const reprieve = (info: PodInfo): boolean => {
    trial.addPod(info)
    if (!rejection(filters, pod, trial, view)) return true
    trial.removePod(info.key)
    victims.push(info)
    return false
  }
  let pdbViolations = 0
  for (const info of violating) if (!reprieve(info)) pdbViolations++
  for (const info of nonViolating) reprieve(info)
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(importance)
  return { nodeName: node.name, victims, pdbViolations }
}

/** Upstream's calculateNumCandidates. */
function numCandidates(numNodes: number, percentage: number, absolute: number): number {
  return Math.min(numNodes, Math.max(absolute, Math.trunc((numNodes * percentage) / 100)))
}

/** Upstream's pickOneNodeForPreemption with its default criteria, each a score where higher is better. */
function pickOne(candidates: readonly Candidate[], now: number): Candidate {
  const offset = 2 ** 31 // keeps negative priorities from favouring more victims
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.pdbViolations,
    (c) => -podPriority(c.victims[0].pod),
    (c) => -c.victims.reduce((sum, v) => sum + podPriority(v.pod) + offset, 0),
    (c) => -c.victims.length,
    // The earliest start among the highest-priority victims: the later, the less work lost.
    (c) => {
      const top = podPriority(c.victims[0].pod)
      let earliest = Infinity
      for (const v of c.victims) if (podPriority(v.pod) === top) earliest = Math.min(earliest, startTime(v.pod, now))
      return earliest
    },
  ]
  let remaining = candidates
  for (const score of criteria) {
    let best = -Infinity
    let selected: Candidate[] = []
    for (const c of remaining) {
      const s = score(c)
      if (s > best) {
        best = s
        selected = [c]
      } else if (s === best) {
        selected.push(c)
      }
    }
    if (selected.length === 1) return selected[0]
    remaining = selected
  }
  return remaining[0]
}

/** Why the pod may not preempt, or undefined (upstream's PodEligibleToPreemptOthers). */
function ineligibility(input: PreemptionInput): string | undefined {
  const { pod, snapshot } = input
  if (pod.pod.spec?.preemptionPolicy === 'Never') return notEligiblePreemptionPolicyNever
  const nominated = pod.pod.status?.nominatedNodeName
  if (!nominated) return undefined
  // Its nominated node turned out hopeless: look elsewhere.
  if ((input.statuses.get(nominated) ?? input.absentStatus ?? notHelpful).code === 'UnschedulableAndUnresolvable') return undefined
  const node = snapshot.get(nominated)
  if (!node) return undefined
  const priority = podPriority(pod.pod)
  for (const info of node.pods.values()) {
    // Its victims are still going away; preempting more now would evict too many.
    if (podPriority(info.pod) < priority && terminatingByPreemption(info.pod)) return notEligibleTerminatingPod
  }
  return undefined
}

/** Decides whether and whom pod should preempt; see the file comment. */
export function evaluatePreemption(input: PreemptionInput): PreemptionOutcome {
  const notEligible = ineligibility(input)
  if (notEligible) return { message: `preemption: ${notEligible}`, clearNominatedNodeName: false }

  const { snapshot, statuses } = input
  const now = input.now ?? Date.now()
  const allNodes = snapshot.nodes
  const potential = allNodes.filter((n) => (statuses.get(n.name) ?? input.absentStatus ?? notHelpful).code === 'Unschedulable')
  const dryRunStatuses = new Map<string, Status>()
  const nonViolating: Candidate[] = []
  const violating: Candidate[] = []
  if (potential.length > 0) {
    const wanted = numCandidates(potential.length, input.minCandidateNodesPercentage ?? 10, input.minCandidateNodesAbsolute ?? 100)
    const offset = input.offset ?? Math.floor(Math.random() * potential.length)
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length]
      const result = selectVictimsOnNode(input, node, now)
      if ('code' in result) {
        dryRunStatuses.set(node.name, result)
        continue
      }
      const list = result.pdbViolations === 0 ? nonViolating : violating
      if (list.length < wanted) list.push(result)
      if (nonViolating.length > 0 && nonViolating.length + violating.length >= wanted) break
    }
  }
  const candidates = [...nonViolating, ...violating]
  if (candidates.length === 0) {
    // Nodes not tried count as "not helpful", as upstream's absent-nodes status.
    const message = nodesAvailableMessage(allNodes.length, dryRunStatuses, { absentStatus: notHelpful })
    return { message: `preemption: ${message}`, clearNominatedNodeName: true }
  }
  const best = pickOne(candidates, now)
  return { nodeName: best.nodeName, victims: best.victims.map((v) => v.pod) }
}
