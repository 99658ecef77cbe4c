// ConfigMap: keys become file names when mounted, so they follow the config
// key rule; `immutable: true` freezes the data for good.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isConfigMapKey } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import type { Strategy } from '../../types.ts'

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>
  binaryData?: Record<string, string>
  immutable?: boolean
}

/** The most a ConfigMap or Secret may hold (etcd's request limit is not far above). */
export const maxDataSize = 1024 * 1024

function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = []
  let size = 0
  for (const [key, value] of Object.entries(cm.data ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(`data[${key}]`, key, msg))
    if (cm.binaryData && Object.hasOwn(cm.binaryData, key)) errs.push(fieldErrors.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'))
    size += Buffer.byteLength(String(value))
  }
  for (const [key, value] of Object.entries(cm.binaryData ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(`binaryData[${key}]`, key, msg))
    size += Buffer.from(String(value), 'base64').length
  }
  if (size > maxDataSize) errs.push(fieldErrors.tooLong('', maxDataSize))
  return errs
}

/** Shared by ConfigMaps and Secrets: once `immutable` is true, neither it nor the data may change. */
export function validateImmutableData(next: { immutable?: boolean; [field: string]: unknown }, prev: { immutable?: boolean; [field: string]: unknown }, fields: string[]): FieldError[] {
  if (!prev.immutable) return []
  const errs: FieldError[] = []
  if (!next.immutable) errs.push(fieldErrors.forbidden('immutable', 'field is immutable when `immutable` is set'))
  for (const field of fields) {
    if (!semanticEqual(next[field], prev[field])) errs.push(fieldErrors.forbidden(field, 'field is immutable when `immutable` is set'))
  }
  return errs
}

export const configMapStrategy: Strategy<ConfigMap> = {
  validate: validateConfigMap,
  validateUpdate: (next, prev) => [...validateImmutableData(next, prev, ['data', 'binaryData']), ...validateConfigMap(next)],
}
