// The Deployment controller (upstream's pkg/controller/deployment): rolls a
// Deployment's pod template out through ReplicaSets named
// `<deployment>-<pod-template-hash>`, one per template, scaling the new one
// up and the old ones down (RollingUpdate) or all old ones away first
// (Recreate), and reports progress in status and conditions. The ReplicaSet
// controller makes the pods; this one only creates, scales and deletes
// ReplicaSets, adopts matching orphans and writes Deployment status.
//
// One sync decides in this order, as upstream: a Deployment being deleted
// only gets status; paused → scale only; a rollback request; a scaling event
// (spec.replicas differs from what the ReplicaSets were sized for) → scale
// proportionally; else one step of the strategy.
import type { OwnerReference } from '../../../shared/api-types.ts'
import { commonResources, isNotFound } from '../../../shared/client/index.ts'
import type { Pod } from '../../../shared/core-types.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import { labelSelectorFromObject, matchesLabels } from '../../../shared/label-selector.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { controllerOf } from '../../owner-refs.ts'
import { keyOf, Reconciler } from '../../reconciler.ts'
import { claimReplicaSets, type ClaimOps } from './claim-replica-sets.ts'
import { isRecreate, isRollingUpdate, type Deployment, type ReplicaSet } from './deployment-types.ts'
import { rolloutRecreate, type PodMap } from './recreate.ts'
import { rollback, rollbackTo } from './rollback.ts'
import { rolloutRolling } from './rolling.ts'
import { checkPausedConditions, isScalingEvent, syncScaling, syncStatusOnly, writeStatus, type DeploymentOps } from './sync.ts'

const controllerKind = { apiVersion: 'apps/v1', kind: 'Deployment' }

export class DeploymentController {
  readonly #ctx: ControllerContext
  readonly #log: Logger
  readonly #deployments: Informer<Deployment>
  readonly #replicaSets: Informer<ReplicaSet>
  readonly #pods: Informer<Pod>
  readonly #ops: DeploymentOps
  readonly reconciler: Reconciler

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx
    this.#log = ctx.log.child({ controller: 'deployment' })
    this.#deployments = ctx.informers.informerFor<Deployment>(commonResources.deployments)
    this.#replicaSets = ctx.informers.informerFor<ReplicaSet>(commonResources.replicaSets)
    this.#pods = ctx.informers.informerFor<Pod>(commonResources.pods)
    this.reconciler = new Reconciler({ name: 'deployment', sync: (key) => this.sync(key), log: this.#log, clock: ctx.clock })
    this.#ops = this.#makeOps()

    // Every change, status writes of our own included, is worth a look: syncs are idempotent and cheap.
    this.#deployments.addEventHandler({
      onAdd: (d) => this.reconciler.enqueue(d),
      onUpdate: (_, d) => this.reconciler.enqueue(d),
      onDelete: (d) => this.reconciler.enqueue(d),
    })
    this.#replicaSets.addEventHandler({
      onAdd: (rs) => this.#replicaSetAdded(rs),
      onUpdate: (oldRS, rs) => this.#replicaSetUpdated(oldRS, rs),
      onDelete: (rs) => this.#enqueueOwner(rs),
    })
    this.#pods.addEventHandler({ onDelete: (pod) => this.#podDeleted(pod) })
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.#deployments.whenSynced(), this.#replicaSets.whenSynced(), this.#pods.whenSynced()])
    await this.reconciler.run(workers, signal)
  }

  // ---- Event handlers: map an event to the Deployments it concerns. ----

  #replicaSetAdded(rs: ReplicaSet): void {
    if (rs.metadata.deletionTimestamp) return this.#enqueueOwner(rs)
    if (controllerOf(rs)) return this.#enqueueOwner(rs)
    // An orphan: whoever matches may adopt it.
    for (const d of this.#deploymentsFor(rs)) this.reconciler.enqueue(d)
  }

  #replicaSetUpdated(oldRS: ReplicaSet, rs: ReplicaSet): void {
    // A resync: nothing changed.
    if (rs.metadata.resourceVersion === oldRS.metadata.resourceVersion) return
    const oldRef = controllerOf(oldRS)
    const ref = controllerOf(rs)
    const refChanged = oldRef?.uid !== ref?.uid
    // The former owner must notice it lost the ReplicaSet.
    if (refChanged && oldRef) this.#enqueueRef(rs.metadata.namespace ?? '', oldRef)
    if (ref) return this.#enqueueRef(rs.metadata.namespace ?? '', ref)
    const labelsChanged = JSON.stringify(rs.metadata.labels ?? {}) !== JSON.stringify(oldRS.metadata.labels ?? {})
    if (labelsChanged || refChanged) for (const d of this.#deploymentsFor(rs)) this.reconciler.enqueue(d)
  }

  #enqueueOwner(rs: ReplicaSet): void {
    const ref = controllerOf(rs)
    if (ref) this.#enqueueRef(rs.metadata.namespace ?? '', ref)
  }

  #enqueueRef(namespace: string, ref: OwnerReference): void {
    const d = this.#resolve(namespace, ref)
    if (d) this.reconciler.enqueue(d)
  }

  #resolve(namespace: string, ref: OwnerReference): Deployment | undefined {
    if (ref.kind !== controllerKind.kind) return undefined
    const d = this.#deployments.get(`${namespace}/${ref.name}`)
    return d && d.metadata.uid === ref.uid ? d : undefined
  }

  /** Deployments in rs's namespace whose (non-empty, valid) selector matches rs's labels. */
  #deploymentsFor(rs: ReplicaSet): Deployment[] {
    return this.#deployments.byIndex('namespace', rs.metadata.namespace ?? '').filter((d) => {
      const sel = d.spec?.selector
      if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return false
      try {
        return matchesLabels(labelSelectorFromObject(sel), rs.metadata.labels)
      } catch {
        return false
      }
    })
  }

  /** A Recreate Deployment waits for its old pods to go; the last one's deletion wakes it. */
  #podDeleted(pod: Pod): void {
    const ref = controllerOf(pod)
    if (ref?.kind !== 'ReplicaSet') return
    const ns = pod.metadata.namespace ?? ''
    const rs = this.#replicaSets.get(`${ns}/${ref.name}`)
    if (!rs || rs.metadata.uid !== ref.uid) return
    const rsRef = controllerOf(rs)
    const d = rsRef && this.#resolve(ns, rsRef)
    if (!d || !isRecreate(d)) return
    const left = this.#replicaSets.byIndex('ownerUid', d.metadata.uid ?? '').reduce((n, owned) => n + this.#pods.byIndex('ownerUid', owned.metadata.uid ?? '').length, 0)
    if (left === 0) this.reconciler.enqueue(d)
  }

  // ---- The sync ----

  async sync(key: string): Promise<ProcessResult> {
    const cached = this.#deployments.get(key)
    if (!cached) {
      this.#log.debug({ key }, 'deployment has been deleted')
      return
    }
    const d: Deployment = { ...structuredClone(cached), ...controllerKind }
    d.spec ??= {}
    const ops = this.#ops

    const sel = d.spec.selector
    if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      ops.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.')
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata.generation }
        await writeStatus(ops, d)
      }
      return
    }

    const rsList = await this.#replicaSetsFor(d)
    if (d.metadata.deletionTimestamp) {
      await syncStatusOnly(ops, d, rsList)
      return
    }
    await checkPausedConditions(ops, d)
    const rollbackRequested = rollbackTo(d) !== undefined
    if (d.spec.paused) {
      await syncScaling(ops, d, rsList, rollbackRequested)
      return
    }
    // Not re-entrant: the next sync must see the request cleared before ReplicaSets change again.
    if (rollbackRequested) {
      await rollback(ops, d, rsList)
      return
    }
    if (await isScalingEvent(ops, d, rsList)) {
      await syncScaling(ops, d, rsList, false)
      return
    }
    let requeueAfter: number | undefined
    if (isRecreate(d)) requeueAfter = await rolloutRecreate(ops, d, rsList, this.#podMap(rsList))
    else if (isRollingUpdate(d)) requeueAfter = await rolloutRolling(ops, d, rsList)
    else throw new Error(`unexpected deployment strategy type: ${d.spec.strategy?.type}`)
    return requeueAfter === undefined ? undefined : { requeueAfter }
  }

  /** The Deployment's ReplicaSets, after adopting matching orphans and releasing its own that stopped matching. */
  async #replicaSetsFor(d: Deployment): Promise<ReplicaSet[]> {
    let selector
    try {
      selector = labelSelectorFromObject(d.spec.selector)
    } catch (err) {
      throw new Error(`deployment ${keyOf(d)} has invalid label selector: ${(err as Error).message}`)
    }
    const all = this.#replicaSets.byIndex('namespace', d.metadata.namespace ?? '')
    const client = this.#ctx.client
    const ns = d.metadata.namespace ?? 'default'
    const claim: ClaimOps = {
      patchOwnerReferences: (rs, refs) => client.replicaSets.namespace(ns).patch(
        rs.metadata.name ?? '',
        { metadata: { ownerReferences: refs, uid: rs.metadata.uid, resourceVersion: rs.metadata.resourceVersion } },
        'merge',
      ) as Promise<ReplicaSet>,
      recheckCanAdopt: async () => {
        const fresh = await client.deployments.namespace(ns).get(d.metadata.name ?? '')
        if (fresh.metadata.uid !== d.metadata.uid) throw new Error(`original Deployment ${keyOf(d)} is gone: got uid ${fresh.metadata.uid}, wanted ${d.metadata.uid}`)
        if (fresh.metadata.deletionTimestamp) throw new Error(`${keyOf(d)} has just been deleted at ${fresh.metadata.deletionTimestamp}`)
      },
    }
    return (await claimReplicaSets(claim, d, selector, all)).map((rs) => structuredClone(rs))
  }

  #podMap(rsList: ReplicaSet[]): PodMap {
    const map: PodMap = new Map()
    for (const rs of rsList) map.set(rs.metadata.uid ?? '', this.#pods.byIndex('ownerUid', rs.metadata.uid ?? ''))
    return map
  }

  #makeOps(): DeploymentOps {
    const { client, clock } = this.#ctx
    const recorder = this.#ctx.recorder('deployment-controller')
    const sets = (obj: { metadata: { namespace?: string } }) => client.replicaSets.namespace(obj.metadata.namespace ?? 'default')
    const deployments = (obj: { metadata: { namespace?: string } }) => client.deployments.namespace(obj.metadata.namespace ?? 'default')
    return {
      now: () => clock.now(),
      createReplicaSet: (rs) => sets(rs).create(rs) as Promise<ReplicaSet>,
      updateReplicaSet: (rs) => sets(rs).update(rs) as Promise<ReplicaSet>,
      deleteReplicaSet: async (rs) => {
        try {
          await sets(rs).delete(rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid } })
        } catch (err) {
          if (!isNotFound(err)) throw err
        }
      },
      updateDeploymentStatus: (d) => deployments(d).updateStatus(d) as Promise<Deployment>,
      updateDeployment: (d) => deployments(d).update(d) as Promise<Deployment>,
      cachedReplicaSet: (namespace, name) => {
        const rs = this.#replicaSets.get(`${namespace}/${name}`)
        return rs && structuredClone(rs)
      },
      event: (d, type, reason, message) => recorder.event(d, type, reason, message),
    }
  }
}

/** Upstream's "deployment" controller; workers from --concurrent-deployment-syncs (default 5). */
export const deploymentController: ControllerDefinition = {
  name: 'deployment',
  init(ctx) {
    const controller = new DeploymentController(ctx)
    return (signal) => controller.run(ctx.workers('deployment'), signal)
  },
}
