// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding and
// ClusterRoleBinding. Their strategies are a line or two each over
// rbac-validation.ts, so the four declarations share this file. Names are
// any valid path segment (upstream allows "system:node", for instance).
import type { KubeObject } from '../../../../shared/api-types.ts'
import { fieldErrors } from '../../../validation/field-error.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import { nameIsPathSegment } from '../../../validation/resource-names.ts'
import { defineResource, type Strategy } from '../../types.ts'
import type { LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { clusterRoleBindingPrinter, roleBindingPrinter } from '../../../printers/rbac-printers.ts'
import { defaultBinding, validateAggregationRule, validatePolicyRules, validateRoleRef, validateSubjects, type PolicyRule, type RoleRef, type Subject } from './rbac-validation.ts'

interface Role extends KubeObject {
  rules?: PolicyRule[]
  aggregationRule?: { clusterRoleSelectors?: LabelSelectorObject[] }
}

interface Binding extends KubeObject {
  roleRef?: RoleRef
  subjects?: Subject[]
}

function roleStrategy(namespaced: boolean): Strategy<Role> {
  const validate = (role: Role) => [...validatePolicyRules(role.rules, namespaced), ...(namespaced ? [] : validateAggregationRule(role.aggregationRule))]
  return { validate, validateUpdate: validate }
}

function bindingStrategy(namespaced: boolean): Strategy<Binding> {
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole']
  const validate = (b: Binding) => [...validateRoleRef(b.roleRef, kinds), ...validateSubjects(b.subjects, namespaced)]
  return {
    defaults: defaultBinding,
    validate,
    // A binding grants what its role grants; retargeting it would be a different grant under an old name.
    validateUpdate: (next, prev) => [
      ...(semanticEqual(next.roleRef, prev.roleRef) ? [] : [fieldErrors.invalid('roleRef', next.roleRef ?? {}, 'cannot change roleRef')]),
      ...validate(next),
    ],
  }
}

const common = { group: 'rbac.authorization.k8s.io', version: 'v1', validateName: nameIsPathSegment }

export const roles = defineResource<Role>({ ...common, kind: 'Role', plural: 'roles', singular: 'role', namespaced: true, strategy: roleStrategy(true) })

export const clusterRoles = defineResource<Role>({ ...common, kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false, strategy: roleStrategy(false) })

export const roleBindings = defineResource<Binding>({ ...common, kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true, strategy: bindingStrategy(true), printer: roleBindingPrinter })

export const clusterRoleBindings = defineResource<Binding>({
  ...common,
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  strategy: bindingStrategy(false),
  printer: clusterRoleBindingPrinter,
})
