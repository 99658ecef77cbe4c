// apps/v1 ControllerRevision: an immutable snapshot of a DaemonSet's or
// StatefulSet's template. The strategy is three lines, so it lives here.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import { defineResource } from '../../types.ts'
import { controllerRevisionPrinter } from '../../../printers/workload-printers.ts'

export interface ControllerRevision extends KubeObject {
  data?: unknown
  revision?: number
}

function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs: FieldError[] = []
  if (cr.data === undefined || cr.data === null) errs.push(fieldErrors.required('data', 'data is mandatory'))
  errs.push(...validateNonNegative(cr.revision, 'revision'))
  return errs
}

export const controllerRevisions = defineResource<ControllerRevision>({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  printer: controllerRevisionPrinter,
  strategy: {
    validate: validateControllerRevision,
    validateUpdate: (next, prev) => [...validateControllerRevision(next), ...validateImmutableField(next.data, prev.data, 'data')],
  },
})
