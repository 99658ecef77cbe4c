// Metadata the server owns: uid, timestamps, generated names, managedFields.
// Clients may not set these on create, and may not change them afterwards.
import { randomUUID, randomInt } from 'node:crypto'
import type { ObjectMeta } from '../../shared/api-types.ts'

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
  delete meta.generation
  delete meta.managedFields
}

/** Carries the server-owned fields of the stored object into an update. */
export function carryUpdateMetadata(next: ObjectMeta, prev: ObjectMeta): void {
  if (!next.uid) next.uid = prev.uid
  // Upstream ignores changes to the creation time rather than rejecting them.
  next.creationTimestamp = prev.creationTimestamp
  if (prev.deletionTimestamp) next.deletionTimestamp = prev.deletionTimestamp
  else delete next.deletionTimestamp
  if (prev.deletionGracePeriodSeconds !== undefined) next.deletionGracePeriodSeconds = prev.deletionGracePeriodSeconds
  else delete next.deletionGracePeriodSeconds
  if (prev.generation !== undefined) next.generation = prev.generation
  else delete next.generation
  delete next.selfLink
}

/** Upstream derives a default manager from the User-Agent: its first token's base name. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown'
  const first = userAgent.split(' ')[0]
  const program = first.split('/')[0]
  return program || 'unknown'
}
