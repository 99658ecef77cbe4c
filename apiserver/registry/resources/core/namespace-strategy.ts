// Namespace: born Active with the "kubernetes" finalizer (the namespace
// controller removes it once the contents are gone); the name label makes
// namespaces selectable by name in NetworkPolicies and webhooks.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isQualifiedName } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import type { Strategy } from '../../types.ts'
import { keepStatus } from '../spec-and-status.ts'

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[]; [field: string]: unknown }
  status?: { phase?: string; [field: string]: unknown }
}

export const namespaceNameLabel = 'kubernetes.io/metadata.name'
export const kubernetesFinalizer = 'kubernetes'
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion'])

function validateSpecFinalizers(ns: Namespace): FieldError[] {
  const errs: FieldError[] = []
  for (const finalizer of ns.spec?.finalizers ?? []) {
    // Upstream reports these on the list path, without an index.
    for (const msg of isQualifiedName(finalizer)) errs.push(fieldErrors.invalid('spec.finalizers', finalizer, msg))
    if (!finalizer.includes('/') && !standardFinalizers.has(finalizer)) {
      errs.push(fieldErrors.invalid('spec.finalizers', finalizer, 'name is neither a standard finalizer name nor is it fully qualified'))
    }
  }
  return errs
}

export const namespaceStrategy: Strategy<Namespace> = {
  defaults(ns) {
    // Set on every write, so the label cannot be removed or changed.
    if (ns.metadata.name) ns.metadata.labels = { ...ns.metadata.labels, [namespaceNameLabel]: ns.metadata.name }
    if (ns.status && !ns.status.phase) ns.status.phase = 'Active'
  },
  prepareForCreate(ns) {
    ns.status = { phase: 'Active' }
    ns.spec ??= {}
    const finalizers = ns.spec.finalizers ?? []
    if (!finalizers.includes(kubernetesFinalizer)) finalizers.push(kubernetesFinalizer)
    ns.spec.finalizers = finalizers
  },
  prepareForUpdate(next, prev) {
    // spec (only finalizers) changes through namespaces/<name>/finalize, status through /status.
    if (prev.spec === undefined) delete next.spec
    else next.spec = prev.spec
    keepStatus(next, prev)
  },
  validate: validateSpecFinalizers,
  validateUpdate: () => [],
  validateStatusUpdate(next) {
    const phase = next.status?.phase
    if (!next.metadata.deletionTimestamp) {
      return phase === 'Active' ? [] : [fieldErrors.invalid('status.Phase', phase ?? '', "may only be 'Active' if `deletionTimestamp` is empty")]
    }
    return phase === 'Terminating' ? [] : [fieldErrors.invalid('status.Phase', phase ?? '', "may only be 'Terminating' if `deletionTimestamp` is not empty")]
  },
}
