// Secret: data values are base64 (stringData is a write-only convenience
// folded into data), keys follow the config key rule, and each well-known
// type requires its keys.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isConfigMapKey } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import type { Strategy } from '../../types.ts'
import { maxDataSize, validateImmutableData } from './configmap-strategy.ts'

export interface Secret extends KubeObject {
  type?: string
  data?: Record<string, string>
  stringData?: Record<string, string>
  immutable?: boolean
}

const serviceAccountNameAnnotation = 'kubernetes.io/service-account.name'

// Keys each type must carry (any one of a group of alternatives).
const requiredKeys: Record<string, string[][]> = {
  'kubernetes.io/dockercfg': [['.dockercfg']],
  'kubernetes.io/dockerconfigjson': [['.dockerconfigjson']],
  'kubernetes.io/basic-auth': [['username', 'password']],
  'kubernetes.io/ssh-auth': [['ssh-privatekey']],
  'kubernetes.io/tls': [['tls.crt'], ['tls.key']],
}

const base64Alphabet = /^[A-Za-z0-9+/]*={0,2}$/

/** Where Go's strict base64 decoder would stop, as it reports it; undefined when valid. */
export function base64ErrorOffset(value: string): number | undefined {
  for (let i = 0; i < value.length; i++) {
    if (!/[A-Za-z0-9+/=]/.test(value[i])) return i
  }
  if (!base64Alphabet.test(value)) return value.indexOf('=')
  if (value.length % 4 !== 0) return value.length - (value.length % 4)
  return undefined
}

function foldStringData(secret: Secret): void {
  if (!secret.stringData) return
  secret.data ??= {}
  for (const [key, value] of Object.entries(secret.stringData)) secret.data[key] = Buffer.from(value, 'utf8').toString('base64')
  delete secret.stringData
}

function validateSecret(secret: Secret): FieldError[] {
  const errs: FieldError[] = []
  let size = 0
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(`data[${key}]`, key, msg))
    const offset = typeof value === 'string' ? base64ErrorOffset(value) : 0
    // Upstream rejects this while decoding the request; the text is the decoder's.
    if (offset !== undefined) errs.push(fieldErrors.invalid(`data[${key}]`, '<secret contents redacted>', `illegal base64 data at input byte ${offset}`))
    else size += Buffer.from(value, 'base64').length
  }
  if (size > maxDataSize) errs.push(fieldErrors.tooLong('data', maxDataSize))
  const type = secret.type ?? ''
  if (type === 'kubernetes.io/service-account-token' && !secret.metadata.annotations?.[serviceAccountNameAnnotation]) {
    errs.push(fieldErrors.required(`metadata.annotations[${serviceAccountNameAnnotation}]`))
  }
  for (const alternatives of requiredKeys[type] ?? []) {
    if (alternatives.some((key) => Object.hasOwn(secret.data ?? {}, key))) continue
    for (const key of alternatives) errs.push(fieldErrors.required(`data[${key}]`))
  }
  for (const key of ['.dockercfg', '.dockerconfigjson']) {
    const raw = secret.data?.[key]
    if (raw === undefined || !type.endsWith(key.slice(1))) continue
    try {
      JSON.parse(Buffer.from(raw, 'base64').toString('utf8'))
    } catch (err) {
      errs.push(fieldErrors.invalid(`data[${key}]`, '<secret contents redacted>', (err as Error).message))
    }
  }
  return errs
}

export const secretStrategy: Strategy<Secret> = {
  defaults(secret) {
    secret.type ||= 'Opaque'
    foldStringData(secret)
  },
  validate: validateSecret,
  validateUpdate: (next, prev) => [
    ...validateImmutableField(next.type, prev.type, 'type'),
    ...validateImmutableData(next, prev, ['data']),
    ...validateSecret(next),
  ],
}
