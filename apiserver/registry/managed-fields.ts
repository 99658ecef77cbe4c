// metadata.managedFields as upstream records them for Update operations: each
// writer (fieldManager) owns the fields it set or changed; a field changed by
// one manager leaves the sets of the others. Lists are owned as a whole here;
// per-item keys and Apply conflicts come with server-side apply.
import { isDeepStrictEqual } from 'node:util'
import type { KubeObject, ManagedFieldsEntry } from '../../shared/api-types.ts'
import { timestamp } from './system-metadata.ts'

/** FieldsV1: `f:<field>` keys, `{}` for an owned leaf. */
export type FieldSet = { [key: string]: FieldSet }

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function isEmpty(set: FieldSet): boolean {
  return Object.keys(set).length === 0
}

/** The fields `next` sets with a value different from `prev`'s. */
export function changedFields(prev: unknown, next: unknown): FieldSet {
  const out: FieldSet = {}
  if (!isMap(next)) return out
  for (const [key, value] of Object.entries(next)) {
    const before = isMap(prev) ? prev[key] : undefined
    if (isMap(value) && Object.keys(value).length > 0) {
      const child = changedFields(before, value)
      if (!isEmpty(child)) out[`f:${key}`] = child
    } else if (!isDeepStrictEqual(before, value)) {
      out[`f:${key}`] = {}
    }
  }
  return out
}

/** The fields `prev` had that `next` no longer has. */
function removedFields(prev: unknown, next: unknown): FieldSet {
  const out: FieldSet = {}
  if (!isMap(prev)) return out
  for (const [key, value] of Object.entries(prev)) {
    const after = isMap(next) ? next[key] : undefined
    if (after === undefined) out[`f:${key}`] = {}
    else if (isMap(value) && isMap(after)) {
      const child = removedFields(value, after)
      if (!isEmpty(child)) out[`f:${key}`] = child
    }
  }
  return out
}

function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = k in out && !isEmpty(out[k]) && !isEmpty(v) ? union(out[k], v) : isEmpty(v) ? {} : (out[k] ?? v)
  return out
}

/** `a` without the leaves of `b` (a leaf of `b` removes the whole subtree of `a`). */
function subtract(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = {}
  for (const [k, v] of Object.entries(a)) {
    if (!(k in b)) out[k] = v
    else if (!isEmpty(b[k]) && !isEmpty(v)) {
      const rest = subtract(v, b[k])
      if (!isEmpty(rest)) out[k] = rest
    }
  }
  return out
}

/** What a manager can own: spec-like fields and user metadata, or status alone. */
function owned(obj: KubeObject | undefined, subresource: string | undefined): Record<string, unknown> {
  if (!obj) return {}
  if (subresource === 'status') return obj.status === undefined ? {} : { status: obj.status }
  const { metadata, apiVersion: _a, kind: _k, status: _s, ...rest } = obj
  const meta: Record<string, unknown> = {}
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) if (metadata[key] !== undefined) meta[key] = metadata[key]
  return Object.keys(meta).length ? { metadata: meta, ...rest } : rest
}

export interface WriteInfo {
  manager: string
  apiVersion: string
  subresource?: string
}

/** Sets next.metadata.managedFields for a write from `prev` (undefined on create) to `next`. */
export function updateManagedFields(prev: KubeObject | undefined, next: KubeObject, info: WriteInfo, now: Date): void {
  const before = owned(prev, info.subresource)
  const after = owned(next, info.subresource)
  const changed = changedFields(before, after)
  const removed = removedFields(before, after)
  const sameWriter = (e: ManagedFieldsEntry) => e.manager === info.manager && e.operation === 'Update' && (e.subresource ?? '') === (info.subresource ?? '')
  const entries: ManagedFieldsEntry[] = []
  let mine: ManagedFieldsEntry | undefined
  for (const entry of prev?.metadata.managedFields ?? []) {
    const fields = subtract(subtract((entry.fieldsV1 ?? {}) as FieldSet, changed), removed)
    if (sameWriter(entry)) {
      mine = { ...entry, fieldsV1: union(fields, changed) }
      if (!isEmpty(changed)) mine.time = timestamp(now)
      if (!isEmpty(mine.fieldsV1 as FieldSet)) entries.push(mine)
    } else if (!isEmpty(fields) || entry.operation === 'Apply') {
      entries.push({ ...entry, fieldsV1: fields })
    }
  }
  if (!mine && !isEmpty(changed)) {
    const entry: ManagedFieldsEntry = { manager: info.manager, operation: 'Update', apiVersion: info.apiVersion, time: timestamp(now), fieldsType: 'FieldsV1', fieldsV1: changed }
    if (info.subresource) entry.subresource = info.subresource
    entries.push(entry)
  }
  if (entries.length) next.metadata.managedFields = entries
  else delete next.metadata.managedFields
}
