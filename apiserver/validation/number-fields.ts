// Checks on integer fields, with upstream's wording.
import { fieldErrors, type FieldError } from './field-error.ts'

export const isNegativeMessage = 'must be greater than or equal to 0'

export function inclusiveRangeMessage(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`
}

/** Absent values pass: defaults or "required" checks deal with those. */
export function validateNonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [fieldErrors.invalid(field, value, isNegativeMessage)] : []
}

/** JSON gives no int32 guarantee; a fraction or a string where an integer belongs is a type error upstream. */
export function validateInteger(value: unknown, field: string): FieldError[] {
  if (value === undefined || value === null) return []
  return typeof value === 'number' && Number.isInteger(value) ? [] : [fieldErrors.invalid(field, value, 'must be an integer')]
}

/** apimachinery's IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeMessage(1, 65535)]
}
