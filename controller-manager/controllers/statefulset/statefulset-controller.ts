// The StatefulSet controller (upstream's pkg/controller/statefulset): pods
// with stable names `<set>-<ordinal>`, created and removed in ordinal order
// (OrderedReady) or all at once (Parallel), each with its own claims from
// volumeClaimTemplates. Template versions are ControllerRevisions; pods carry
// the revision's name in `controller-revision-hash`; status.currentRevision
// and updateRevision say which is which during a rolling update.
import type { KubeObject } from '../../../shared/api-types.ts'
import { commonResources, isConflict, isNotFound, type ResourceClient } from '../../../shared/client/index.ts'
import type { Pod } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import { isEmptyLabelSelector, labelSelectorFromObject, matchesLabels, type LabelSelector } from '../../../shared/label-selector.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { controllerOf } from '../../owner-refs.ts'
import { Reconciler } from '../../reconciler.ts'
import { watchOwnedPods } from '../../owned-pods.ts'
import {
  controllerRevisionDescriptor, equalRevision, findEqualRevisions, newControllerRevision, nextRevision, sortControllerRevisions,
  templatePatch, type ControllerRevision,
} from '../history/controller-revision.ts'
import { claimObjects } from '../history/controller-ref-manager.ts'
import { RevisionHistory } from '../history/revision-history.ts'
import { applyRevision, getPodRevision, isMemberOf, type PersistentVolumeClaim } from './stateful-pod.ts'
import { persistentVolumeClaimDescriptor, StatefulPodControl } from './stateful-pod-control.ts'
import { completeRollingUpdate, updateStatefulSetPods } from './stateful-set-control.ts'
import type { StatefulSet, StatefulSetStatus } from './statefulset-types.ts'

function withKind(set: StatefulSet): StatefulSet {
  return { ...set, apiVersion: 'apps/v1', kind: 'StatefulSet' }
}

/** The revision the set's present template makes (upstream's newRevision): the set's annotations, the template's labels. */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const cr = newControllerRevision(set, set.spec?.template?.metadata?.labels, templatePatch(set.spec?.template), revision, collisionCount)
  cr.metadata.annotations = { ...set.metadata.annotations }
  return cr
}

const statusFields = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const
// Go writes these int32s with omitempty: a zero is absent.
const omitEmpty = ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'observedGeneration'] as const

export class StatefulSetController {
  readonly #ctx: ControllerContext
  readonly #sets: Informer<StatefulSet>
  readonly #pods: Informer<Pod>
  readonly #revisions: Informer<ControllerRevision>
  readonly #recorder: EventRecorder
  readonly #podControl: StatefulPodControl
  readonly reconciler: Reconciler

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx
    this.#sets = ctx.informers.informerFor<StatefulSet>(commonResources.statefulSets)
    this.#pods = ctx.informers.informerFor<Pod>(commonResources.pods)
    this.#revisions = ctx.informers.informerFor<ControllerRevision>(controllerRevisionDescriptor)
    const claims = ctx.informers.informerFor<PersistentVolumeClaim & KubeObject>(persistentVolumeClaimDescriptor)
    this.#recorder = ctx.recorder('statefulset-controller')
    this.#podControl = new StatefulPodControl(ctx.client, claims, this.#recorder)
    this.reconciler = new Reconciler({ name: 'statefulset', sync: (key) => this.sync(key), log: ctx.log, clock: ctx.clock })

    this.#sets.addEventHandler({
      onAdd: (set) => this.reconciler.enqueue(set),
      onUpdate: (_, set) => this.reconciler.enqueue(set),
      onDelete: (set) => this.reconciler.enqueue(set),
    })
    watchOwnedPods(this.#pods, {
      kind: 'StatefulSet', owners: this.#sets, reconciler: this.reconciler, selectorOf,
      minReadySeconds: (set) => set.spec?.minReadySeconds ?? 0,
    })
    const revisionChanged = (cr: ControllerRevision) => {
      const ref = controllerOf(cr)
      if (ref?.kind !== 'StatefulSet') return
      const set = this.#sets.get(`${cr.metadata.namespace}/${ref.name}`)
      if (set?.metadata.uid === ref.uid) this.reconciler.enqueue(set)
    }
    this.#revisions.addEventHandler({ onAdd: revisionChanged, onUpdate: (_, cr) => revisionChanged(cr), onDelete: revisionChanged })
  }

  async sync(key: string): Promise<ProcessResult> {
    const cached = this.#sets.get(key)
    if (!cached) return
    const set = withKind(cached)
    const selector = selectorOf(set)
    if (!selector) {
      this.#recorder.event(set, 'Warning', 'InvalidSelector', 'Empty selector is invalid for a StatefulSet; it would select every pod')
      return
    }
    const namespace = set.metadata.namespace ?? 'default'
    const revisionClient = this.#ctx.client.resource<ControllerRevision>(controllerRevisionDescriptor).namespace(namespace)
    const revisions = sortControllerRevisions(await claimObjects<ControllerRevision>({
      owner: set,
      objects: this.#revisions.byIndex('namespace', namespace),
      matches: (cr) => matchesLabels(selector, cr.metadata.labels),
      client: revisionClient,
    }))
    const pods = await claimObjects<Pod>({
      owner: set,
      objects: this.#pods.byIndex('namespace', namespace),
      matches: (pod) => matchesLabels(selector, pod.metadata.labels) && isMemberOf(set, pod),
      client: this.#ctx.client.pods.namespace(namespace) as ResourceClient<Pod>,
    })
    const history = new RevisionHistory(revisionClient)

    let current: ControllerRevision | undefined
    let update: ControllerRevision | undefined
    let status: StatefulSetStatus | undefined
    let failure: unknown
    try {
      const found = await this.#revisionsOf(set, revisions, history)
      current = found.current
      update = found.update
      status = await updateStatefulSetPods({
        set, currentSet: applyRevision(set, current), updateSet: applyRevision(set, update),
        currentRevision: current.metadata.name ?? '', updateRevision: update.metadata.name ?? '',
        collisionCount: found.collisionCount, pods, now: this.#ctx.clock.now(),
      }, this.#podControl)
      await this.#updateStatus(set, status)
    } catch (err) {
      failure = err
    }
    await this.#truncateHistory(set, pods, revisions, current, update, history)
    if (failure !== undefined) throw failure
    // Ready pods become available minReadySeconds later.
    const minReady = set.spec?.minReadySeconds ?? 0
    if (minReady > 0 && status && status.availableReplicas !== (set.spec?.replicas ?? 1)) return { requeueAfter: minReady * 1000 }
  }

  /** Current and update revisions, creating or renumbering the update revision (upstream's getStatefulSetRevisions). */
  async #revisionsOf(set: StatefulSet, revisions: ControllerRevision[], history: RevisionHistory): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    let collisionCount = set.status?.collisionCount ?? 0
    let update = newRevision(set, nextRevision(revisions), collisionCount)
    const equal = findEqualRevisions(revisions, update)
    const latest = revisions.at(-1)
    if (equal.length > 0 && equalRevision(latest, equal.at(-1))) {
      // Unchanged template.
      update = latest!
    } else if (equal.length > 0) {
      // Back to an older template: roll back by giving that revision the next number.
      update = await history.updateRevisionNumber(equal.at(-1)!, update.revision ?? 0)
    } else {
      const created = await history.create(set.metadata.name ?? '', update, collisionCount)
      update = created.revision
      collisionCount = created.collisionCount
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update
    return { current, update, collisionCount }
  }

  async #updateStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    completeRollingUpdate(set, status)
    const next: StatefulSetStatus = { ...status }
    for (const field of omitEmpty) if (next[field] === 0) delete next[field]
    const prev: Partial<StatefulSetStatus> = set.status ?? {}
    if (statusFields.every((f) => (prev[f] ?? 0) === (next[f] ?? 0))) return
    const client = this.#ctx.client.statefulSets.namespace(set.metadata.namespace ?? 'default')
    let target: StatefulSet = set
    for (let attempt = 0; ; attempt++) {
      const merged: Record<string, unknown> = { ...target.status }
      for (const field of statusFields) {
        if (next[field] === undefined) delete merged[field]
        else merged[field] = next[field]
      }
      try {
        await client.updateStatus({ ...target, status: merged } as KubeObject)
        return
      } catch (err) {
        if (isNotFound(err)) return
        if (!isConflict(err) || attempt >= 2) throw err
        target = await client.get(set.metadata.name ?? '') as StatefulSet
      }
    }
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that neither status nor any pod uses. */
  async #truncateHistory(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], current: ControllerRevision | undefined, update: ControllerRevision | undefined, history: RevisionHistory): Promise<void> {
    const live = new Set<string>(pods.map(getPodRevision))
    if (current) live.add(current.metadata.name ?? '')
    if (update) live.add(update.metadata.name ?? '')
    const old = revisions.filter((r) => !live.has(r.metadata.name ?? ''))
    const excess = old.length - (set.spec?.revisionHistoryLimit ?? 10)
    for (const cr of old.slice(0, Math.max(excess, 0))) await history.delete(cr)
  }
}

function selectorOf(set: StatefulSet): LabelSelector | undefined {
  try {
    const selector = labelSelectorFromObject(set.spec?.selector)
    return selector.matchesNothing || isEmptyLabelSelector(selector) ? undefined : selector
  } catch {
    return undefined
  }
}


export const statefulSetController: ControllerDefinition = {
  name: 'statefulset',
  init(ctx) {
    const controller = new StatefulSetController(ctx)
    return (signal) => controller.reconciler.run(ctx.workers('statefulset'), signal)
  },
}
