// Where a DaemonSet's pods belong and what they look like (upstream's
// NodeShouldRunDaemonPod, NewPod and pkg/controller/daemon/util): the pod
// the template makes for a node, with the tolerations every daemon pod gets,
// checked against the node's name, required node affinity and taints.
import type { Affinity, Node, Pod, PodSpec, PodTemplateSpec, Toleration } from '../../../shared/core-types.ts'
import { compileRequiredNodeAffinity } from '../../../shared/node-selector.ts'
import {
  findUntoleratedTaint, taintEffectNoExecute, taintEffectNoSchedule, taintNodeDiskPressure, taintNodeMemoryPressure,
  taintNodeNetworkUnavailable, taintNodeNotReady, taintNodePIDPressure, taintNodeUnreachable, taintNodeUnschedulable,
} from '../../../shared/taints.ts'
import { revisionLabel } from '../history/controller-revision.ts'
import type { DaemonSet } from './daemonset-types.ts'

/** apps/v1 DaemonSetTemplateGenerationKey: the deprecated label old controllers matched pods by. */
export const templateGenerationLabel = 'pod-template-generation'
export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation'

// Equal as upstream's Toleration.MatchToleration: key, operator, value and effect.
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '')
}

/**
 * Adds the tolerations upstream gives every daemon pod (AddOrUpdateDaemonPodTolerations):
 * the node lifecycle controller must not evict them when a node goes
 * not-ready or unreachable, and the node-condition taints must not keep them
 * off. network-unavailable only for hostNetwork pods, which need no pod network.
 */
export function addDaemonPodTolerations(spec: PodSpec): void {
  const wanted: Toleration[] = [
    { key: taintNodeNotReady, operator: 'Exists', effect: taintEffectNoExecute },
    { key: taintNodeUnreachable, operator: 'Exists', effect: taintEffectNoExecute },
    { key: taintNodeDiskPressure, operator: 'Exists', effect: taintEffectNoSchedule },
    { key: taintNodeMemoryPressure, operator: 'Exists', effect: taintEffectNoSchedule },
    { key: taintNodePIDPressure, operator: 'Exists', effect: taintEffectNoSchedule },
    { key: taintNodeUnschedulable, operator: 'Exists', effect: taintEffectNoSchedule },
  ]
  if (spec.hostNetwork) wanted.push({ key: taintNodeNetworkUnavailable, operator: 'Exists', effect: taintEffectNoSchedule })
  const tolerations = (spec.tolerations ??= [])
  for (const t of wanted) if (!tolerations.some((have) => sameToleration(have, t))) tolerations.push(t)
}

/** The pod the DaemonSet would run on node, for the eligibility checks (upstream's NewPod). */
export function newDaemonPod(ds: DaemonSet, nodeName: string): Pod {
  const template = ds.spec?.template ?? {}
  const spec: PodSpec = structuredClone(template.spec ?? {})
  spec.nodeName = nodeName
  addDaemonPodTolerations(spec)
  return { metadata: { ...structuredClone(template.metadata ?? {}), namespace: ds.metadata.namespace }, spec }
}

export interface NodeEligibility {
  /** A daemon pod should be created on the node if it has none. */
  shouldRun: boolean
  /** A daemon pod already there may stay (it tolerates the NoExecute taints). */
  shouldContinueRunning: boolean
}

/**
 * Upstream's NodeShouldRunDaemonPod: the template's nodeName, nodeSelector
 * and required node affinity must match; untolerated NoSchedule/NoExecute
 * taints stop new pods, and only untolerated NoExecute taints evict old ones.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodeEligibility {
  const name = node.metadata.name ?? ''
  const templateNodeName = ds.spec?.template?.spec?.nodeName
  if (templateNodeName && templateNodeName !== name) return { shouldRun: false, shouldContinueRunning: false }
  const pod = newDaemonPod(ds, name)
  const affinity = compileRequiredNodeAffinity(pod.spec)
  if (affinity && !affinity(node)) return { shouldRun: false, shouldContinueRunning: false }
  const taints = node.spec?.taints
  const tolerations = pod.spec?.tolerations
  const blocking = findUntoleratedTaint(taints, tolerations, (t) => t.effect === taintEffectNoSchedule || t.effect === taintEffectNoExecute)
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true }
  const evicting = findUntoleratedTaint(taints, tolerations, (t) => t.effect === taintEffectNoExecute)
  return { shouldRun: false, shouldContinueRunning: !evicting }
}

/** The DaemonSet's template generation (its annotation), or undefined when absent or unparsable. */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const raw = ds.metadata.annotations?.[templateGenerationAnnotation]
  if (raw === undefined) return undefined
  const n = Number(raw)
  return Number.isInteger(n) ? n : undefined
}

/** Upstream's CreatePodTemplate: the template plus daemon tolerations, generation and hash labels. */
export function daemonPodTemplate(template: PodTemplateSpec | undefined, generation: number | undefined, hash: string): PodTemplateSpec {
  const copy: PodTemplateSpec = structuredClone(template ?? {})
  copy.spec ??= {}
  addDaemonPodTolerations(copy.spec)
  copy.metadata = { ...copy.metadata, labels: { ...copy.metadata?.labels } }
  if (generation !== undefined) copy.metadata.labels![templateGenerationLabel] = String(generation)
  if (hash) copy.metadata.labels![revisionLabel] = hash
  return copy
}

/**
 * Pins the pod to one node for the scheduler (upstream's
 * ReplaceDaemonSetPodNodeNameNodeAffinity): the required node affinity becomes
 * the single term `metadata.name In [node]`. The controller already checked
 * the template's own affinity against the node, so nothing is lost.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] }
  const result: Affinity = { ...structuredClone(affinity ?? {}) }
  result.nodeAffinity = { ...result.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required }
  return result
}

/** The node a daemon pod is for: spec.nodeName once bound, else its `metadata.name In [node]` term (upstream's GetTargetNodeName). */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const req of term.matchFields ?? []) {
      if (req.key === 'metadata.name' && req.operator === 'In') return req.values?.length === 1 ? req.values[0] : undefined
    }
  }
  return undefined
}

/** Upstream's IsPodUpdated: the revision hash label matches, or (for old pods) the template generation label. */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {}
  const templateMatches = generation !== undefined && labels[templateGenerationLabel] === String(generation)
  const hashMatches = hash.length > 0 && labels[revisionLabel] === hash
  return hashMatches || templateMatches
}

/** Go's creationTimestamp order with bound pods first and names breaking ties (upstream's podByCreationTimestampAndPhase). */
export function compareDaemonPods(a: Pod, b: Pod): number {
  const boundA = Boolean(a.spec?.nodeName)
  const boundB = Boolean(b.spec?.nodeName)
  if (boundA !== boundB) return boundA ? -1 : 1
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0
  if (ta !== tb) return ta - tb
  const na = a.metadata.name ?? ''
  const nb = b.metadata.name ?? ''
  return na < nb ? -1 : na > nb ? 1 : 0
}
