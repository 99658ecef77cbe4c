// Metadata the server owns: uid, timestamps, generated names, managedFields.
// Clients may not set these on create, and may not change them afterwards.
import { randomUUID, randomInt } from 'node:crypto'
import type { KubeObject, ManagedFieldsEntry, ObjectMeta } from '../../shared/api-types.ts'

// Upstream's alphabet for generated suffixes: no vowels (no accidental words),
// no 0/1/3 (confusable with o/l/e).
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789'
const maxGeneratedNameLength = 63
const generatedSuffixLength = 5

export function generateName(prefix: string): string {
  const base = prefix.length > maxGeneratedNameLength - generatedSuffixLength ? prefix.slice(0, maxGeneratedNameLength - generatedSuffixLength) : prefix
  let suffix = ''
  for (let i = 0; i < generatedSuffixLength; i++) suffix += suffixAlphabet[randomInt(suffixAlphabet.length)]
  return base + suffix
}

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Resets what only the server may set on a new object. */
export function fillCreateMetadata(meta: ObjectMeta, now: Date): void {
  meta.uid = randomUUID()
  meta.creationTimestamp = timestamp(now)
  delete meta.resourceVersion
  delete meta.deletionTimestamp
  delete meta.deletionGracePeriodSeconds
  delete meta.selfLink
  if (meta.generation !== undefined) delete meta.generation
}

/** Carries the server-owned fields of the stored object into an update. */
export function carryUpdateMetadata(next: ObjectMeta, prev: ObjectMeta): void {
  if (!next.uid) next.uid = prev.uid
  if (!next.creationTimestamp) next.creationTimestamp = prev.creationTimestamp
  if (prev.deletionTimestamp) next.deletionTimestamp = prev.deletionTimestamp
  else delete next.deletionTimestamp
  if (prev.deletionGracePeriodSeconds !== undefined) next.deletionGracePeriodSeconds = prev.deletionGracePeriodSeconds
  else delete next.deletionGracePeriodSeconds
  if (prev.generation !== undefined) next.generation = prev.generation
  else delete next.generation
  delete next.selfLink
  if (next.managedFields === undefined && prev.managedFields) next.managedFields = prev.managedFields
}

/**
 * The fields an object sets, in upstream's FieldsV1 form (`f:<name>` per map
 * key; lists are recorded as a whole). Server-side apply, with per-item list
 * keys and conflicts, comes with the apply issue.
 */
export function fieldsV1Of(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out
  for (const [key, child] of Object.entries(value)) {
    out[`f:${key}`] = child !== null && typeof child === 'object' && !Array.isArray(child) ? fieldsV1Of(child) : {}
  }
  return out
}

export interface ManagerInfo {
  manager: string
  operation: 'Update' | 'Apply'
  apiVersion: string
  subresource?: string
}

/** Records (or refreshes) the managedFields entry of the writer of `obj`. */
export function recordManager(obj: KubeObject, info: ManagerInfo, now: Date): void {
  const { metadata: _meta, apiVersion: _av, kind: _kind, status, ...rest } = obj
  const metadata = ownedMetadata(obj.metadata)
  const owned = info.subresource === 'status' ? { status } : Object.keys(metadata).length ? { ...rest, metadata } : rest
  const entry: ManagedFieldsEntry = {
    manager: info.manager,
    operation: info.operation,
    apiVersion: info.apiVersion,
    time: timestamp(now),
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1Of(owned),
  }
  if (info.subresource) entry.subresource = info.subresource
  const others = (obj.metadata.managedFields ?? []).filter(
    (e) => !(e.manager === info.manager && e.operation === info.operation && (e.subresource ?? '') === (info.subresource ?? '')),
  )
  obj.metadata.managedFields = [...others, entry]
}

function ownedMetadata(meta: ObjectMeta): Record<string, unknown> {
  const owned: Record<string, unknown> = {}
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    if (meta[key] !== undefined) owned[key] = meta[key]
  }
  return owned
}

/** Upstream derives a default manager from the User-Agent: its first token's base name. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown'
  const first = userAgent.split(' ')[0]
  const program = first.split('/')[0]
  return program || 'unknown'
}
