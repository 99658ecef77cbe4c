// What a DELETE does, as upstream: remove at once, or mark the object with a
// deletionTimestamp and keep it while finalizers or a pod's grace period hold it.
import type { KubeObject } from '../../shared/api-types.ts'
import type { Preconditions } from '../storage/store.ts'
import { StatusError } from '../status-error.ts'
import type { DeletePlanner } from './rest-store.ts'
import type { ResourceDefinition } from './types.ts'
import { timestamp } from './system-metadata.ts'

/** meta/v1 DeleteOptions, from the body or the query. */
export interface DeleteOptions {
  gracePeriodSeconds?: number
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'
  orphanDependents?: boolean
  preconditions?: Preconditions
  dryRun?: string[]
}

const orphanFinalizer = 'orphan'
const foregroundFinalizer = 'foregroundDeletion'
const defaultPodGraceSeconds = 30

export function isPod(def: ResourceDefinition): boolean {
  return def.group === '' && def.kind === 'Pod'
}

export function isNamespace(def: ResourceDefinition): boolean {
  return def.group === '' && def.kind === 'Namespace'
}

/** Namespaces that exist on every cluster and refuse deletion. */
export const protectedNamespaces = new Set(['default', 'kube-system', 'kube-public'])

export function validateDeleteOptions(options: DeleteOptions): void {
  const policy = options.propagationPolicy
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw StatusError.invalid('', 'DeleteOptions', '', [
      { type: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"` },
    ])
  }
  if (policy !== undefined && options.orphanDependents !== undefined) {
    throw StatusError.invalid('', 'DeleteOptions', '', [
      { type: 'FieldValueInvalid', field: 'propagationPolicy', message: 'Invalid value: "' + policy + '": orphanDependents and deletionPropagation cannot be both set' },
    ])
  }
  if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) {
    // Upstream treats negative as "immediately"; kubectl never sends it.
    options.gracePeriodSeconds = 0
  }
}

/** The grace period a pod gets: none when it never ran or already finished. */
function podGraceSeconds(pod: KubeObject, requested: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number }
  const phase = (pod.status as { phase?: string } | undefined)?.phase
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0
  return requested ?? spec.terminationGracePeriodSeconds ?? defaultPodGraceSeconds
}

export function planDelete(def: ResourceDefinition, options: DeleteOptions): DeletePlanner {
  return (current, now) => {
    const meta = current.metadata
    const finalizers = [...(meta.finalizers ?? [])]
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined)
    // The garbage collector acts on these finalizers: it orphans or deletes the dependents first.
    if (policy !== undefined) {
      removeItem(finalizers, orphanFinalizer)
      removeItem(finalizers, foregroundFinalizer)
      if (policy === 'Orphan') finalizers.push(orphanFinalizer)
      if (policy === 'Foreground') finalizers.push(foregroundFinalizer)
    }

    const grace = isPod(def) ? podGraceSeconds(current, options.gracePeriodSeconds) : 0
    const namespaceHeld = isNamespace(def) && ((current.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0
    if (finalizers.length === 0 && grace === 0 && !namespaceHeld) return { preconditions: options.preconditions }

    const mark = structuredClone(current)
    const m = mark.metadata
    if (finalizers.length > 0) m.finalizers = finalizers
    else delete m.finalizers
    if (!m.deletionTimestamp) {
      m.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000))
      m.deletionGracePeriodSeconds = grace
    } else if (isPod(def) && grace < (m.deletionGracePeriodSeconds ?? 0)) {
      // A second delete may only shorten a pod's grace period.
      m.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000))
      m.deletionGracePeriodSeconds = grace
    }
    if (isNamespace(def)) mark.status = { ...((mark.status as object) ?? {}), phase: 'Terminating' }
    return { mark, preconditions: options.preconditions }
  }
}

function removeItem(list: string[], item: string): void {
  const at = list.indexOf(item)
  if (at >= 0) list.splice(at, 1)
}
