// Field errors as upstream's field.ErrorList: each becomes one cause of a
// 422 Invalid Status, printed by kubectl as `* <field>: <message>`.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'

export interface FieldError {
  type: FieldErrorType
  /** Dotted path with indexes, as upstream prints it: `spec.containers[0].image`. */
  field: string
  /** The full message, as upstream's ErrorList renders it, e.g. `Required value`. */
  message: string
}

function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined || value === null) return 'null'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

export const fieldErrors = {
  required(field: string, detail = ''): FieldError {
    return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' }
  },
  invalid(field: string, value: unknown, detail = ''): FieldError {
    return { type: 'FieldValueInvalid', field, message: `Invalid value: ${render(value)}${detail ? `: ${detail}` : ''}` }
  },
  notSupported(field: string, value: unknown, allowed: string[]): FieldError {
    const list = allowed.map((v) => JSON.stringify(v)).join(', ')
    return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${render(value)}${allowed.length ? `: supported values: ${list}` : ''}` }
  },
  duplicate(field: string, value: unknown): FieldError {
    return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${render(value)}` }
  },
  forbidden(field: string, detail: string): FieldError {
    return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` }
  },
  tooLong(field: string, maxLength: number): FieldError {
    return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${maxLength} bytes` }
  },
  notFound(field: string, value: unknown): FieldError {
    return { type: 'FieldValueNotFound', field, message: `Not found: ${render(value)}` }
  },
}

/** `a.b` + `c` → `a.b.c`; index segments come in as `[0]`. */
export function childPath(parent: string, child: string | number): string {
  if (typeof child === 'number') return `${parent}[${child}]`
  return parent ? `${parent}.${child}` : child
}
