// PATCH's query options as upstream validates them (ValidatePatchOptions):
// an apply names its field manager, and only an apply may say `force`.
import { StatusError } from '../status-error.ts'
import { fieldErrors } from '../validation/field-error.ts'

export const applyPatchType = 'application/apply-patch+yaml'

/** Returns whether the apply is forced; throws 422 PatchOptions errors. */
export function checkPatchOptions(patchType: string, options: { fieldManager?: string; force?: string }): boolean {
  if (patchType !== applyPatchType) {
    if (options.force !== undefined) throw invalidPatchOptions(fieldErrors.forbidden('force', 'may not be specified for non-apply patch'))
    return false
  }
  // kubectl defaults it to "kubectl"; controllers have to say who they are.
  if (!options.fieldManager) throw invalidPatchOptions(fieldErrors.required('fieldManager', 'is required for apply patch'))
  return options.force === 'true' || options.force === '1'
}

function invalidPatchOptions(error: ReturnType<typeof fieldErrors.required>): StatusError {
  return StatusError.invalid('meta.k8s.io', 'PatchOptions', '', [error])
}
