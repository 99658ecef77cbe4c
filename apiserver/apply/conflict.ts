// The 409 an Apply gets when it would take fields other managers own with
// other values, worded as kube-apiserver words it; kubectl prints the message
// and adds its hint about --force-conflicts.
import { StatusError, failure } from '../status-error.ts'
import { parseManagerIdentifier } from './managers.ts'
import { pathString } from './path-element.ts'
import type { Conflict } from './updater.ts'

/** `"kubectl-client-side-apply" using v1`; appliers print without a version. */
export function printManager(id: string): string {
  let info
  try {
    info = parseManagerIdentifier(id)
  } catch {
    return JSON.stringify(id)
  }
  let out = JSON.stringify(info.manager)
  if (info.subresource) out += ` with subresource ${JSON.stringify(info.subresource)}`
  if (info.operation === 'Update') out += ` using ${info.apiVersion ?? ''}`
  return out
}

/**
 * Orders conflicts as upstream's message lists them: by manager identifier,
 * then each manager's fields in FieldsV1 order.
 */
function ordered(conflicts: readonly Conflict[]): Conflict[] {
  const ids = [...new Set(conflicts.map((c) => c.manager))].sort()
  return ids.flatMap((id) => conflicts.filter((c) => c.manager === id))
}

export function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`
  }
  const lines: string[] = []
  const list = ordered(conflicts)
  for (const id of [...new Set(list.map((c) => c.manager))]) {
    lines.push(`conflicts with ${printManager(id)}:`)
    for (const c of list) if (c.manager === id) lines.push(`- ${pathString(c.path)}`)
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`
}

/** 409 Conflict with one FieldManagerConflict cause per field, as errors.NewApplyConflict. */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  const causes = ordered(conflicts).map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }))
  return new StatusError(failure(409, 'Conflict', conflictMessage(conflicts), { causes }))
}
