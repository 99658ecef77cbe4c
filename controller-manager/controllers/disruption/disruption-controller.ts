// The disruption controller (upstream's pkg/controller/disruption): keeps
// every PodDisruptionBudget's status current, so the eviction API can read
// status.disruptionsAllowed and refuse evictions that would take the
// selected pods below the budget. pdb-status.ts holds the arithmetic; this
// file watches PDBs, pods and the pods' controllers, writes status (through
// the status subresource), and on a failed sync writes the fail-safe status
// (no disruptions allowed). It also resets a DisruptionTarget condition the
// eviction API left on a pod that was never deleted after all.
import type { KubeObject } from '../../../shared/api-types.ts'
import { commonResources, isConflict, isNotFound, type ResourceDescriptor } from '../../../shared/client/index.ts'
import type { Pod } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import { labelSelectorFromObject, matchesLabels } from '../../../shared/label-selector.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { isPodTerminal } from '../../pod-conditions.ts'
import { Reconciler, splitKey } from '../../reconciler.ts'
import {
  buildDisruptedPodMap, countHealthyPods, expectedPodCount, failSafeStatus, nextStatus,
  type ControllerScale, type PodDisruptionBudget, type PodDisruptionBudgetStatus, type ScaleFinder,
} from './pdb-status.ts'

export const podDisruptionBudgets: ResourceDescriptor = { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespaced: true }
const replicationControllers: ResourceDescriptor = { group: '', version: 'v1', plural: 'replicationcontrollers', namespaced: true }

/** Upstream's stalePodDisruptionTimeout: how long a DisruptionTarget condition may stay on a pod nobody deletes. */
const stalePodDisruptionTimeoutMs = 2 * 60 * 1000
/** Set by the kubelet itself; never stale. */
const terminationByKubeletReason = 'TerminationByKubelet'

interface ScaledWorkload extends KubeObject {
  spec?: { replicas?: number; [field: string]: unknown }
}

export interface DisruptionControllerOptions {
  /** @default 2 minutes */
  stalePodDisruptionTimeoutMs?: number
}

export class DisruptionController {
  readonly #ctx: ControllerContext
  readonly #pdbs: Informer<PodDisruptionBudget>
  readonly #pods: Informer<Pod>
  readonly #replicaSets: Informer<ScaledWorkload>
  readonly #deployments: Informer<ScaledWorkload>
  readonly #statefulSets: Informer<ScaledWorkload>
  readonly #replicationControllers: Informer<ScaledWorkload>
  readonly #recorder: EventRecorder
  readonly #staleTimeoutMs: number
  readonly reconciler: Reconciler
  /** Pods whose DisruptionTarget condition may need resetting. */
  readonly stalePods: Reconciler

  constructor(ctx: ControllerContext, options: DisruptionControllerOptions = {}) {
    this.#ctx = ctx
    this.#staleTimeoutMs = options.stalePodDisruptionTimeoutMs ?? stalePodDisruptionTimeoutMs
    this.#pdbs = ctx.informers.informerFor<PodDisruptionBudget>(podDisruptionBudgets)
    this.#pods = ctx.informers.informerFor<Pod>(commonResources.pods)
    this.#replicaSets = ctx.informers.informerFor<ScaledWorkload>(commonResources.replicaSets)
    this.#deployments = ctx.informers.informerFor<ScaledWorkload>(commonResources.deployments)
    this.#statefulSets = ctx.informers.informerFor<ScaledWorkload>(commonResources.statefulSets)
    this.#replicationControllers = ctx.informers.informerFor<ScaledWorkload>(replicationControllers)
    // Upstream's disruption controller records as "controllermanager".
    this.#recorder = ctx.recorder('controllermanager')
    const log = ctx.log.child({ controller: 'disruption' })
    this.reconciler = new Reconciler({ name: 'disruption', sync: (key) => this.sync(key), log, clock: ctx.clock })
    this.stalePods = new Reconciler({ name: 'stale_pod_disruption', sync: (key) => this.syncStalePodDisruption(key), log, clock: ctx.clock })

    this.#pdbs.addEventHandler({
      onAdd: (pdb) => this.reconciler.enqueue(pdb),
      onUpdate: (_, pdb) => this.reconciler.enqueue(pdb),
      onDelete: (pdb) => this.reconciler.enqueue(pdb),
    })
    this.#pods.addEventHandler({
      onAdd: (pod) => this.#podChanged(pod),
      onUpdate: (_, pod) => this.#podChanged(pod),
      onDelete: (pod) => {
        const pdb = this.#pdbForPod(pod)
        if (pdb) this.reconciler.enqueue(pdb)
      },
    })
  }

  #podChanged(pod: Pod): void {
    const pdb = this.#pdbForPod(pod)
    if (pdb) this.reconciler.enqueue(pdb)
    const cleanAfter = this.#staleDisruptionCleanupIn(pod)
    if (cleanAfter !== undefined) this.stalePods.enqueueAfter(pod, cleanAfter)
  }

  /** The first PDB of the pod's namespace selecting it; a Warning when several do. */
  #pdbForPod(pod: Pod): PodDisruptionBudget | undefined {
    const pdbs = this.#pdbs.byIndex('namespace', pod.metadata.namespace ?? '').filter((pdb) => selects(pdb, pod))
    if (pdbs.length === 0) return undefined
    pdbs.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))
    if (pdbs.length > 1) {
      const msg = `Pod ${JSON.stringify(pod.metadata.namespace)}/${JSON.stringify(pod.metadata.name)} matches multiple PodDisruptionBudgets.  Chose ${JSON.stringify(pdbs[0].metadata.name)} arbitrarily.`
      this.#recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg)
    }
    return pdbs[0]
  }

  /** Ms until the pod's DisruptionTarget condition counts as stale; undefined when it has none to reset. */
  #staleDisruptionCleanupIn(pod: Pod): number | undefined {
    if (pod.metadata.deletionTimestamp || isPodTerminal(pod)) return undefined
    const cond = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')
    if (!cond || cond.status !== 'True' || cond.reason === terminationByKubeletReason) return undefined
    const since = Date.parse(cond.lastTransitionTime ?? '')
    const elapsed = Number.isFinite(since) ? this.#ctx.clock.now() - since : 0
    return Math.max(0, this.#staleTimeoutMs - elapsed)
  }

  /** The finders upstream tries in turn: ReplicationController, Deployment (through its ReplicaSet), ReplicaSet, StatefulSet. */
  readonly #findScale: ScaleFinder = (ref, namespace) => {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : ''
    const scaleOf = (obj: ScaledWorkload | undefined, uid: string): ControllerScale | undefined =>
      obj && obj.metadata.uid === uid ? { uid, scale: obj.spec?.replicas ?? 1 } : undefined
    if (ref.kind === 'ReplicationController' && group === '') return scaleOf(this.#replicationControllers.get(`${namespace}/${ref.name}`), ref.uid)
    if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
      const rs = scaleOf(this.#replicaSets.get(`${namespace}/${ref.name}`), ref.uid)
      if (!rs) return undefined
      const owner = this.#replicaSets.get(`${namespace}/${ref.name}`)!.metadata.ownerReferences?.find((r) => r.controller)
      if (owner?.kind === 'Deployment') {
        const ownerGroup = owner.apiVersion.split('/')[0]
        if (ownerGroup !== 'apps' && ownerGroup !== 'extensions') return undefined
        // A Deployment's ReplicaSet counts by the Deployment's scale; upstream finds none if the Deployment is gone.
        return scaleOf(this.#deployments.get(`${namespace}/${owner.name}`), owner.uid)
      }
      return rs
    }
    if (ref.kind === 'StatefulSet' && group === 'apps') return scaleOf(this.#statefulSets.get(`${namespace}/${ref.name}`), ref.uid)
    return undefined
  }

  async sync(key: string): Promise<ProcessResult> {
    const pdb = this.#pdbs.get(key)
    if (!pdb) return
    try {
      return await this.#trySync(pdb)
    } catch (err) {
      // A stale copy: the newer one is on its way and brings another sync.
      if (isConflict(err)) throw err
      this.#ctx.log.error({ err, podDisruptionBudget: key }, 'failed to sync PDB')
      await this.#writeStatus(pdb, failSafeStatus(pdb, err as Error, this.#ctx.clock.now()))
    }
  }

  async #trySync(pdb: PodDisruptionBudget): Promise<ProcessResult> {
    const pods = this.#pods.byIndex('namespace', pdb.metadata.namespace ?? '').filter((pod) => selects(pdb, pod))
    if (pods.length === 0) this.#recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found')
    let counts
    try {
      counts = expectedPodCount(pdb, pods, this.#findScale)
    } catch (err) {
      this.#recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`)
      throw err
    }
    if (counts.unmanagedPods.length > 0) {
      this.#recorder.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${describeSelector(pdb)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`)
    }
    const now = this.#ctx.clock.now()
    const { disruptedPods, expired, recheckAt } = buildDisruptedPodMap(pods, pdb.status?.disruptedPods, now)
    for (const pod of expired) {
      this.#recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`)
    }
    const currentHealthy = countHealthyPods(pods, disruptedPods, now)
    const status = nextStatus(pdb, { currentHealthy, desiredHealthy: counts.desiredHealthy, expectedCount: counts.expectedCount, disruptedPods }, now)
    if (status) await this.#writeStatus(pdb, status)
    if (recheckAt !== undefined) return { requeueAfter: Math.max(0, recheckAt - now) }
  }

  async #writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> {
    try {
      await this.#ctx.client.resource(podDisruptionBudgets).namespace(pdb.metadata.namespace ?? '').updateStatus({ ...pdb, status } as KubeObject)
    } catch (err) {
      if (isNotFound(err)) return
      throw err
    }
  }

  /** Resets a stale DisruptionTarget condition to False, as upstream's stalePodDisruptionWorker. */
  async syncStalePodDisruption(key: string): Promise<ProcessResult> {
    const pod = this.#pods.get(key)
    if (!pod) return
    const cleanAfter = this.#staleDisruptionCleanupIn(pod)
    if (cleanAfter === undefined) return
    if (cleanAfter > 0) return { requeueAfter: cleanAfter }
    const { namespace, name } = splitKey(key)
    const now = new Date(this.#ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'DisruptionTarget' ? { ...c, status: 'False', lastTransitionTime: now } : c))
    try {
      await this.#ctx.client.pods.namespace(namespace).updateStatus({ ...pod, status: { ...pod.status, conditions } } as KubeObject)
    } catch (err) {
      if (isNotFound(err)) return
      throw err
    }
    this.#ctx.log.info({ pod: `${namespace}/${name}` }, 'reset stale DisruptionTarget condition to False')
  }
}

function selects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  try {
    return matchesLabels(labelSelectorFromObject(pdb.spec?.selector), pod.metadata.labels)
  } catch {
    // An invalid selector selects nothing.
    return false
  }
}

function describeSelector(pdb: PodDisruptionBudget): string {
  return JSON.stringify(pdb.spec?.selector ?? null)
}

export function disruptionController(options: DisruptionControllerOptions = {}): ControllerDefinition {
  return {
    name: 'disruption',
    init(ctx) {
      const controller = new DisruptionController(ctx, options)
      return async (signal) => {
        await Promise.all([controller.reconciler.run(ctx.workers('disruption'), signal), controller.stalePods.run(1, signal)])
      }
    },
  }
}
