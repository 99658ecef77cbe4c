// NodeAffinity: the filter enforces spec.nodeSelector and the required node
// affinity; the score adds up the weights of the preferred terms a node
// matches, scaled so the best node gets maxNodeScore.
import { maxNodeScore, success, unresolvable, type FilterPlugin, type ScorePlugin, type Status } from '../framework.ts'
import type { Node, NodeSelectorTerm, PodSpec } from '../../shared/core-types.ts'
import { compileNodeSelectorTerm, compileRequiredNodeAffinity, isEmptyNodeSelectorTerm, type NodeMatcher } from '../../shared/node-selector.ts'

const name = 'NodeAffinity'
// Filter and score keep separate state, as upstream's PreFilter/PreScore keys.
const preFilterKey = `PreFilter${name}`
const preScoreKey = `PreScore${name}`

export const errReasonPod = "node(s) didn't match Pod's node affinity/selector"
export const errReasonConflict = 'pod affinity terms conflict'

// Only a node's labels (or a new node) can change the answer, so preemption is pointless.
const rejected: Status = Object.freeze({ code: 'UnschedulableAndUnresolvable', reasons: Object.freeze([errReasonPod]), plugin: name }) as Status

interface FilterState {
  /** Undefined when the pod has neither a nodeSelector nor required affinity. */
  readonly required: NodeMatcher | undefined
}

interface PreferredTerm {
  readonly weight: number
  readonly matches: NodeMatcher
}

interface ScoreState {
  readonly preferred: readonly PreferredTerm[]
}

function filterStateOf(spec: PodSpec | undefined): FilterState {
  return { required: compileRequiredNodeAffinity(spec) }
}

/**
 * Whether the terms can match no node by name: every term pins
 * metadata.name with In, and the pinned names come out empty. Upstream
 * rejects such a pod in PreFilter rather than on each node.
 */
function namePinsConflict(terms: readonly NodeSelectorTerm[]): boolean {
  const union = new Set<string>()
  for (const term of terms) {
    let names: Set<string> | undefined
    for (const field of term.matchFields ?? []) {
      if (field.key !== 'metadata.name' || field.operator !== 'In') continue
      const values = new Set(field.values ?? [])
      names = names ? new Set([...names].filter((n) => values.has(n))) : values
    }
    // A term that does not pin names may match any node; terms are ORed.
    if (!names) return false
    for (const n of names) union.add(n)
  }
  return union.size === 0
}

export const nodeAffinityFilter: FilterPlugin = {
  name,
  // A new node, or labels changing on one.
  events: ['NodeAdd', 'NodeUpdate'],
  preFilter(state, pod) {
    const spec = pod.pod.spec
    state.set(preFilterKey, filterStateOf(spec))
    const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
    if (terms && terms.length > 0 && namePinsConflict(terms)) return unresolvable(errReasonConflict)
    return undefined
  },
  filter(state, pod, node) {
    const { required } = (state.get(preFilterKey) as FilterState | undefined) ?? filterStateOf(pod.pod.spec)
    if (!required) return success
    return node.node && required(node.node) ? success : rejected
  },
}

function preferredTermsOf(spec: PodSpec | undefined): PreferredTerm[] {
  const terms: PreferredTerm[] = []
  for (const { weight, preference } of spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    // Upstream skips weightless and empty terms. It fails PreScore on an invalid
    // term; validation keeps those out of stored pods, so dropping it is enough.
    if (!weight || isEmptyNodeSelectorTerm(preference)) continue
    const compiled = compileNodeSelectorTerm(preference ?? {})
    if (compiled.valid) terms.push({ weight, matches: compiled.matches })
  }
  return terms
}

/** The sum of the weights of the pod's preferred terms the node matches. */
function preferenceScore(preferred: readonly PreferredTerm[], node: Node | undefined): number {
  if (!node) return 0
  let score = 0
  for (const term of preferred) if (term.matches(node)) score += term.weight
  return score
}

/**
 * Upstream's helper.DefaultNormalizeScore: scales scores so the highest
 * becomes maxNodeScore (integer division, as in Go); reverse turns it into
 * maxNodeScore minus that, so the lowest raw score wins. All zeros stay 0,
 * or become maxNodeScore when reversed.
 */
export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let max = 0
  for (const s of scores) if (s > max) max = s
  if (max === 0) {
    if (reverse) scores.fill(maxNodeScore)
    return
  }
  for (let i = 0; i < scores.length; i++) {
    const scaled = Math.trunc((maxNodeScore * scores[i]) / max)
    scores[i] = reverse ? maxNodeScore - scaled : scaled
  }
}

export const nodeAffinityScore: ScorePlugin = {
  name,
  weight: 2,
  preScore(state, pod) {
    state.set(preScoreKey, { preferred: preferredTermsOf(pod.pod.spec) } satisfies ScoreState)
  },
  score(state, pod, node) {
    const s = (state.get(preScoreKey) as ScoreState | undefined) ?? { preferred: preferredTermsOf(pod.pod.spec) }
    return preferenceScore(s.preferred, node.node)
  },
  normalize(_state, _pod, _nodes, scores) {
    defaultNormalizeScore(scores, false)
  },
}
