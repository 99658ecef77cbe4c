// spec.affinity: node affinity terms and pod (anti-)affinity terms, with
// upstream's messages for the mistakes people make by hand.
import { isValidLabelValue, validateLabelName } from '../../shared/name-validation.ts'
import { validateLabelSelectorObject, type LabelSelectorObject } from '../../shared/label-selector.ts'
import { childPath, fieldErrors, type FieldError } from './field-error.ts'
import { nameIsDNSLabel } from './resource-names.ts'

type Open = Record<string, unknown>
interface NodeSelectorRequirement { key?: string; operator?: string; values?: string[] }
interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }
interface PodAffinityTerm { labelSelector?: LabelSelectorObject; namespaces?: string[]; topologyKey?: string }
interface Weighted<T> { weight?: number; preference?: T; podAffinityTerm?: T }

export function validateAffinity(affinity: Open | undefined, path: string): FieldError[] {
  if (!affinity) return []
  const errs: FieldError[] = []
  const node = affinity.nodeAffinity as Open | undefined
  if (node) {
    const nodePath = childPath(path, 'nodeAffinity')
    const required = node.requiredDuringSchedulingIgnoredDuringExecution as { nodeSelectorTerms?: NodeSelectorTerm[] } | undefined
    if (required) {
      const termsPath = childPath(childPath(nodePath, 'requiredDuringSchedulingIgnoredDuringExecution'), 'nodeSelectorTerms')
      const terms = required.nodeSelectorTerms ?? []
      if (terms.length === 0) errs.push(fieldErrors.required(termsPath, 'must have at least one node selector term'))
      terms.forEach((term, i) => errs.push(...validateNodeSelectorTerm(term, childPath(termsPath, i), false)))
    }
    const preferred = (node.preferredDuringSchedulingIgnoredDuringExecution ?? []) as Weighted<NodeSelectorTerm>[]
    preferred.forEach((item, i) => {
      const itemPath = childPath(childPath(nodePath, 'preferredDuringSchedulingIgnoredDuringExecution'), i)
      errs.push(...validateWeight(item.weight, itemPath))
      // Preferred terms may use any value: they can still help on a one-node cluster.
      errs.push(...validateNodeSelectorTerm(item.preference ?? {}, childPath(itemPath, 'preference'), true))
    })
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pod = affinity[kind] as Open | undefined
    if (!pod) continue
    const podPath = childPath(path, kind)
    const required = (pod.requiredDuringSchedulingIgnoredDuringExecution ?? []) as PodAffinityTerm[]
    required.forEach((term, i) => errs.push(...validatePodAffinityTerm(term, childPath(childPath(podPath, 'requiredDuringSchedulingIgnoredDuringExecution'), i))))
    const preferred = (pod.preferredDuringSchedulingIgnoredDuringExecution ?? []) as Weighted<PodAffinityTerm>[]
    preferred.forEach((item, i) => {
      const itemPath = childPath(childPath(podPath, 'preferredDuringSchedulingIgnoredDuringExecution'), i)
      errs.push(...validateWeight(item.weight, itemPath))
      errs.push(...validatePodAffinityTerm(item.podAffinityTerm ?? {}, childPath(itemPath, 'podAffinityTerm')))
    })
  }
  return errs
}

function validateWeight(weight: number | undefined, path: string): FieldError[] {
  return weight !== undefined && weight > 0 && weight <= 100 ? [] : [fieldErrors.invalid(childPath(path, 'weight'), weight ?? 0, 'must be in the range 1-100')]
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string, allowInvalidValues: boolean): FieldError[] {
  const errs: FieldError[] = []
  ;(term.matchExpressions ?? []).forEach((req, i) => {
    const reqPath = childPath(childPath(path, 'matchExpressions'), i)
    const values = req.values ?? []
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(fieldErrors.required(childPath(reqPath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"))
        break
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(fieldErrors.forbidden(childPath(reqPath, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        break
      case 'Gt':
      case 'Lt':
        if (values.length !== 1) errs.push(fieldErrors.required(childPath(reqPath, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
        break
      default:
        errs.push(fieldErrors.invalid(childPath(reqPath, 'operator'), req.operator ?? '', 'not a valid selector operator'))
    }
    errs.push(...validateLabelName(req.key ?? '', childPath(reqPath, 'key')))
    if (!allowInvalidValues) {
      values.forEach((value, j) => {
        for (const msg of isValidLabelValue(value)) errs.push(fieldErrors.invalid(childPath(childPath(reqPath, 'values'), j), value, msg))
      })
    }
  })
  ;(term.matchFields ?? []).forEach((req, i) => {
    const reqPath = childPath(childPath(path, 'matchFields'), i)
    if (req.operator !== 'In' && req.operator !== 'NotIn') errs.push(fieldErrors.invalid(childPath(reqPath, 'operator'), req.operator ?? '', 'not a valid selector operator'))
    else if ((req.values ?? []).length !== 1) errs.push(fieldErrors.required(childPath(reqPath, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
    if (req.key !== 'metadata.name') errs.push(fieldErrors.invalid(childPath(reqPath, 'key'), req.key ?? '', 'not a valid field selector key'))
  })
  return errs
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): FieldError[] {
  const errs: FieldError[] = [...validateLabelSelectorObject(term.labelSelector, childPath(path, 'labelSelector'))]
  for (const namespace of term.namespaces ?? []) {
    for (const msg of nameIsDNSLabel(namespace, false)) errs.push(fieldErrors.invalid(childPath(path, 'namespace'), namespace, msg))
  }
  if (!term.topologyKey) errs.push(fieldErrors.required(childPath(path, 'topologyKey'), 'can not be empty'))
  errs.push(...validateLabelName(term.topologyKey ?? '', childPath(path, 'topologyKey')))
  return errs
}
