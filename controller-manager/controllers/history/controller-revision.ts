// ControllerRevisions as upstream's pkg/controller/history makes them: an
// immutable snapshot of a parent's template (the `data` patch), numbered by
// `revision`, named `<parent>-<hash>`. The DaemonSet and StatefulSet
// controllers both keep their rollout history this way.
//
// Hashes: upstream's StatefulSet hash is FNV-32 over the JSON patch bytes,
// then the collision count in decimal, encoded with SafeEncodeString. Go
// marshals the patch from a map, so its keys are sorted; canonicalJson does
// the same, so the same stored template gives the same name as upstream
// (as far as our stored template serialises as Go's does).
import type { KubeObject } from '../../../shared/api-types.ts'
import type { PodTemplateSpec } from '../../../shared/core-types.ts'
import { controllerRef } from '../../owner-refs.ts'

export interface ControllerRevision extends KubeObject {
  data?: unknown
  revision?: number
}

export const controllerRevisionDescriptor = { group: 'apps', version: 'v1', plural: 'controllerrevisions', namespaced: true } as const

/** Upstream's ControllerRevisionHashLabel, put on StatefulSet revisions. */
export const controllerRevisionHashLabel = 'controller.kubernetes.io/hash'

/** apps/v1 DefaultDaemonSetUniqueLabelKey = StatefulSetRevisionLabel: on pods and DaemonSet revisions. */
export const revisionLabel = 'controller-revision-hash'

/** FNV-1 32-bit (Go's hash/fnv New32). */
export function fnv32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0
    h = (h ^ b) >>> 0
  }
  return h
}

/** FNV-1a 32-bit (Go's hash/fnv New32a). */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0
  for (const b of bytes) {
    h = (h ^ b) >>> 0
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

// apimachinery's util/rand alphabet: no vowels, no look-alikes, so names never spell words.
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789'

/** Upstream's rand.SafeEncodeString. */
export function safeEncodeString(s: string): string {
  let out = ''
  for (const b of new TextEncoder().encode(s)) out += safeAlphabet[b % safeAlphabet.length]
  return out
}

/**
 * JSON as Go's encoding/json writes a map[string]interface{}: keys sorted,
 * no spaces, and <, >, & escaped as \u003c, \u003e, \u0026.
 */
export function canonicalJson(value: unknown): string {
  const encode = (v: unknown): string => {
    if (v === null || v === undefined) return 'null'
    if (Array.isArray(v)) return `[${v.map(encode).join(',')}]`
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      return `{${entries.map(([k, x]) => `${encode(k)}:${encode(x)}`).join(',')}}`
    }
    return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
  }
  return encode(value)
}

/** Upstream's HashControllerRevision: FNV-32 of the data, then the collision count in decimal. */
export function hashControllerRevision(data: unknown, collisionCount?: number): string {
  let bytes = new TextEncoder().encode(canonicalJson(data))
  if (collisionCount !== undefined) {
    const probe = new TextEncoder().encode(String(collisionCount))
    const joined = new Uint8Array(bytes.length + probe.length)
    joined.set(bytes)
    joined.set(probe, bytes.length)
    bytes = joined
  }
  return safeEncodeString(String(fnv32(bytes)))
}

/**
 * The DaemonSet's pod template hash (upstream's controller.ComputeHash): FNV-1a
 * of the template, then the collision count as 8 little-endian bytes.
 * Upstream hashes Go's in-memory struct dump, which no other language can
 * reproduce; this hashes the canonical JSON instead, so names differ from a
 * real cluster's while keeping every property the controller relies on.
 */
export function computeTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template ?? {})))
  if (collisionCount !== undefined) {
    const probe = new Uint8Array(8)
    new DataView(probe.buffer).setUint32(0, collisionCount >>> 0, true)
    h = fnv32a(probe, h)
  }
  return safeEncodeString(String(h))
}

/** Upstream's ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 characters. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`
}

/**
 * The patch that restores the parent's template (upstream's getPatch for
 * both kinds): `{"spec":{"template":{...,"$patch":"replace"}}}`. Go always
 * writes metadata.creationTimestamp (null) in a template; so do we.
 */
export function templatePatch(template: PodTemplateSpec | undefined): Record<string, unknown> {
  const copy = structuredClone(template ?? {}) as Record<string, unknown>
  const metadata = (copy.metadata ?? {}) as Record<string, unknown>
  if (!('creationTimestamp' in metadata)) metadata.creationTimestamp = null
  copy.metadata = metadata
  copy.$patch = 'replace'
  return { spec: { template: copy } }
}

/** The template a revision's patch holds (what upstream's ApplyRevision puts into the parent). */
export function templateFromRevision(revision: ControllerRevision): PodTemplateSpec {
  const template = structuredClone(((revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template ?? {}))
  delete template.$patch
  const metadata = template.metadata as Record<string, unknown> | undefined
  if (metadata && metadata.creationTimestamp === null) delete metadata.creationTimestamp
  return template as PodTemplateSpec
}

/**
 * Upstream's NewControllerRevision: labels copied from the template plus the
 * hash label, a controller reference to parent, named by the hash.
 */
export function newControllerRevision(parent: KubeObject, templateLabels: Record<string, string> | undefined, data: unknown, revision: number, collisionCount?: number): ControllerRevision {
  const hash = hashControllerRevision(data, collisionCount)
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata.name ?? '', hash),
      namespace: parent.metadata.namespace,
      labels: { ...templateLabels, [controllerRevisionHashLabel]: hash },
      ownerReferences: [controllerRef(parent)],
    },
    data,
    revision,
  }
}

/** Same data (upstream's EqualRevision compares the raw bytes; its hash-label shortcut never parses a SafeEncoded hash). */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b
  return canonicalJson(a.data) === canonicalJson(b.data)
}

export function findEqualRevisions(revisions: readonly ControllerRevision[], needle: ControllerRevision): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle))
}

/** Upstream's byRevision: revision, then creation time, then name. Sorts a copy. */
export function sortControllerRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => {
    const d = (a.revision ?? 0) - (b.revision ?? 0)
    if (d !== 0) return d
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0
    if (ta !== tb) return ta - tb
    const na = a.metadata.name ?? ''
    const nb = b.metadata.name ?? ''
    return na < nb ? -1 : na > nb ? 1 : 0
  })
}

/** One more than the highest revision number (1 for none). */
export function nextRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision ?? 0), 0) + 1
}
