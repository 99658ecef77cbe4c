// How spec, status and metadata.generation move on writes, for the kinds
// whose controllers report progress in status. Upstream repeats these lines
// in each strategy; here each strategy names the rule it follows.
import type { KubeObject } from '../../../shared/api-types.ts'
import { semanticEqual } from '../../validation/object-diff.ts'

/**
 * Create: a client may not hand in status; the controller writes it. The new
 * status is the kind's empty status as upstream serializes it: Go writes
 * struct fields and non-omitempty counters even when zero (`status: {}`,
 * `status: {replicas: 0}`).
 */
export function resetStatus(obj: KubeObject, empty: Record<string, unknown> = {}): void {
  obj.status = structuredClone(empty)
}

/** Update of the main resource: status changes only through the status subresource. */
export function keepStatus(next: KubeObject, prev: KubeObject): void {
  if (prev.status === undefined) delete next.status
  else next.status = prev.status
}

/** Create: generation counts spec changes, starting at 1. */
export function startGeneration(obj: KubeObject): void {
  obj.metadata.generation = 1
}

/**
 * Update: a spec change bumps generation, so status.observedGeneration tells
 * clients whether the controller has seen it; status-only writes never do.
 */
export function bumpGenerationOnSpecChange(next: KubeObject, prev: KubeObject): void {
  next.metadata.generation = prev.metadata.generation ?? 0
  if (!semanticEqual(next.spec, prev.spec)) next.metadata.generation += 1
}
