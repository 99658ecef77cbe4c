// The DaemonSet controller (upstream's pkg/controller/daemon): one pod on
// every node the template may run on. Pods are created pinned to their node
// by required node affinity `metadata.name In [node]`, and the scheduler
// binds them. Each template version is a ControllerRevision `<ds>-<hash>`;
// pods carry that hash in `controller-revision-hash`, and RollingUpdate
// replaces old pods within maxUnavailable / maxSurge.
//
// One sync: history first (it names the current hash), then, unless earlier
// creates and deletes are still unobserved, the per-node plan, the rolling
// update and history cleanup; status last, always.
import type { KubeObject } from '../../../shared/api-types.ts'
import { commonResources, isAlreadyExists, isConflict, isNotFound, type ResourceClient } from '../../../shared/client/index.ts'
import type { Node, Pod } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import { isEmptyLabelSelector, labelSelectorFromObject, matchesLabels, type LabelSelector } from '../../../shared/label-selector.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Expectations } from '../../expectations.ts'
import { watchOwnedPods } from '../../owned-pods.ts'
import { controllerOf } from '../../owner-refs.ts'
import { PodControl, podFromTemplate, slowStartBatch } from '../../pod-control.ts'
import { keyOf, Reconciler } from '../../reconciler.ts'
import {
  computeTemplateHash, controllerRevisionDescriptor, canonicalJson, revisionLabel, templatePatch, type ControllerRevision,
} from '../history/controller-revision.ts'
import { claimObjects } from '../history/controller-ref-manager.ts'
import {
  compareDaemonPods, daemonPodTemplate, isPodUpdated, nodeShouldRunDaemonPod, pinToNode, targetNodeName, templateGeneration,
} from './daemon-pod.ts'
import { allowsSurge, surgeCount, unavailableCount, type DaemonSet, type DaemonSetStatus } from './daemonset-types.ts'
import { podsShouldBeOnNode } from './node-plan.ts'
import { isPodAvailable, isPodReady, isPodTerminal } from '../../pod-conditions.ts'
import { planRollingUpdate } from './rolling-update.ts'

/** Upstream's BurstReplicas for DaemonSets: the most creates or deletes in one sync. */
const burstReplicas = 250

/** The controller's view of a DaemonSet: informer objects carry no apiVersion/kind, events and ownerReferences need them. */
function withKind(ds: DaemonSet): DaemonSet {
  return { ...ds, apiVersion: 'apps/v1', kind: 'DaemonSet' }
}

/** Whether the history's data is this DaemonSet's template (upstream's Match). */
export function revisionMatches(ds: DaemonSet, revision: ControllerRevision): boolean {
  return canonicalJson(templatePatch(ds.spec?.template)) === canonicalJson(revision.data)
}

export class DaemonSetController {
  readonly #ctx: ControllerContext
  readonly #sets: Informer<DaemonSet>
  readonly #pods: Informer<Pod>
  readonly #nodes: Informer<Node>
  readonly #revisions: Informer<ControllerRevision>
  readonly #expectations: Expectations
  readonly #recorder: EventRecorder
  readonly #podControl: PodControl
  readonly reconciler: Reconciler

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx
    this.#sets = ctx.informers.informerFor<DaemonSet>(commonResources.daemonSets)
    this.#pods = ctx.informers.informerFor<Pod>(commonResources.pods)
    this.#nodes = ctx.informers.informerFor<Node>(commonResources.nodes)
    this.#revisions = ctx.informers.informerFor<ControllerRevision>(controllerRevisionDescriptor)
    this.#expectations = new Expectations(ctx.clock)
    this.#recorder = ctx.recorder('daemonset-controller')
    this.#podControl = new PodControl(ctx.client, this.#recorder)
    this.reconciler = new Reconciler({ name: 'daemonset', sync: (key) => this.sync(key), log: ctx.log, clock: ctx.clock })

    this.#sets.addEventHandler({
      onAdd: (ds) => this.reconciler.enqueue(ds),
      onUpdate: (_, ds) => this.reconciler.enqueue(ds),
      onDelete: (ds) => {
        this.#expectations.delete(keyOf(ds))
        this.reconciler.enqueue(ds)
      },
    })
    watchOwnedPods(this.#pods, {
      kind: 'DaemonSet', owners: this.#sets, reconciler: this.reconciler, expectations: this.#expectations,
      selectorOf,
      minReadySeconds: (ds) => ds.spec?.minReadySeconds ?? 0,
    })
    this.#nodes.addEventHandler({
      onAdd: (node) => {
        for (const ds of this.#sets.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.reconciler.enqueue(ds)
      },
      onUpdate: (oldNode, node) => {
        // Heartbeats change nothing a DaemonSet looks at: enqueue only where the answer moved.
        for (const ds of this.#sets.list()) {
          const before = nodeShouldRunDaemonPod(oldNode, ds)
          const after = nodeShouldRunDaemonPod(node, ds)
          if (before.shouldRun !== after.shouldRun || before.shouldContinueRunning !== after.shouldContinueRunning) this.reconciler.enqueue(ds)
        }
      },
      // Pods of a removed node are the pod GC's; the DaemonSet recounts.
      onDelete: () => {
        for (const ds of this.#sets.list()) this.reconciler.enqueue(ds)
      },
    })
    const revisionChanged = (cr: ControllerRevision) => {
      const ref = controllerOf(cr)
      if (ref?.kind !== 'DaemonSet') return
      const ds = this.#sets.get(`${cr.metadata.namespace}/${ref.name}`)
      if (ds?.metadata.uid === ref.uid) this.reconciler.enqueue(ds)
    }
    this.#revisions.addEventHandler({ onAdd: revisionChanged, onUpdate: (_, cr) => revisionChanged(cr), onDelete: revisionChanged })
  }

  async sync(key: string): Promise<ProcessResult> {
    const cached = this.#sets.get(key)
    if (!cached) {
      this.#expectations.delete(key)
      return
    }
    const ds = withKind(cached)
    const nodes = this.#nodes.list()
    const selector = selectorOf(ds)
    if (!selector) {
      this.#recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.')
      return
    }
    if (ds.metadata.deletionTimestamp) return

    const { current, old } = await this.#constructHistory(ds, selector)
    const hash = current.metadata.labels?.[revisionLabel] ?? ''
    if (!this.#expectations.satisfied(key)) return this.#updateStatus(ds, nodes, hash, selector, false)

    let failure: unknown
    try {
      await this.#manage(ds, key, nodes, hash, selector)
      if (this.#expectations.satisfied(key) && ds.spec?.updateStrategy?.type === 'RollingUpdate') {
        await this.#rollingUpdate(ds, key, nodes, hash, selector)
      }
      await this.#cleanupHistory(ds, old, selector)
    } catch (err) {
      failure = err
    }
    const result = await this.#updateStatus(ds, nodes, hash, selector, failure === undefined)
    if (failure !== undefined) throw failure
    return result
  }

  /** The DaemonSet's pods by the node they are for (bound, or pinned by affinity); claims orphans on the way. */
  async #nodeToDaemonPods(ds: DaemonSet, selector: LabelSelector, includeDeletedTerminal: boolean): Promise<Map<string, Pod[]>> {
    const pods = await claimObjects<Pod>({
      owner: ds,
      objects: this.#pods.byIndex('namespace', ds.metadata.namespace ?? ''),
      matches: (pod) => matchesLabels(selector, pod.metadata.labels),
      adoptable: (pod) => !isPodTerminal(pod),
      client: this.#ctx.client.pods.namespace(ds.metadata.namespace ?? 'default') as ResourceClient<Pod>,
    })
    const byNode = new Map<string, Pod[]>()
    for (const pod of pods) {
      if (!includeDeletedTerminal && isPodTerminal(pod) && pod.metadata.deletionTimestamp) continue
      const node = targetNodeName(pod)
      if (node === undefined) continue
      const list = byNode.get(node)
      if (list) list.push(pod)
      else byNode.set(node, [pod])
    }
    return byNode
  }

  async #manage(ds: DaemonSet, key: string, nodes: Node[], hash: string, selector: LabelSelector): Promise<void> {
    const nodeToPods = await this.#nodeToDaemonPods(ds, selector, false)
    const now = this.#ctx.clock.now()
    const surge = allowsSurge(ds)
    const nodesNeedingPods: string[] = []
    const podsToDelete: string[] = []
    let failedPods = 0
    for (const node of nodes) {
      const name = node.metadata.name ?? ''
      const plan = podsShouldBeOnNode({
        eligibility: nodeShouldRunDaemonPod(node, ds), pods: nodeToPods.get(name), surge, hash,
        minReadySeconds: ds.spec?.minReadySeconds ?? 0, now,
      })
      if (plan.create) nodesNeedingPods.push(name)
      podsToDelete.push(...plan.podsToDelete)
      for (const pod of plan.failed) {
        failedPods++
        this.#recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${name}, will try to kill it`)
      }
    }
    // Pods pinned to nodes that no longer exist never get scheduled, and nothing else deletes them.
    const known = new Set(nodes.map((n) => n.metadata.name))
    for (const [node, pods] of nodeToPods) {
      if (known.has(node)) continue
      for (const pod of pods) if (!pod.spec?.nodeName && !pod.metadata.deletionTimestamp) podsToDelete.push(pod.metadata.name ?? '')
    }
    await this.#syncNodes(ds, key, podsToDelete, nodesNeedingPods, hash)
    // An error makes the queue back off, so a kubelet that keeps failing the pod is not hot-looped.
    if (failedPods > 0) throw new Error(`deleted ${failedPods} failed pods of DaemonSet ${key}`)
  }

  async #syncNodes(ds: DaemonSet, key: string, podsToDelete: string[], nodesNeedingPods: string[], hash: string): Promise<void> {
    const createCount = Math.min(nodesNeedingPods.length, burstReplicas)
    const deleteCount = Math.min(podsToDelete.length, burstReplicas)
    if (createCount === 0 && deleteCount === 0) return
    this.#expectations.expect(key, createCount, deleteCount)
    const template = daemonPodTemplate(ds.spec?.template, templateGeneration(ds), hash)
    const errors: unknown[] = []
    const { succeeded, error } = await slowStartBatch(createCount, async (i) => {
      const pod = podFromTemplate(template, ds)
      pod.spec = { ...pod.spec, affinity: pinToNode(pod.spec?.affinity, nodesNeedingPods[i]) }
      try {
        await this.#podControl.create(ds, pod)
      } catch (err) {
        this.#expectations.creationObserved(key)
        throw err
      }
    })
    // Creations never attempted will never be observed.
    const failedCreates = error === undefined ? 0 : 1
    for (let i = succeeded + failedCreates; i < createCount; i++) this.#expectations.creationObserved(key)
    if (error !== undefined) errors.push(error)

    const namespace = ds.metadata.namespace ?? ''
    await Promise.all(podsToDelete.slice(0, deleteCount).map(async (name) => {
      const pod = this.#pods.get(`${namespace}/${name}`)
      if (!pod) {
        this.#expectations.deletionObserved(key)
        return
      }
      try {
        await this.#podControl.delete(ds, pod)
      } catch (err) {
        this.#expectations.deletionObserved(key)
        errors.push(err)
      }
    }))
    if (errors.length > 0) throw errors[0]
  }

  async #rollingUpdate(ds: DaemonSet, key: string, nodes: Node[], hash: string, selector: LabelSelector): Promise<void> {
    const nodeToPods = await this.#nodeToDaemonPods(ds, selector, false)
    const eligible = new Map(nodes.map((n) => [n.metadata.name ?? '', nodeShouldRunDaemonPod(n, ds)]))
    let desired = 0
    for (const [name, e] of eligible) {
      if (!e.shouldRun) continue
      desired++
      if (!nodeToPods.has(name)) nodeToPods.set(name, [])
    }
    let maxUnavailable = unavailableCount(ds, desired)
    const maxSurge = surgeCount(ds, desired)
    // Neither surge nor unavailability allowed: upstream falls back to one at a time.
    if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1
    const plan = planRollingUpdate({
      nodeToDaemonPods: nodeToPods, hash, generation: templateGeneration(ds), maxSurge, maxUnavailable,
      desiredNumberScheduled: desired, minReadySeconds: ds.spec?.minReadySeconds ?? 0, now: this.#ctx.clock.now(),
      shouldRun: (name) => eligible.get(name)?.shouldRun ?? false,
    })
    await this.#syncNodes(ds, key, plan.podsToDelete, plan.nodesToCreate, hash)
  }

  #revisionClient(ds: DaemonSet): ResourceClient<ControllerRevision> {
    return this.#ctx.client.resource<ControllerRevision>(controllerRevisionDescriptor).namespace(ds.metadata.namespace ?? 'default')
  }

  /** The current revision (created or renumbered as needed) and the old ones (upstream's constructHistory). */
  async #constructHistory(ds: DaemonSet, selector: LabelSelector): Promise<{ current: ControllerRevision; old: ControllerRevision[] }> {
    const client = this.#revisionClient(ds)
    const histories = await claimObjects<ControllerRevision>({
      owner: ds,
      objects: this.#revisions.byIndex('namespace', ds.metadata.namespace ?? ''),
      matches: (cr) => matchesLabels(selector, cr.metadata.labels),
      client,
    })
    const currents: ControllerRevision[] = []
    const old: ControllerRevision[] = []
    for (let history of histories) {
      if (history.metadata.labels?.[revisionLabel] === undefined) {
        // Old revisions lacked the label; the name is unique, so it serves as one.
        history = await client.update({ ...history, metadata: { ...history.metadata, labels: { ...history.metadata.labels, [revisionLabel]: history.metadata.name ?? '' } } })
      }
      if (revisionMatches(ds, history)) currents.push(history)
      else old.push(history)
    }
    const nextNumber = old.reduce((max, r) => Math.max(max, r.revision ?? 0), 0) + 1
    let current: ControllerRevision
    if (currents.length === 0) {
      current = await this.#snapshot(ds, nextNumber)
    } else {
      current = await this.#dedupCurrent(ds, currents, selector)
      if ((current.revision ?? 0) < nextNumber) current = await client.update({ ...current, revision: nextNumber })
    }
    return { current, old }
  }

  async #snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision> {
    const collisionCount = ds.status?.collisionCount
    const hash = computeTemplateHash(ds.spec?.template, collisionCount)
    const name = `${ds.metadata.name}-${hash}`
    const client = this.#revisionClient(ds)
    const history: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ds.metadata.namespace,
        labels: { ...ds.spec?.template?.metadata?.labels, [revisionLabel]: hash },
        ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name ?? '', uid: ds.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      data: templatePatch(ds.spec?.template),
      revision,
    }
    try {
      return await client.create(history)
    } catch (err) {
      if (!isAlreadyExists(err)) throw err
      const existing = await client.get(name)
      if (revisionMatches(ds, existing)) return existing
      // Another template hashed to this name: bump collisionCount and try again next sync.
      const fresh = await this.#ctx.client.daemonSets.namespace(ds.metadata.namespace ?? 'default').get(ds.metadata.name ?? '') as DaemonSet
      if ((fresh.status?.collisionCount ?? undefined) !== (collisionCount ?? undefined)) {
        throw new Error(`found a stale collision count of DaemonSet ${ds.metadata.name}; will retry until it is updated`)
      }
      const status = { ...fresh.status, collisionCount: (fresh.status?.collisionCount ?? 0) + 1 }
      await this.#ctx.client.daemonSets.namespace(ds.metadata.namespace ?? 'default').updateStatus({ ...fresh, status } as KubeObject)
      throw err
    }
  }

  /** Keeps the highest-numbered of several revisions with the current template; relabels pods to it first. */
  async #dedupCurrent(ds: DaemonSet, currents: ControllerRevision[], selector: LabelSelector): Promise<ControllerRevision> {
    if (currents.length === 1) return currents[0]
    let keep = currents[0]
    for (const cr of currents) if ((cr.revision ?? 0) >= (keep.revision ?? 0)) keep = cr
    const keepHash = keep.metadata.labels?.[revisionLabel] ?? ''
    const pods = this.#ctx.client.pods.namespace(ds.metadata.namespace ?? 'default')
    for (const pod of this.#pods.byIndex('ownerUid', ds.metadata.uid ?? '')) {
      if (!matchesLabels(selector, pod.metadata.labels) || pod.metadata.labels?.[revisionLabel] === keepHash) continue
      await pods.patch(pod.metadata.name ?? '', { metadata: { labels: { [revisionLabel]: keepHash } } }, 'merge')
    }
    const client = this.#revisionClient(ds)
    for (const cr of currents) {
      if (cr.metadata.name === keep.metadata.name) continue
      try {
        await client.delete(cr.metadata.name ?? '')
      } catch (err) {
        if (!isNotFound(err)) throw err
      }
    }
    return keep
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that no pod still runs. */
  async #cleanupHistory(ds: DaemonSet, old: ControllerRevision[], selector: LabelSelector): Promise<void> {
    let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10)
    if (toKill <= 0) return
    const live = new Set<string>()
    for (const pods of (await this.#nodeToDaemonPods(ds, selector, true)).values()) {
      for (const pod of pods) {
        const hash = pod.metadata.labels?.[revisionLabel]
        if (hash) live.add(hash)
      }
    }
    const client = this.#revisionClient(ds)
    for (const cr of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
      if (toKill <= 0) break
      if (live.has(cr.metadata.labels?.[revisionLabel] ?? '')) continue
      try {
        await client.delete(cr.metadata.name ?? '')
      } catch (err) {
        if (!isNotFound(err)) throw err
      }
      toKill--
    }
  }

  async #updateStatus(ds: DaemonSet, nodes: Node[], hash: string, selector: LabelSelector, updateObservedGeneration: boolean): Promise<ProcessResult> {
    const nodeToPods = await this.#nodeToDaemonPods(ds, selector, false)
    const status = computeDaemonSetStatus(ds, nodes, nodeToPods, hash, this.#ctx.clock.now())
    const current = ds.status ?? {}
    const same = (['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const)
      .every((f) => (current[f] ?? 0) === status[f])
    if (!same || (current.observedGeneration ?? 0) < (ds.metadata.generation ?? 0)) {
      const client = this.#ctx.client.daemonSets.namespace(ds.metadata.namespace ?? 'default')
      let target: DaemonSet = ds
      for (let attempt = 0; ; attempt++) {
        const next: DaemonSetStatus = { ...target.status, ...status }
        if (updateObservedGeneration) next.observedGeneration = ds.metadata.generation
        // Go writes these with omitempty: a zero is absent.
        for (const field of ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const) if (next[field] === 0) delete next[field]
        try {
          await client.updateStatus({ ...target, status: next } as KubeObject)
          break
        } catch (err) {
          if (isNotFound(err)) return
          if (!isConflict(err) || attempt >= 2) throw err
          target = await client.get(ds.metadata.name ?? '') as DaemonSet
        }
      }
    }
    // Ready pods become available only minReadySeconds later.
    const minReady = ds.spec?.minReadySeconds ?? 0
    if (minReady > 0 && status.numberReady !== status.numberAvailable) return { requeueAfter: minReady * 1000 }
  }
}

/** A usable selector, or undefined for the empty one (which would select every pod) or an invalid one. */
function selectorOf(ds: DaemonSet): LabelSelector | undefined {
  try {
    const selector = labelSelectorFromObject(ds.spec?.selector)
    return selector.matchesNothing || isEmptyLabelSelector(selector) ? undefined : selector
  } catch {
    return undefined
  }
}

/** The counts `kubectl get ds` prints (upstream's updateDaemonSetStatus). */
export function computeDaemonSetStatus(ds: DaemonSet, nodes: readonly Node[], nodeToPods: ReadonlyMap<string, Pod[]>, hash: string, now: number): Required<Pick<DaemonSetStatus,
  'desiredNumberScheduled' | 'currentNumberScheduled' | 'numberMisscheduled' | 'numberReady' | 'updatedNumberScheduled' | 'numberAvailable' | 'numberUnavailable'>> {
  let desired = 0
  let current = 0
  let misscheduled = 0
  let ready = 0
  let updated = 0
  let available = 0
  const generation = templateGeneration(ds)
  for (const node of nodes) {
    const pods = nodeToPods.get(node.metadata.name ?? '') ?? []
    const scheduled = pods.length > 0
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) misscheduled++
      continue
    }
    desired++
    if (!scheduled) continue
    current++
    const pod = [...pods].sort(compareDaemonPods)[0]
    if (isPodReady(pod)) {
      ready++
      if (isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, now)) available++
    }
    if (isPodUpdated(pod, hash, generation)) updated++
  }
  return {
    desiredNumberScheduled: desired, currentNumberScheduled: current, numberMisscheduled: misscheduled, numberReady: ready,
    updatedNumberScheduled: updated, numberAvailable: available, numberUnavailable: desired - available,
  }
}

export const daemonSetController: ControllerDefinition = {
  name: 'daemonset',
  init(ctx) {
    const controller = new DaemonSetController(ctx)
    return (signal) => controller.reconciler.run(ctx.workers('daemonset'), signal)
  },
}
