// The pod-template-hash (upstream's controller.ComputeHash): FNV-32a over a
// deep, deterministic dump of the pod template, then over the collision
// count when the Deployment has one, printed as a decimal number and mapped
// digit by digit onto rand.SafeEncodeString's alphabet (no vowels, so no
// words). The result names the ReplicaSet, `<deployment>-<hash>`.
//
// Upstream dumps the Go struct with spew, so its value depends on every
// field of the Go PodTemplateSpec of that release (the reason it is never
// compared across versions, only recomputed). Here the dump is the canonical
// JSON of the template (sorted keys, empty values dropped); same template,
// same hash, within kubeling — not the digits a real cluster would print.
import type { PodTemplateSpec } from '../../../shared/core-types.ts'
import { canonicalize } from './template-equality.ts'

const fnvOffset32 = 0x811c9dc5
const fnvPrime32 = 0x01000193

/** FNV-1a, 32 bits, continuing from `hash` (Go's hash/fnv New32a then Write). */
export function fnv32a(bytes: Uint8Array, hash = fnvOffset32): number {
  let h = hash
  for (const b of bytes) {
    h ^= b
    h = Math.imul(h, fnvPrime32) >>> 0
  }
  return h >>> 0
}

/** rand.SafeEncodeString's alphabet: consonants and digits that cannot spell words. */
const alphanums = 'bcdfghjklmnpqrstvwxz2456789'

/** Maps each character onto the alphabet by its code point (upstream's rand.SafeEncodeString). */
export function safeEncodeString(s: string): string {
  let out = ''
  for (const ch of s) out += alphanums[(ch.codePointAt(0) ?? 0) % alphanums.length]
  return out
}

/** The deterministic dump that is hashed. */
export function deepHashDump(template: PodTemplateSpec): string {
  return JSON.stringify(canonicalize(template) ?? {})
}

export function computeHash(template: PodTemplateSpec, collisionCount?: number | null): string {
  let h = fnv32a(new TextEncoder().encode(deepHashDump(template)))
  if (collisionCount !== undefined && collisionCount !== null) {
    // Upstream writes 8 bytes: the count as a little-endian uint32, then 4 zero bytes.
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true)
    h = fnv32a(bytes, h)
  }
  return safeEncodeString(String(h))
}
