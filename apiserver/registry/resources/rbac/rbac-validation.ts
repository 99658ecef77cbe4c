// rbac.authorization.k8s.io/v1 rules, role references and subjects, as
// upstream's ValidatePolicyRule, ValidateRoleBinding and ValidateRoleBindingSubject.
import { validateLabelSelectorObject, type LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { childPath, fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { nameIsDNSSubdomain, nameIsPathSegment } from '../../../validation/resource-names.ts'

export const rbacGroup = 'rbac.authorization.k8s.io'

export interface PolicyRule {
  verbs?: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

export interface RoleRef { apiGroup?: string; kind?: string; name?: string }
export interface Subject { kind?: string; apiGroup?: string; name?: string; namespace?: string }

export function validatePolicyRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = []
  ;(rules ?? []).forEach((rule, i) => {
    const path = `rules[${i}]`
    if ((rule.verbs ?? []).length === 0) errs.push(fieldErrors.required(childPath(path, 'verbs'), 'verbs must contain at least one value'))
    if ((rule.nonResourceURLs ?? []).length > 0) {
      // Non-resource URLs (/healthz, /metrics) exist only cluster-wide.
      if (namespaced) errs.push(fieldErrors.invalid(childPath(path, 'nonResourceURLs'), rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'))
      if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
        errs.push(fieldErrors.invalid(childPath(path, 'nonResourceURLs'), rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'))
      }
      return
    }
    if ((rule.apiGroups ?? []).length === 0) errs.push(fieldErrors.required(childPath(path, 'apiGroups'), 'resource rules must supply at least one api group'))
    if ((rule.resources ?? []).length === 0) errs.push(fieldErrors.required(childPath(path, 'resources'), 'resource rules must supply at least one resource'))
  })
  return errs
}

export function validateAggregationRule(rule: { clusterRoleSelectors?: LabelSelectorObject[] } | undefined): FieldError[] {
  if (!rule) return []
  const selectors = rule.clusterRoleSelectors ?? []
  if (selectors.length === 0) return [fieldErrors.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil')]
  return selectors.flatMap((selector, i) => validateLabelSelectorObject(selector, `aggregationRule.clusterRoleSelectors[${i}]`))
}

export function validateRoleRef(ref: RoleRef | undefined, allowedKinds: string[]): FieldError[] {
  const r = ref ?? {}
  const errs: FieldError[] = []
  if (r.apiGroup !== rbacGroup) errs.push(fieldErrors.notSupported('roleRef.apiGroup', r.apiGroup ?? '', [rbacGroup]))
  if (!allowedKinds.includes(r.kind ?? '')) errs.push(fieldErrors.notSupported('roleRef.kind', r.kind ?? '', allowedKinds))
  if (!r.name) errs.push(fieldErrors.required('roleRef.name'))
  else for (const msg of nameIsPathSegment(r.name, false)) errs.push(fieldErrors.invalid('roleRef.name', r.name, msg))
  return errs
}

export function validateSubjects(subjects: Subject[] | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = []
  ;(subjects ?? []).forEach((subject, i) => {
    const path = `subjects[${i}]`
    if (!subject.name) errs.push(fieldErrors.required(childPath(path, 'name')))
    switch (subject.kind) {
      case 'ServiceAccount':
        if (subject.name) for (const msg of nameIsDNSSubdomain(subject.name, false)) errs.push(fieldErrors.invalid(childPath(path, 'name'), subject.name, msg))
        if (subject.apiGroup) errs.push(fieldErrors.notSupported(childPath(path, 'apiGroup'), subject.apiGroup, ['']))
        // A ClusterRoleBinding cannot guess which namespace's account is meant.
        if (!namespaced && !subject.namespace) errs.push(fieldErrors.required(childPath(path, 'namespace')))
        break
      case 'User':
      case 'Group':
        if (subject.apiGroup !== rbacGroup) errs.push(fieldErrors.notSupported(childPath(path, 'apiGroup'), subject.apiGroup ?? '', [rbacGroup]))
        break
      default:
        errs.push(fieldErrors.notSupported(childPath(path, 'kind'), subject.kind ?? '', ['ServiceAccount', 'User', 'Group']))
    }
  })
  return errs
}

/** rbac/v1 defaults: role references and user/group subjects name the RBAC group. */
export function defaultBinding(binding: { roleRef?: RoleRef; subjects?: Subject[] }): void {
  if (binding.roleRef && !binding.roleRef.apiGroup) binding.roleRef.apiGroup = rbacGroup
  for (const subject of binding.subjects ?? []) {
    if (!subject.apiGroup && (subject.kind === 'User' || subject.kind === 'Group')) subject.apiGroup = rbacGroup
  }
}
