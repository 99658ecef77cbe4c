// PodTopologySpread, after upstream's podtopologyspread plugin: keep the pods
// of a group evenly spread over topology domains (node label values).
//
// A constraint counts, per domain, the pods in the incoming pod's namespace
// that its selector picks (terminating ones aside) on the nodes that are
// eligible: carrying every constrained topology key and, by default,
// matching the pod's node selector/affinity (nodeAffinityPolicy Honor) while
// ignoring taints (nodeTaintsPolicy Ignore).
//   - DoNotSchedule constraints filter: placing the pod in a domain must not
//     make it exceed the emptiest domain by more than maxSkew (the emptiest
//     counts as 0 while fewer than minDomains domains exist).
//   - ScheduleAnyway constraints score: fewer matching pods, higher score.
// A pod without constraints gets upstream's system defaults (spread by
// hostname, maxSkew 3, and by zone, maxSkew 5, both ScheduleAnyway). Upstream
// selects the group with the selectors of the Services, ReplicaSets, ... that
// own the pod; we do not watch those, so the group is the pods with the same
// controller owner (ownerReferences uid), and a pod without one is not spread.
import type { Node, Pod } from '../../shared/core-types.ts'
import {
  formatLabelSelector, isEmptyLabelSelector, labelSelectorFromObject, matchesLabels,
  type LabelRequirement, type LabelSelector, type LabelSelectorObject,
} from '../../shared/label-selector.ts'
import { compileRequiredNodeAffinity } from '../../shared/node-selector.ts'
import { findUntoleratedTaint, isDoNotScheduleTaint } from '../../shared/taints.ts'
import {
  maxNodeScore, success, unresolvable, unschedulable,
  type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type ScorePlugin, type Snapshot, type Status,
} from '../framework.ts'

export const podTopologySpreadName = 'PodTopologySpread'

export const reasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints"
export const reasonNodeLabelNotMatch = `${reasonConstraintsNotMatch} (missing required label)`

const hostnameKey = 'kubernetes.io/hostname'
const zoneKey = 'topology.kubernetes.io/zone'

/** core/v1 TopologySpreadConstraint, as it arrives in a pod spec. */
export interface TopologySpreadConstraint {
  maxSkew?: number
  topologyKey?: string
  whenUnsatisfiable?: string
  labelSelector?: LabelSelectorObject | null
  minDomains?: number
  nodeAffinityPolicy?: string
  nodeTaintsPolicy?: string
  matchLabelKeys?: string[]
}

export const systemDefaultConstraints: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: hostnameKey, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: zoneKey, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
])

interface Constraint {
  readonly maxSkew: number
  readonly topologyKey: string
  readonly minDomains: number
  readonly honorNodeAffinity: boolean
  readonly honorTaints: boolean
  /** Whether an existing pod of the incoming pod's namespace counts. */
  readonly counts: (pod: Pod) => boolean
  /** The incoming pod's namespace, the only one whose pods count. */
  readonly namespace: string
  /** Equal for constraints that count the same pods (a cache key); '' when none can count. */
  readonly countKey: string
  /** Whether the incoming pod would count itself. */
  readonly selfMatch: boolean
}

function labelValue(labels: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined
}

const controllerUids = new WeakMap<Pod, string | null>()

function controllerUid(pod: Pod): string | null {
  let uid = controllerUids.get(pod)
  if (uid === undefined) {
    uid = pod.metadata.ownerReferences?.find((ref) => ref.controller)?.uid || null
    controllerUids.set(pod, uid)
  }
  return uid
}

function fromSpec(c: TopologySpreadConstraint, pod: Pod, selector: LabelSelector): Constraint {
  const namespace = pod.metadata.namespace ?? ''
  return {
    maxSkew: c.maxSkew ?? 1,
    topologyKey: c.topologyKey ?? '',
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    // Upstream counts nothing for an empty selector ({}), yet the pod still matches it.
    counts: isEmptyLabelSelector(selector) ? () => false : (p) => matchesLabels(selector, p.metadata.labels),
    namespace,
    countKey: isEmptyLabelSelector(selector) || selector.matchesNothing ? '' : `${namespace}\0selector:${formatLabelSelector(selector)}`,
    selfMatch: matchesLabels(selector, pod.metadata.labels),
  }
}

/**
 * The pod's constraints with this whenUnsatisfiable; the system defaults when
 * it declares none at all. Throws SelectorParseError on a bad selector.
 */
function constraintsOf(pod: Pod, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const declared = (pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[]
  if (declared.length > 0) {
    const podLabels = pod.metadata.labels ?? {}
    return declared.filter((c) => c.whenUnsatisfiable === action).map((c) => {
      let selector = labelSelectorFromObject(c.labelSelector)
      // matchLabelKeys: the pod's own values for these keys narrow the selector.
      const extra: LabelRequirement[] = (c.matchLabelKeys ?? []).flatMap((key) => {
        const value = labelValue(podLabels, key)
        return value === undefined ? [] : [{ key, operator: '=' as const, values: [value] }]
      })
      if (extra.length > 0 && !selector.matchesNothing) selector = { requirements: [...extra, ...selector.requirements], matchesNothing: false }
      return fromSpec(c, pod, selector)
    })
  }
  const owner = controllerUid(pod)
  if (!owner) return []
  return systemDefaultConstraints.filter((c) => c.whenUnsatisfiable === action).map((c) => ({
    ...fromSpec(c, pod, { requirements: [], matchesNothing: true }),
    counts: (p: Pod) => controllerUid(p) === owner,
    countKey: `${pod.metadata.namespace ?? ''}\0owner:${owner}`,
    selfMatch: true,
  }))
}

// ---- Node inclusion: the pod's required node affinity and its tolerations ----

/** Which nodes a constraint counts pods on, beyond carrying its topology key. */
function inclusion(pod: Pod): (c: Constraint, node: Node) => boolean {
  const affinity = compileRequiredNodeAffinity(pod.spec)
  const tolerations = pod.spec?.tolerations
  return (c, node) =>
    (!c.honorNodeAffinity || !affinity || affinity(node)) &&
    (!c.honorTaints || !findUntoleratedTaint(node.spec?.taints, tolerations, isDoNotScheduleTaint))
}

function hasAllKeys(labels: Record<string, string>, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (!Object.hasOwn(labels, c.topologyKey)) return false
  return true
}

// Per node, the counts already taken, valid while the node's generation
// (bumped by every pod added or removed) stays: the pods of a ReplicaSet ask
// the same question of the same mostly unchanged nodes, cycle after cycle.
const nodeCounts = new WeakMap<NodeInfo, { generation: number; counts: Map<string, number> }>()

function countMatching(node: NodeInfo, c: Constraint): number {
  if (c.countKey === '') return 0
  let cache = nodeCounts.get(node)
  if (!cache || cache.generation !== node.generation) nodeCounts.set(node, (cache = { generation: node.generation, counts: new Map() }))
  let n = cache.counts.get(c.countKey)
  if (n === undefined) {
    n = 0
    for (const { pod } of node.pods.values()) {
      // Terminating pods are on their way out (upstream #87621).
      if (pod.metadata.deletionTimestamp || (pod.metadata.namespace ?? '') !== c.namespace) continue
      if (c.counts(pod)) n++
    }
    cache.counts.set(c.countKey, n)
  }
  return n
}

/**
 * Matching pods per domain over every node of the snapshot, for one
 * constraint of one kind of pod. Kept between cycles and brought up to date
 * by visiting only nodes whose generation moved: the replicas of one owner
 * ask the same question again and again, and each cycle changes one node.
 */
interface DomainTotals {
  nodes: readonly NodeInfo[]
  perNode: Map<NodeInfo, { generation: number; domain: string | undefined; count: number }>
  totals: Map<string, number>
}

const domainTotalsCache = new Map<string, DomainTotals>()
const domainTotalsCacheSize = 64

function domainTotals(
  snapshot: Snapshot, pod: Pod, c: Constraint, included: (c: Constraint, node: Node) => boolean, requiredKeys: readonly Constraint[],
): ReadonlyMap<string, number> {
  const spec = pod.spec
  const key = JSON.stringify([
    c.countKey, c.topologyKey, requiredKeys.map((r) => r.topologyKey),
    c.honorNodeAffinity, c.honorNodeAffinity ? [spec?.nodeSelector, spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution] : null,
    c.honorTaints, c.honorTaints ? spec?.tolerations : null,
  ])
  let entry = domainTotalsCache.get(key)
  if (!entry || entry.nodes !== snapshot.nodes) {
    entry = { nodes: snapshot.nodes, perNode: new Map(), totals: new Map() }
    if (domainTotalsCache.size >= domainTotalsCacheSize) domainTotalsCache.delete(domainTotalsCache.keys().next().value!)
  } else {
    domainTotalsCache.delete(key) // re-inserted below: most recently used last
  }
  domainTotalsCache.set(key, entry)
  const { perNode, totals } = entry
  for (const info of snapshot.nodes) {
    const seen = perNode.get(info)
    if (seen && seen.generation === info.generation) continue
    if (seen?.domain !== undefined) totals.set(seen.domain, totals.get(seen.domain)! - seen.count)
    const node = info.node
    const labels = info.labels()
    const eligible = node !== undefined && hasAllKeys(labels, requiredKeys) && included(c, node)
    const domain = eligible ? labels[c.topologyKey] : undefined
    const count = domain === undefined ? 0 : countMatching(info, c)
    if (domain !== undefined) totals.set(domain, (totals.get(domain) ?? 0) + count)
    perNode.set(info, { generation: info.generation, domain, count })
  }
  return totals
}

function errorStatus(what: string, err: unknown): Status {
  return { code: 'Error', reasons: [`${what}: ${(err as Error).message}`] }
}

// ---- Filter ----

interface FilterState {
  readonly constraints: readonly Constraint[]
  /** Per constraint: matching pods per domain of the eligible nodes. */
  readonly matchNum: readonly Map<string, number>[]
  /** Per constraint: the global minimum the skew is measured against. */
  readonly minMatchNum: readonly number[]
}

function preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | undefined {
  let constraints: Constraint[]
  try {
    constraints = constraintsOf(pod.pod, 'DoNotSchedule')
  } catch (err) {
    return errorStatus("obtaining pod's hard topology spread constraints", err)
  }
  if (constraints.length === 0) {
    state.set(podTopologySpreadName, null)
    return undefined
  }
  const included = inclusion(pod.pod)
  const matchNum = constraints.map(() => new Map<string, number>())
  for (let i = 0; i < constraints.length; i++) {
    for (const [domain, count] of domainTotals(snapshot, pod.pod, constraints[i], included, constraints)) matchNum[i].set(domain, count)
  }
  const minMatchNum = constraints.map((c, i) => {
    const domains = matchNum[i]
    if (domains.size < c.minDomains) return 0
    let min = Infinity
    for (const n of domains.values()) if (n < min) min = n
    return min
  })
  state.set(podTopologySpreadName, { constraints, matchNum, minMatchNum } satisfies FilterState)
  return undefined
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: podTopologySpreadName,
  // Pods of the group going or moving, new domains (nodes, labels), and
  // node changes under nodeAffinityPolicy/nodeTaintsPolicy.
  events: ['PodAdd', 'PodUpdate', 'PodDelete', 'NodeAdd', 'NodeUpdate', 'NodeDelete'],
  preFilter,
  filter(state, _pod, node) {
    const s = state.get(podTopologySpreadName) as FilterState | null | undefined
    if (s === undefined) return { code: 'Error', reasons: [`reading "PreFilter${podTopologySpreadName}" from cycleState: not found`] }
    if (s === null) return success
    const labels = node.labels()
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]
      const value = labelValue(labels, c.topologyKey)
      if (value === undefined) return unresolvable(reasonNodeLabelNotMatch)
      const skew = (s.matchNum[i].get(value) ?? 0) + (c.selfMatch ? 1 : 0) - s.minMatchNum[i]
      if (skew > c.maxSkew) return unschedulable(reasonConstraintsNotMatch)
    }
    return success
  },
}

// ---- Score ----

const scoreStateKey = `${podTopologySpreadName}/score`

interface ScoreState {
  readonly constraints: readonly Constraint[]
  /** Feasible nodes missing a topology key of explicit constraints: scored 0. */
  readonly ignoredNodes: ReadonlySet<string>
  /** Per constraint (empty for hostname, counted per node in score): matching pods per domain of the feasible nodes. */
  readonly counts: readonly Map<string, number>[]
  /** log(domains + 2): more domains, more a pod in one of them weighs. */
  readonly weights: readonly number[]
}

function preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): void {
  state.delete(scoreStateKey)
  if (snapshot.nodes.length === 0) return
  let constraints: Constraint[]
  try {
    constraints = constraintsOf(pod.pod, 'ScheduleAnyway')
  } catch {
    // Upstream fails the cycle here; preFilter has reported the bad selector by now.
    return
  }
  if (constraints.length === 0) return
  // The system defaults let nodes without a zone label still spread by hostname.
  const requireAllTopologies = ((pod.pod.spec?.topologySpreadConstraints as unknown[] | undefined) ?? []).length > 0
  const ignoredNodes = new Set<string>()
  const counts = constraints.map(() => new Map<string, number>())
  const domains = constraints.map(() => 0)
  for (const info of nodes) {
    const labels = info.labels()
    if (requireAllTopologies && !hasAllKeys(labels, constraints)) {
      ignoredNodes.add(info.name)
      continue
    }
    for (let i = 0; i < constraints.length; i++) {
      const key = constraints[i].topologyKey
      if (key === hostnameKey) continue
      const value = labelValue(labels, key) ?? ''
      if (!counts[i].has(value)) {
        counts[i].set(value, 0)
        domains[i]++
      }
    }
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameKey ? nodes.length - ignoredNodes.size : domains[i]) + 2))

  // Hostname domains are single nodes, counted in score.
  const domainConstraints = constraints.flatMap((c, i) => (c.topologyKey === hostnameKey ? [] : [i]))
  const included = inclusion(pod.pod)
  for (const i of domainConstraints) {
    const totals = domainTotals(snapshot, pod.pod, constraints[i], included, requireAllTopologies ? constraints : [])
    // Only domains of feasible nodes matter.
    for (const domain of counts[i].keys()) counts[i].set(domain, totals.get(domain) ?? 0)
  }
  state.set(scoreStateKey, { constraints, ignoredNodes, counts, weights } satisfies ScoreState)
}

export const podTopologySpreadScore: ScorePlugin = {
  name: podTopologySpreadName,
  weight: 2,
  preScore,
  /** Raw: the matching pods of the node's domains, weighted, plus maxSkew-1 to soften small skews; normalize inverts it. */
  score(state, _pod, node) {
    const s = state.get(scoreStateKey) as ScoreState | undefined
    if (!s || s.ignoredNodes.has(node.name)) return 0
    const labels = node.labels()
    let score = 0
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]
      const value = labelValue(labels, c.topologyKey)
      if (value === undefined) continue
      const count = c.topologyKey === hostnameKey ? countMatching(node, c) : (s.counts[i].get(value) ?? 0)
      score += count * s.weights[i] + (c.maxSkew - 1)
    }
    return Math.round(score)
  },
  /** 100 for the emptiest node, less the fuller: 100 * (max + min - score) / max. */
  normalize(state, _pod, nodes, scores) {
    const s = state.get(scoreStateKey) as ScoreState | undefined
    if (!s) return
    let min = Infinity
    let max = 0
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i].name)) continue
      if (scores[i] < min) min = scores[i]
      if (scores[i] > max) max = scores[i]
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i].name)) scores[i] = 0
      else if (max === 0) scores[i] = maxNodeScore
      else scores[i] = Math.trunc((maxNodeScore * (max + min - scores[i])) / max)
    }
  },
}
