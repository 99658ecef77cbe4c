// pods/eviction (policy/v1 Eviction), as upstream's EvictionREST: a pod
// delete that respects the PodDisruptionBudget selecting the pod.
// - A pod that is Pending, Succeeded, Failed or already terminating is
//   deleted at once: evicting it disrupts nothing.
// - No budget selects it: it is deleted.
// - More than one budget: a 500 Status, which upstream does not resolve.
// - One budget: an unready pod whose budget is already met is deleted (with a
//   resourceVersion precondition, so it cannot turn ready meanwhile);
//   otherwise the budget's status.disruptionsAllowed must be above zero and
//   its status current (observedGeneration), and is decremented, recording
//   the pod in status.disruptedPods, before the pod is deleted; else 429.
// The eviction's deleteOptions (grace period, preconditions, dry run) are
// those of the delete.
import type { KubeObject, Status } from '../../shared/api-types.ts'
import { isEmptyLabelSelector, labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from '../../shared/label-selector.ts'
import { failure, StatusError, success } from '../status-error.ts'
import { planDelete, validateDeleteOptions, type DeleteOptions } from './deletion.ts'
import { collectionKey } from './registry.ts'
import type { RestStore, WriteContext } from './rest-store.ts'
import { timestamp } from './system-metadata.ts'
import type { ResourceDefinition } from './types.ts'

/** Upstream's MaxDisruptedPodSize: more unconfirmed evictions than this and the budget refuses. */
export const maxDisruptedPods = 2000
const disruptionBudgetCause = 'DisruptionBudget'
const violationMessage = "Cannot evict pod as it would violate the pod's disruption budget."
const pdbResource = { group: 'policy', resource: 'poddisruptionbudget' }

interface PDB extends KubeObject {
  spec?: { selector?: LabelSelectorObject; unhealthyPodEvictionPolicy?: string }
  status?: {
    disruptionsAllowed?: number
    currentHealthy?: number
    desiredHealthy?: number
    expectedPods?: number
    observedGeneration?: number
    disruptedPods?: Record<string, string>
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string; observedGeneration?: number; lastTransitionTime?: string }>
  }
}

interface PodLike extends KubeObject {
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string }> }
}

export interface EvictionDefs {
  pods: ResourceDefinition
  podDisruptionBudgets: ResourceDefinition
}

function tooManyRequests(cause: string, retryAfterSeconds?: number): StatusError {
  const err = StatusError.tooManyRequests(violationMessage, retryAfterSeconds)
  err.status.details = { ...err.status.details, causes: [{ reason: disruptionBudgetCause, message: cause }] }
  return err
}

/** Upstream's createTooManyRequestsError: the budget's status lags its spec. */
function budgetBeingProcessed(name: string): StatusError {
  return tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10)
}

/** Terminal, not yet running, or already going: no disruption to account for. */
export function canIgnorePDB(pod: PodLike): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp
}

function shouldEnforceResourceVersion(pod: PodLike): boolean {
  const phase = pod.status?.phase
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp)
}

export function isPodReady(pod: PodLike): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
}

/** The budgets in the pod's namespace whose selector matches it; an empty or broken selector matches nothing. */
export function matchingBudgets(budgets: readonly KubeObject[], pod: KubeObject): PDB[] {
  return (budgets as PDB[]).filter((pdb) => {
    if (pdb.metadata.namespace !== pod.metadata.namespace) return false
    try {
      const selector = labelSelectorFromObject(pdb.spec?.selector)
      return !isEmptyLabelSelector(selector) && matchesLabels(selector, pod.metadata.labels)
    } catch {
      return false
    }
  })
}

/**
 * Upstream's checkAndDecrement on a private copy of the budget: throws the
 * 429 or 403 that refuses the eviction, otherwise returns the budget with
 * one disruption fewer and the pod in disruptedPods (unless `dryRun`).
 */
export function decrementBudget(pdb: PDB, podName: string, now: Date, dryRun: boolean): PDB {
  const status = (pdb.status ??= {})
  const name = pdb.metadata.name!
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw budgetBeingProcessed(name)
  const allowed = status.disruptionsAllowed ?? 0
  if (allowed < 0) throw StatusError.forbidden(pdbResource, name, 'pdb disruptions allowed is negative')
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
    throw StatusError.forbidden(pdbResource, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller')
  }
  if (allowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`)
  }
  status.disruptionsAllowed = allowed - 1
  if (status.disruptionsAllowed === 0) setDisruptionAllowedFalse(status, now)
  if (dryRun) return pdb
  status.disruptedPods = { ...status.disruptedPods, [podName]: timestamp(now) }
  return pdb
}

/** The DisruptionAllowed condition once no disruption is left, as upstream's pdb helper sets it. */
function setDisruptionAllowedFalse(status: NonNullable<PDB['status']>, now: Date): void {
  const conditions = status.conditions ?? []
  const existing = conditions.find((c) => c.type === 'DisruptionAllowed')
  const next = { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: status.observedGeneration ?? 0 }
  if (existing) {
    if (existing.status !== 'False') existing.lastTransitionTime = timestamp(now)
    Object.assign(existing, next)
  } else {
    conditions.push({ ...next, lastTransitionTime: timestamp(now) })
  }
  status.conditions = conditions
}

/** Reads the Eviction body: its name must be the pod's; its deleteOptions, if any, are checked. */
function deleteOptionsOf(eviction: KubeObject, podName: string, ctx: WriteContext): DeleteOptions {
  if (eviction.kind !== undefined && eviction.kind !== 'Eviction') throw StatusError.badRequest(`not a Eviction object: ${String(eviction.kind)}`)
  if (eviction.metadata?.name !== podName) throw StatusError.badRequest('name in URL does not match name in Eviction object')
  const raw = eviction.deleteOptions
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw StatusError.badRequest('deleteOptions must be an object')
  const options = { ...((raw ?? {}) as DeleteOptions) }
  validateDeleteOptions(options)
  const bodyDryRun = options.dryRun ?? []
  const queryDryRun = ctx.dryRun ? ['All'] : []
  if (bodyDryRun.length > 0 && queryDryRun.length > 0 && bodyDryRun.join() !== queryDryRun.join()) {
    throw StatusError.badRequest(`Non-matching dry-run options in request and content: [${queryDryRun.join(' ')}] and [${bodyDryRun.join(' ')}]`)
  }
  if (bodyDryRun.length === 0) options.dryRun = queryDryRun
  return options
}

/**
 * Evicts `namespace/name`. Returns the Status to answer with: Success (201)
 * or upstream's 500 for several budgets; refusals are thrown.
 */
export async function evictPod(rest: RestStore, defs: EvictionDefs, namespace: string, name: string, eviction: KubeObject, ctx: WriteContext): Promise<Status> {
  const options = deleteOptionsOf(eviction, name, ctx)
  const dryRun = (options.dryRun ?? []).includes('All')
  const deleteCtx: WriteContext = { ...ctx, dryRun }
  const userResourceVersion = options.preconditions?.resourceVersion
  const remove = (opts: DeleteOptions) => rest.delete(defs.pods, namespace, name, planDelete(defs.pods, opts), deleteCtx)
  const withResourceVersion = (rv: string | undefined): DeleteOptions => ({ ...options, preconditions: { ...options.preconditions, resourceVersion: rv } })

  const pod = rest.get(defs.pods, namespace, name).object as PodLike
  if (canIgnorePDB(pod)) {
    await remove(shouldEnforceResourceVersion(pod) && !userResourceVersion ? withResourceVersion(pod.metadata.resourceVersion) : options)
    return success(undefined, 201)
  }

  const budgets = matchingBudgets(rest.store.list(collectionKey(defs.podDisruptionBudgets, namespace)).items.map((s) => s.object), pod)
  if (budgets.length > 1) {
    // Upstream answers with this Status as the result, without a reason.
    const { reason: _reason, ...status } = failure(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.')
    return status
  }
  let precondition = false
  if (budgets.length === 1) {
    const pdb = budgets[0]!
    const status = pdb.status ?? {}
    const unhealthyMayGo = pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow'
      ? !isPodReady(pod)
      : !isPodReady(pod) && (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0
    if (unhealthyMayGo) precondition = true
    else if (dryRun) decrementBudget(structuredClone(pdb), name, ctx.now, true)
    else {
      // Checked and decremented inside the store's update: no other eviction can spend the same disruption.
      const pdbCtx: WriteContext = { manager: 'kube-apiserver', dryRun: false, now: ctx.now }
      await rest.update(defs.podDisruptionBudgets, namespace, pdb.metadata.name!, (current) => decrementBudget(current as PDB, name, ctx.now, false), pdbCtx, 'status')
    }
    try {
      await remove(precondition && !userResourceVersion ? withResourceVersion(pod.metadata.resourceVersion) : options)
    } catch (err) {
      if (err instanceof StatusError && err.code === 409 && precondition && !userResourceVersion) throw budgetBeingProcessed(pdb.metadata.name!)
      throw err
    }
    return success(undefined, 201)
  }
  await remove(options)
  return success(undefined, 201)
}
