// RoleBindings and ClusterRoleBindings as `kubectl get` shows them; Roles
// and ClusterRoles have no printer upstream and get the default table.
import type { KubeObject } from '../../shared/api-types.ts'
import { since } from './cell-formats.ts'
import { ageColumn, column, definePrinter, nameColumn, type Printer } from './printer.ts'

interface Binding extends KubeObject {
  roleRef?: { kind?: string; name?: string }
  subjects?: { kind?: string; name?: string; namespace?: string }[]
}

/** SubjectsStrings: users, groups and `namespace/name` service accounts (other kinds are not shown). */
function subjects(binding: Binding): [string, string, string] {
  const users: string[] = []
  const groups: string[] = []
  const serviceAccounts: string[] = []
  for (const s of binding.subjects ?? []) {
    if (s.kind === 'ServiceAccount') serviceAccounts.push(`${s.namespace ?? ''}/${s.name ?? ''}`)
    else if (s.kind === 'User') users.push(s.name ?? '')
    else if (s.kind === 'Group') groups.push(s.name ?? '')
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')]
}

function bindingPrinter(kind: 'RoleBinding' | 'ClusterRoleBinding', roleRefDoc: 'rbac.RoleBinding.roleRef' | 'rbac.ClusterRoleBinding.roleRef'): Printer {
  const noun = kind === 'RoleBinding' ? 'roleBinding' : 'clusterRoleBinding'
  return definePrinter<Binding>({
    columns: [
      nameColumn,
      column('Role', 'string', roleRefDoc),
      ageColumn,
      column('Users', 'string', { text: `Users in the ${noun}` }, { priority: 1 }),
      column('Groups', 'string', { text: `Groups in the ${noun}` }, { priority: 1 }),
      column('ServiceAccounts', 'string', { text: `ServiceAccounts in the ${noun}` }, { priority: 1 }),
    ],
    cells: (b, now) => [b.metadata.name ?? '', `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, since(b.metadata.creationTimestamp, now), ...subjects(b)],
  })
}

export const roleBindingPrinter = bindingPrinter('RoleBinding', 'rbac.RoleBinding.roleRef')
export const clusterRoleBindingPrinter = bindingPrinter('ClusterRoleBinding', 'rbac.ClusterRoleBinding.roleRef')
