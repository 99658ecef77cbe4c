// Comparing pod templates as upstream's apiequality.Semantic.DeepEqual does
// for Go structs: a field left out and a field at its empty value are the
// same template (JSON drops Go's nil maps, empty slices and omitempty zeros,
// so the wire form cannot tell them apart either).
import { isDeepStrictEqual } from 'node:util'
import type { PodTemplateSpec } from '../../../shared/core-types.ts'
import { podTemplateHashLabel } from './deployment-types.ts'

/**
 * A copy of value without null fields and without objects or arrays that are
 * empty once cleaned; object keys sorted. undefined when nothing is left.
 */
export function canonicalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value)) {
    // Elements keep their place: an empty element is still an element.
    const items = value.map((v) => canonicalize(v) ?? null)
    return items.length === 0 ? undefined : items
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = canonicalize((value as Record<string, unknown>)[key])
      if (v !== undefined) out[key] = v
    }
    return Object.keys(out).length === 0 ? undefined : out
  }
  return value
}

/** The template without the pod-template-hash label (the Deployment's own template never has one). */
export function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy: PodTemplateSpec = structuredClone(template ?? {})
  if (copy.metadata?.labels) delete copy.metadata.labels[podTemplateHashLabel]
  return copy
}

/** Upstream's EqualIgnoreHash: the same template apart from the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return isDeepStrictEqual(canonicalize(withoutHashLabel(a)), canonicalize(withoutHashLabel(b)))
}
