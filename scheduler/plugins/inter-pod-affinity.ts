// InterPodAffinity, after upstream's interpodaffinity plugin: pods that want
// (or refuse) to share a topology domain (a node label value, such as a zone)
// with other pods.
//
// preFilter walks the cluster once per pod and counts, per topology pair
// (label key, value), the existing pods matching the pod's required terms
// and the existing pods whose required anti-affinity matches the pod; filter
// then only looks up the node's labels in those counts. preScore does the
// same for the weighted terms.
//
// Namespaces: a term applies to the pods in its `namespaces`, plus those in
// namespaces whose labels match `namespaceSelector` ({} = all); with neither,
// to the owning pod's namespace. Parsed terms are cached per Pod object, so
// pods are treated as immutable (an update brings a new object).
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../shared/core-types.ts'
import {
  formatLabelSelector, isEmptyLabelSelector, labelSelectorFromObject, matchesLabels, nothingSelector,
  type LabelRequirement, type LabelSelector, type LabelSelectorObject,
} from '../../shared/label-selector.ts'
import {
  maxNodeScore, success, unresolvable, unschedulable,
  type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type ScorePlugin, type Snapshot, type Status,
} from '../framework.ts'

export const interPodAffinityName = 'InterPodAffinity'

export const reasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules"
export const reasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules"
export const reasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules"

/** Upstream's default HardPodAffinityWeight: what an existing pod's required affinity adds to a score. */
const hardPodAffinityWeight = 1

interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>
  readonly namespaceSelector: LabelSelector
  readonly selector: LabelSelector
  readonly topologyKey: string
  /** Equal for terms picking the same pods; undefined when that depends on namespace labels (not cacheable per node). */
  readonly podsKey: string | undefined
}

interface WeightedTerm extends AffinityTerm {
  readonly weight: number
}

interface ParsedAffinity {
  readonly required: readonly AffinityTerm[]
  readonly requiredAnti: readonly AffinityTerm[]
  readonly preferred: readonly WeightedTerm[]
  readonly preferredAnti: readonly WeightedTerm[]
  /** The first selector that did not parse (its term is left out). */
  readonly error?: string
}

const parsedTerms = new WeakMap<Pod, ParsedAffinity>()

function labelValue(labels: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined
}

// matchLabelKeys / mismatchLabelKeys narrow the selector with the owning
// pod's own label values. Upstream's apiserver folds them in at creation;
// doing it again here changes nothing when it already happened.
function withLabelKeys(selector: LabelSelector, term: PodAffinityTerm, podLabels: Record<string, string>): LabelSelector {
  const extra: LabelRequirement[] = []
  for (const key of term.matchLabelKeys ?? []) {
    const value = labelValue(podLabels, key)
    if (value !== undefined) extra.push({ key, operator: 'in', values: [value] })
  }
  for (const key of term.mismatchLabelKeys ?? []) {
    const value = labelValue(podLabels, key)
    if (value !== undefined) extra.push({ key, operator: 'notin', values: [value] })
  }
  if (extra.length === 0 || selector.matchesNothing) return selector
  return { requirements: [...selector.requirements, ...extra], matchesNothing: false }
}

// core-types leaves a requirement's key optional; the parser checks it.
const selectorOf = (obj: PodAffinityTerm['labelSelector']) => labelSelectorFromObject(obj as LabelSelectorObject | null | undefined)

function parseTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const listed = term.namespaces ?? []
  const hasNamespaceSelector = term.namespaceSelector !== undefined && term.namespaceSelector !== null
  const namespaces = new Set(listed.length === 0 && !hasNamespaceSelector ? [pod.metadata.namespace ?? ''] : listed)
  const selector = withLabelKeys(selectorOf(term.labelSelector), term, pod.metadata.labels ?? {})
  return {
    namespaces,
    namespaceSelector: hasNamespaceSelector ? selectorOf(term.namespaceSelector) : nothingSelector,
    selector,
    topologyKey: term.topologyKey ?? '',
    podsKey: hasNamespaceSelector ? undefined : `${[...namespaces].sort().join(',')}\0${selector.matchesNothing ? '!' : ''}${formatLabelSelector(selector)}`,
  }
}

/** The pod's affinity terms, parsed once per Pod object. */
function affinityOf(pod: Pod): ParsedAffinity {
  const cached = parsedTerms.get(pod)
  if (cached) return cached
  let error: string | undefined
  const parse = (term: PodAffinityTerm | undefined): AffinityTerm | undefined => {
    try {
      return parseTerm(pod, term ?? {})
    } catch (err) {
      error ??= (err as Error).message
      return undefined
    }
  }
  const weighted = (terms: WeightedPodAffinityTerm[] | undefined): WeightedTerm[] =>
    (terms ?? []).flatMap((t) => {
      const term = parse(t.podAffinityTerm)
      return term ? [{ ...term, weight: t.weight ?? 0 }] : []
    })
  const affinity = pod.spec?.affinity
  const required = (terms: PodAffinityTerm[] | undefined) => (terms ?? []).flatMap((t) => parse(t) ?? [])
  const parsed: ParsedAffinity = {
    required: required(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAnti: required(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferred: weighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAnti: weighted(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    ...(error ? { error } : {}),
  }
  parsedTerms.set(pod, parsed)
  return parsed
}

/** An existing pod's term against the incoming pod, whose namespace has these labels (none when unknown, as upstream). */
function existingTermMatches(term: AffinityTerm, pod: Pod, namespaceLabels: Record<string, string>): boolean {
  const inNamespace = term.namespaces.has(pod.metadata.namespace ?? '') || matchesLabels(term.namespaceSelector, namespaceLabels)
  return inNamespace && matchesLabels(term.selector, pod.metadata.labels)
}

/**
 * Matches the incoming pod's terms against existing pods. Upstream expands
 * the namespaceSelector into the list of existing namespaces it selects; here
 * the labels of each pod's namespace are looked up (once per namespace), and
 * a namespace the snapshot does not know is selected only by {}.
 */
class IncomingTermMatcher {
  readonly #snapshot: Snapshot
  readonly #namespaceHits = new Map<AffinityTerm, Map<string, boolean>>()

  constructor(snapshot: Snapshot) {
    this.#snapshot = snapshot
  }

  matches(term: AffinityTerm, pod: Pod): boolean {
    const namespace = pod.metadata.namespace ?? ''
    if (!term.namespaces.has(namespace)) {
      const selector = term.namespaceSelector
      if (selector.matchesNothing) return false
      if (!isEmptyLabelSelector(selector)) {
        let hits = this.#namespaceHits.get(term)
        if (!hits) this.#namespaceHits.set(term, (hits = new Map()))
        let hit = hits.get(namespace)
        if (hit === undefined) {
          const labels = this.#snapshot.namespaceLabels(namespace)
          hit = labels !== undefined && matchesLabels(selector, labels)
          hits.set(namespace, hit)
        }
        if (!hit) return false
      }
    }
    return matchesLabels(term.selector, pod.metadata.labels)
  }

  matchesAll(terms: readonly AffinityTerm[], pod: Pod): boolean {
    return terms.length > 0 && terms.every((t) => this.matches(t, pod))
  }
}

// Per node, how many of its pods a term (or a set of terms) picks, valid
// while the node's generation (bumped by every pod added or removed) stays:
// the replicas of a workload ask the same of mostly unchanged nodes.
const nodeMatchCounts = new WeakMap<NodeInfo, { generation: number; counts: Map<string, number> }>()

function podsMatching(node: NodeInfo, key: string | undefined, matches: (pod: Pod) => boolean): number {
  let cache: Map<string, number> | undefined
  if (key !== undefined) {
    let entry = nodeMatchCounts.get(node)
    if (!entry || entry.generation !== node.generation) nodeMatchCounts.set(node, (entry = { generation: node.generation, counts: new Map() }))
    cache = entry.counts
    const cached = cache.get(key)
    if (cached !== undefined) return cached
  }
  let n = 0
  for (const info of node.pods.values()) if (matches(info.pod)) n++
  cache?.set(key as string, n)
  return n
}

/** One key for several terms, undefined if one of them has none. */
function termsKey(terms: readonly AffinityTerm[]): string | undefined {
  return terms.every((t) => t.podsKey !== undefined) ? `all\0${terms.map((t) => t.podsKey).join('\u0001')}` : undefined
}

/** Counts per topology key, then per value. */
type TopologyCounts = Map<string, Map<string, number>>

function addCount(counts: TopologyCounts, key: string, value: string, n: number): void {
  let values = counts.get(key)
  if (!values) counts.set(key, (values = new Map()))
  values.set(value, (values.get(value) ?? 0) + n)
}

function countAt(counts: TopologyCounts, key: string, value: string): number {
  return counts.get(key)?.get(value) ?? 0
}

interface FilterState {
  readonly required: readonly AffinityTerm[]
  readonly requiredAnti: readonly AffinityTerm[]
  /** Existing pods matching all of the pod's required affinity terms, counted under each term's pair. */
  readonly affinityCounts: TopologyCounts
  /** Existing pods matching each of the pod's required anti-affinity terms. */
  readonly antiAffinityCounts: TopologyCounts
  /** Existing pods whose required anti-affinity terms match the pod. */
  readonly existingAntiAffinityCounts: TopologyCounts
  /** For a pod that is the first of a group with affinity to itself. */
  readonly matchesOwnAffinity: boolean
}

function preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | undefined {
  const own = affinityOf(pod.pod)
  if (own.error) return unresolvable(`parsing pod: ${own.error}`)
  const namespaceLabels = snapshot.namespaceLabels(pod.pod.metadata.namespace ?? '') ?? {}

  const existingAntiAffinityCounts: TopologyCounts = new Map()
  for (const node of snapshot.nodesWithRequiredAntiAffinityPods()) {
    const labels = node.labels()
    for (const existing of node.podsWithRequiredAntiAffinity.values()) {
      for (const term of affinityOf(existing.pod).requiredAnti) {
        const value = labelValue(labels, term.topologyKey)
        if (value !== undefined && existingTermMatches(term, pod.pod, namespaceLabels)) addCount(existingAntiAffinityCounts, term.topologyKey, value, 1)
      }
    }
  }

  if (existingAntiAffinityCounts.size === 0 && own.required.length === 0 && own.requiredAnti.length === 0) {
    // Nothing to check on any node (upstream's Skip).
    state.set(interPodAffinityName, null)
    return undefined
  }

  const matcher = new IncomingTermMatcher(snapshot)
  const affinityCounts: TopologyCounts = new Map()
  const antiAffinityCounts: TopologyCounts = new Map()
  if (own.required.length > 0 || own.requiredAnti.length > 0) {
    const requiredKey = termsKey(own.required)
    const matchesRequired = (p: Pod) => matcher.matchesAll(own.required, p)
    const antiMatchers = own.requiredAnti.map((term) => (p: Pod) => matcher.matches(term, p))
    for (const node of snapshot.nodes) {
      const labels = node.labels()
      // A pod must match all the affinity terms; it then counts under each.
      const matching = own.required.length > 0 ? podsMatching(node, requiredKey, matchesRequired) : 0
      if (matching > 0) {
        for (const term of own.required) {
          const value = labelValue(labels, term.topologyKey)
          if (value !== undefined) addCount(affinityCounts, term.topologyKey, value, matching)
        }
      }
      for (let i = 0; i < own.requiredAnti.length; i++) {
        const term = own.requiredAnti[i]
        const value = labelValue(labels, term.topologyKey)
        if (value === undefined) continue
        const n = podsMatching(node, term.podsKey, antiMatchers[i])
        if (n > 0) addCount(antiAffinityCounts, term.topologyKey, value, n)
      }
    }
  }

  const filterState: FilterState = {
    required: own.required,
    requiredAnti: own.requiredAnti,
    affinityCounts,
    antiAffinityCounts,
    existingAntiAffinityCounts,
    matchesOwnAffinity: matcher.matchesAll(own.required, pod.pod),
  }
  state.set(interPodAffinityName, filterState)
  return undefined
}

function satisfiesPodAffinity(s: FilterState, labels: Record<string, string>): boolean {
  let podsExist = true
  for (const term of s.required) {
    const value = labelValue(labels, term.topologyKey)
    // The node must carry every topology key, even for the first pod of a group.
    if (value === undefined) return false
    if (countAt(s.affinityCounts, term.topologyKey, value) <= 0) podsExist = false
  }
  // No pod anywhere matches yet: the pod may start its own group if it matches its own terms.
  return podsExist || (s.affinityCounts.size === 0 && s.matchesOwnAffinity)
}

function satisfiesPodAntiAffinity(s: FilterState, labels: Record<string, string>): boolean {
  if (s.antiAffinityCounts.size === 0) return true
  for (const term of s.requiredAnti) {
    const value = labelValue(labels, term.topologyKey)
    if (value !== undefined && countAt(s.antiAffinityCounts, term.topologyKey, value) > 0) return false
  }
  return true
}

function satisfiesExistingPodsAntiAffinity(s: FilterState, labels: Record<string, string>): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true
  for (const [key, values] of s.existingAntiAffinityCounts) {
    const value = labelValue(labels, key)
    if (value !== undefined && (values.get(value) ?? 0) > 0) return false
  }
  return true
}

export const interPodAffinityFilter: FilterPlugin = {
  name: interPodAffinityName,
  // A matching pod appearing (affinity), a conflicting one going or changing
  // labels (anti-affinity), a node joining a domain, or a namespace's labels
  // changing under a namespaceSelector.
  events: ['PodAdd', 'PodUpdate', 'PodDelete', 'NodeAdd', 'NodeUpdate', 'NamespaceChange'],
  preFilter,
  filter(state, _pod, node) {
    const s = state.get(interPodAffinityName) as FilterState | null | undefined
    if (s === undefined) return { code: 'Error', reasons: [`reading "PreFilter${interPodAffinityName}" from cycleState: not found`] }
    if (s === null) return success
    const labels = node.labels()
    if (!satisfiesPodAffinity(s, labels)) return unresolvable(reasonAffinityRulesNotMatch)
    // Anti-affinity conflicts are with pods that preemption could remove.
    if (!satisfiesPodAntiAffinity(s, labels)) return unschedulable(reasonAntiAffinityRulesNotMatch)
    if (!satisfiesExistingPodsAntiAffinity(s, labels)) return unschedulable(reasonExistingAntiAffinityRulesNotMatch)
    return success
  },
}

// ---- Scoring ----

const scoreStateKey = `${interPodAffinityName}/score`

function addWeights(scores: TopologyCounts, terms: readonly WeightedTerm[], matches: (t: AffinityTerm) => boolean, labels: Record<string, string>, sign: number): void {
  for (const term of terms) {
    const value = labelValue(labels, term.topologyKey)
    if (value !== undefined && matches(term)) addCount(scores, term.topologyKey, value, sign * term.weight)
  }
}

function hasLabels(labels: Record<string, string>): boolean {
  for (const key in labels) if (Object.hasOwn(labels, key)) return true
  return false
}

function preScore(state: CycleState, pod: PodInfo, _nodes: readonly NodeInfo[], snapshot: Snapshot): void {
  const own = affinityOf(pod.pod)
  const hasPreferred = own.preferred.length > 0 || own.preferredAnti.length > 0
  const namespaceLabels = snapshot.namespaceLabels(pod.pod.metadata.namespace ?? '') ?? {}
  const matcher = new IncomingTermMatcher(snapshot)
  const scores: TopologyCounts = new Map()
  const existingMatches = (t: AffinityTerm) => existingTermMatches(t, pod.pod, namespaceLabels)
  // Without preferred terms of its own, only pods with affinity terms can add to a score.
  for (const node of hasPreferred ? snapshot.nodes : snapshot.nodesWithAffinityPods()) {
    const labels = node.labels()
    if (!hasLabels(labels)) continue
    for (const existing of (hasPreferred ? node.pods : node.podsWithAffinity).values()) {
      const incomingMatches = (t: AffinityTerm) => matcher.matches(t, existing.pod)
      addWeights(scores, own.preferred, incomingMatches, labels, 1)
      addWeights(scores, own.preferredAnti, incomingMatches, labels, -1)
      const theirs = affinityOf(existing.pod)
      for (const term of theirs.required) {
        const value = labelValue(labels, term.topologyKey)
        if (value !== undefined && existingMatches(term)) addCount(scores, term.topologyKey, value, hardPodAffinityWeight)
      }
      addWeights(scores, theirs.preferred, existingMatches, labels, 1)
      addWeights(scores, theirs.preferredAnti, existingMatches, labels, -1)
    }
  }
  state.set(scoreStateKey, scores)
}

export const interPodAffinityScore: ScorePlugin = {
  name: interPodAffinityName,
  weight: 2,
  preScore,
  /** The summed weights of the domains the node is in: positive for affinity, negative for anti-affinity. */
  score(state, _pod, node) {
    const scores = state.get(scoreStateKey) as TopologyCounts | undefined
    if (!scores || scores.size === 0) return 0
    const labels = node.labels()
    let score = 0
    for (const [key, values] of scores) {
      const value = labelValue(labels, key)
      if (value !== undefined) score += values.get(value) ?? 0
    }
    return score
  },
  /** Min-max to 0..100 over the scored nodes; all 0 when they are all equal. */
  normalize(state, _pod, _nodes, scores) {
    const topologyScores = state.get(scoreStateKey) as TopologyCounts | undefined
    if (!topologyScores || topologyScores.size === 0) return
    let min = Infinity
    let max = -Infinity
    for (const s of scores) {
      if (s > max) max = s
      if (s < min) min = s
    }
    const diff = max - min
    // Same operation order as upstream, so float rounding truncates alike.
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(maxNodeScore * ((scores[i] - min) / diff)) : 0
  },
}
