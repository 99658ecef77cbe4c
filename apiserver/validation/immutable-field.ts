// Upstream's ValidateImmutableField and its one message.
import { fieldErrors, type FieldError } from './field-error.ts'
import { semanticEqual } from './object-diff.ts'

export const fieldImmutableMessage = 'field is immutable'

export function validateImmutableField(next: unknown, prev: unknown, field: string): FieldError[] {
  return semanticEqual(next, prev) ? [] : [fieldErrors.invalid(field, next, fieldImmutableMessage)]
}
