// The ReplicaSet controller (upstream's pkg/controller/replicaset): keep
// spec.replicas pods matching the selector, created from the template and
// owned by the ReplicaSet; adopt matching orphans, release owned pods that
// no longer match; report status. Expectations stop it from counting the
// same missing pods twice while its watch catches up.
import type { KubeObject } from '../../../shared/api-types.ts'
import { commonResources, isConflict, isNotFound, type ResourceClient } from '../../../shared/client/index.ts'
import type { Pod, PodTemplateSpec } from '../../../shared/core-types.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from '../../../shared/label-selector.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Expectations } from '../../expectations.ts'
import { watchOwnedPods } from '../../owned-pods.ts'
import { controllerOf, controllerRef } from '../../owner-refs.ts'
import { PodControl, podFromTemplate, slowStartBatch } from '../../pod-control.ts'
import { keyOf, Reconciler } from '../../reconciler.ts'
import { isPodActive, isPodAvailable, isPodReady } from '../../pod-conditions.ts'
import { podsToDelete } from './pod-ranking.ts'

export interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: LabelSelectorObject; template?: PodTemplateSpec }
  status?: ReplicaSetStatus
}

export interface ReplicaSetStatus {
  replicas: number
  fullyLabeledReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  observedGeneration?: number
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>
  [field: string]: unknown
}

/** Upstream's BurstReplicas: the most pods one sync creates or deletes. */
const burstReplicas = 500

export interface ReplicaSetControllerOptions {
  /** Which kind this instance manages (ReplicationControllers reuse it upstream; here only ReplicaSets). */
  component?: string
}

export class ReplicaSetController {
  readonly #ctx: ControllerContext
  readonly #sets: Informer<ReplicaSet>
  readonly #pods: Informer<Pod>
  readonly #expectations: Expectations
  readonly #podControl: PodControl
  readonly reconciler: Reconciler

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx
    this.#sets = ctx.informers.informerFor<ReplicaSet>(commonResources.replicaSets)
    this.#pods = ctx.informers.informerFor<Pod>(commonResources.pods)
    this.#expectations = new Expectations(ctx.clock)
    const recorder = ctx.recorder('replicaset-controller')
    this.#podControl = new PodControl(ctx.client, recorder)
    this.reconciler = new Reconciler({ name: 'replicaset', sync: (key) => this.sync(key), log: ctx.log, clock: ctx.clock })

    this.#sets.addEventHandler({
      onAdd: (rs) => this.reconciler.enqueue(rs),
      onUpdate: (_, rs) => this.reconciler.enqueue(rs),
      onDelete: (rs) => {
        this.#expectations.delete(keyOf(rs))
        this.reconciler.enqueue(rs)
      },
    })
    watchOwnedPods(this.#pods, {
      kind: 'ReplicaSet', owners: this.#sets, reconciler: this.reconciler, expectations: this.#expectations,
      selectorOf: (rs) => labelSelectorFromObject(rs.spec?.selector),
      minReadySeconds: (rs) => rs.spec?.minReadySeconds ?? 0,
    })
  }

  async sync(key: string): Promise<{ requeueAfter: number } | void> {
    const rs = this.#sets.get(key)
    if (!rs) {
      this.#expectations.delete(key)
      return
    }
    const selector = labelSelectorFromObject(rs.spec?.selector)
    const candidates = this.#pods.byIndex('namespace', rs.metadata.namespace ?? '')
    const owned = await this.#claimPods(rs, candidates, (labels) => !selector.matchesNothing && matchesLabels(selector, labels))
    const active = owned.filter(isPodActive)

    let createError: unknown
    if (this.#expectations.satisfied(key) && !rs.metadata.deletionTimestamp) {
      createError = await this.#manageReplicas(rs, key, active)
    }
    return this.#updateStatus(rs, active, createError)
  }

  /**
   * The pods this ReplicaSet controls: its own that still match, plus matching
   * orphans it adopts; its own that no longer match are released.
   */
  async #claimPods(rs: ReplicaSet, pods: readonly Pod[], matches: (labels: Record<string, string> | undefined) => boolean): Promise<Pod[]> {
    const claimed: Pod[] = []
    const client = this.#ctx.client.pods.namespace(rs.metadata.namespace ?? 'default')
    for (const pod of pods) {
      const ref = controllerOf(pod)
      if (ref?.uid === rs.metadata.uid) {
        if (matches(pod.metadata.labels)) claimed.push(pod)
        else if (!pod.metadata.deletionTimestamp) {
          // Release: drop our reference (uid precondition, so a re-created pod is untouched).
          const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid)
          await this.#patchOwners(client, pod, refs)
        }
      } else if (!ref && matches(pod.metadata.labels) && isPodActive(pod) && !rs.metadata.deletionTimestamp) {
        const refs = [...(pod.metadata.ownerReferences ?? []), controllerRef(rs)]
        if (await this.#patchOwners(client, pod, refs)) claimed.push(pod)
      }
    }
    return claimed
  }

  async #patchOwners(client: ResourceClient, pod: Pod, ownerReferences: unknown[]): Promise<boolean> {
    try {
      await client.patch(pod.metadata.name ?? '', { metadata: { uid: pod.metadata.uid, ownerReferences } }, 'merge')
      return true
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return false
      throw err
    }
  }

  async #manageReplicas(rs: ReplicaSet, key: string, active: Pod[]): Promise<unknown> {
    const want = rs.spec?.replicas ?? 1
    const diff = active.length - want
    if (diff < 0) {
      const count = Math.min(-diff, burstReplicas)
      this.#expectations.expectCreations(key, count)
      const template = podFromTemplate(rs.spec?.template, rs)
      const { succeeded, error } = await slowStartBatch(count, async () => {
        await this.#podControl.create(rs, structuredClone(template))
      })
      // Pods never created will never be observed.
      for (let i = succeeded; i < count; i++) this.#expectations.creationObserved(key)
      if (error) this.#ctx.log.warn({ err: error, replicaset: key }, 'failed to create pods')
      return error
    }
    if (diff > 0) {
      const victims = podsToDelete(active, Math.min(diff, burstReplicas))
      this.#expectations.expectDeletions(key, victims.length)
      const results = await Promise.allSettled(victims.map((pod) => this.#podControl.delete(rs, pod)))
      for (const r of results) if (r.status === 'rejected') this.#expectations.deletionObserved(key)
    }
    return undefined
  }

  async #updateStatus(rs: ReplicaSet, active: Pod[], createError: unknown): Promise<{ requeueAfter: number } | void> {
    const now = this.#ctx.clock.now()
    const minReady = rs.spec?.minReadySeconds ?? 0
    const templateLabels = rs.spec?.template?.metadata?.labels ?? {}
    const ready = active.filter(isPodReady)
    const status: ReplicaSetStatus = {
      ...rs.status,
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: ready.length,
      availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: rs.metadata.generation,
    }
    const others = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure')
    const failure = createError
      ? { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: (createError as Error).message, lastTransitionTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') }
      : undefined
    status.conditions = failure ? [...others, failure] : others
    if (status.conditions.length === 0) delete status.conditions
    for (const field of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas'] as const) if (status[field] === 0) delete status[field]
    if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
      try {
        await this.#ctx.client.replicaSets.namespace(rs.metadata.namespace ?? 'default').updateStatus({ ...rs, status } as KubeObject)
      } catch (err) {
        if (isNotFound(err)) return
        // A stale copy: the informer brings the new one, which enqueues again.
        if (isConflict(err)) return
        throw err
      }
    }
    // Ready pods become available minReadySeconds later: look again then.
    if (minReady > 0 && (status.availableReplicas ?? 0) < ready.length) return { requeueAfter: minReady * 1000 }
    if (createError) throw createError
  }
}

export const replicaSetController: ControllerDefinition = {
  name: 'replicaset',
  init(ctx) {
    const controller = new ReplicaSetController(ctx)
    return (signal) => controller.reconciler.run(ctx.workers('replicaset'), signal)
  },
}


