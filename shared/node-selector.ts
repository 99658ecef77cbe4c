// Matching nodes against a pod's node constraints as upstream's
// component-helpers/scheduling/corev1/nodeaffinity does: spec.nodeSelector
// (every label equal) and NodeSelector terms (terms ORed, requirements in a
// term ANDed). The scheduler filters and scores with it; the kubelet and the
// DaemonSet controller will use the same rules to decide where pods belong.
//
// Everything compiles once into closures, because the scheduler runs a pod's
// constraints against hundreds of nodes.
import { isQualifiedName, isValidLabelValue } from './name-validation.ts'
import type { LabelSelectorRequirementObject, Node, NodeSelectorTerm, PodSpec } from './core-types.ts'

export type NodeMatcher = (node: Node) => boolean

/** core/v1 NodeSelector: the shape of requiredDuringSchedulingIgnoredDuringExecution. */
export interface NodeSelectorObject {
  nodeSelectorTerms?: NodeSelectorTerm[]
}

export interface CompiledNodeSelectorTerm {
  /**
   * False when upstream could not parse the term (bad operator, key or
   * values). An invalid term matches no node, the way upstream's lazy
   * selector skips it; validation keeps such terms out of stored pods.
   */
  readonly valid: boolean
  readonly matches: NodeMatcher
}

type LabelTest = (labels: Record<string, string>) => boolean
type FieldTest = (node: Node) => boolean

const matchNothing: NodeMatcher = () => false

// Go's strconv.ParseInt(s, 10, 64), which Gt and Lt use on both sides.
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined
  const n = BigInt(s)
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined
}

// labels.NewRequirement's checks followed by Requirement.Matches; undefined when it would not parse.
function compileLabelRequirement(req: LabelSelectorRequirementObject): LabelTest | undefined {
  const key = req.key ?? ''
  const values = req.values ?? []
  if (isQualifiedName(key).length > 0) return undefined
  if (values.some((v) => isValidLabelValue(v).length > 0)) return undefined
  const has = (labels: Record<string, string>) => Object.hasOwn(labels, key)
  switch (req.operator) {
    case 'In': {
      if (values.length === 0) return undefined
      const set = new Set(values)
      return (labels) => has(labels) && set.has(labels[key])
    }
    case 'NotIn': {
      if (values.length === 0) return undefined
      const set = new Set(values)
      return (labels) => !has(labels) || !set.has(labels[key])
    }
    case 'Exists':
      return values.length === 0 ? has : undefined
    case 'DoesNotExist':
      return values.length === 0 ? (labels) => !has(labels) : undefined
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1) return undefined
      const bound = parseInt64(values[0])
      if (bound === undefined) return undefined
      const greater = req.operator === 'Gt'
      return (labels) => {
        if (!has(labels)) return false
        const value = parseInt64(labels[key])
        if (value === undefined) return false
        return greater ? value > bound : value < bound
      }
    }
    default:
      return undefined
  }
}

// Upstream gives a node exactly one field, metadata.name; any other key reads as ''.
function fieldValue(node: Node, key: string): string {
  return key === 'metadata.name' ? (node.metadata.name ?? '') : ''
}

// nodeSelectorRequirementsAsFieldSelector: In takes one value, NotIn any number (all must differ).
function compileFieldRequirement(req: LabelSelectorRequirementObject): FieldTest | undefined {
  const key = req.key ?? ''
  const values = req.values ?? []
  if (req.operator === 'In') {
    if (values.length !== 1) return undefined
    const want = values[0]
    return (node) => fieldValue(node, key) === want
  }
  if (req.operator === 'NotIn') {
    if (values.length === 0) return undefined
    return (node) => !values.includes(fieldValue(node, key))
  }
  return undefined
}

/** A term with neither matchExpressions nor matchFields; it selects no node. */
export function isEmptyNodeSelectorTerm(term: NodeSelectorTerm | undefined): boolean {
  return (term?.matchExpressions?.length ?? 0) === 0 && (term?.matchFields?.length ?? 0) === 0
}

/** One term: all its expressions and fields must match. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): CompiledNodeSelectorTerm {
  if (isEmptyNodeSelectorTerm(term)) return { valid: true, matches: matchNothing }
  const labelTests: LabelTest[] = []
  const fieldTests: FieldTest[] = []
  for (const req of term.matchExpressions ?? []) {
    const test = compileLabelRequirement(req)
    if (!test) return { valid: false, matches: matchNothing }
    labelTests.push(test)
  }
  for (const req of term.matchFields ?? []) {
    const test = compileFieldRequirement(req)
    if (!test) return { valid: false, matches: matchNothing }
    fieldTests.push(test)
  }
  return {
    valid: true,
    matches(node) {
      const labels = node.metadata.labels ?? {}
      for (const test of labelTests) if (!test(labels)) return false
      // Upstream skips field requirements for a node without a name.
      if (fieldTests.length > 0 && node.metadata.name) {
        for (const test of fieldTests) if (!test(node)) return false
      }
      return true
    },
  }
}

/** A NodeSelector: any term may match; empty and invalid terms never do, so no terms means no node. */
export function compileNodeSelector(selector: NodeSelectorObject | undefined): NodeMatcher {
  const terms = (selector?.nodeSelectorTerms ?? []).filter((t) => !isEmptyNodeSelectorTerm(t)).map(compileNodeSelectorTerm)
  const matchers = terms.filter((t) => t.valid).map((t) => t.matches)
  if (matchers.length === 0) return matchNothing
  if (matchers.length === 1) return matchers[0]
  return (node) => matchers.some((m) => m(node))
}

/** Whether the node matches the selector; compile it instead when matching many nodes. */
export function matchesNodeSelector(node: Node, selector: NodeSelectorObject | undefined): boolean {
  return compileNodeSelector(selector)(node)
}

/** A pod's spec.nodeSelector: every key present with exactly that value. */
export function compileNodeSelectorMap(selector: Record<string, string>): NodeMatcher {
  const entries = Object.entries(selector)
  return (node) => {
    const labels = node.metadata.labels ?? {}
    for (const [key, value] of entries) if (!Object.hasOwn(labels, key) || labels[key] !== value) return false
    return true
  }
}

/**
 * What a node must satisfy for the pod (upstream's GetRequiredNodeAffinity):
 * spec.nodeSelector and, if set, the required node affinity. Undefined when
 * the pod constrains nothing, so callers can skip the check.
 */
export function compileRequiredNodeAffinity(spec: PodSpec | undefined): NodeMatcher | undefined {
  const selector = spec?.nodeSelector
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  const bySelector = selector && Object.keys(selector).length > 0 ? compileNodeSelectorMap(selector) : undefined
  const byAffinity = required ? compileNodeSelector(required) : undefined
  if (bySelector && byAffinity) return (node) => bySelector(node) && byAffinity(node)
  return bySelector ?? byAffinity
}
