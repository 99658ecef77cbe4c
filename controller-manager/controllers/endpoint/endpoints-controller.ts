// The endpoint controller (upstream's pkg/controller/endpoint): for every
// Service with a selector, an Endpoints object of the same name listing the
// pods it selects: ready ones in addresses, the others in notReadyAddresses
// (all in addresses with publishNotReadyAddresses), with the container
// ports the Service's ports reach. The Endpoints carries the Service's
// labels (plus service.kubernetes.io/headless for a Service without a
// cluster IP) and the last-change-trigger-time annotation. Services without
// a selector, and ExternalName Services, are left alone: their Endpoints are
// written by someone else. When the Service goes, so does its Endpoints.
import { isDeepStrictEqual } from 'node:util'
import type { KubeObject } from '../../../shared/api-types.ts'
import { ClientStatusError, commonResources, isAlreadyExists, isNotFound } from '../../../shared/client/index.ts'
import type { Pod } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Reconciler, splitKey } from '../../reconciler.ts'
import { serviceSelects, watchServicesAndPods } from '../endpointslice/pod-endpoints.ts'
import { formatTriggerTime, TriggerTimeTracker } from '../endpointslice/trigger-time-tracker.ts'
import { buildSubsets, overCapacity, overCapacityAnnotation, subsetsEqual, truncateSubsets } from './endpoint-subsets.ts'
import {
  headlessServiceLabel, isServiceIPSet, lastChangeTriggerTimeAnnotation,
  type Endpoints, type Service,
} from './service-types.ts'

/** Leader-election records kept in Endpoints by old components: never ours to delete. */
const leaderAnnotation = 'control-plane.alpha.kubernetes.io/leader'
/** How soon a sync that found the cache behind our own write tries again. */
const staleCacheRetryMs = 100

export interface EndpointControllerOptions {
  /**
   * How long pod changes wait before their Services sync, so that a burst
   * of them costs one write (`--endpoint-updates-batch-period`). @default 0
   */
  batchPeriodMs?: number
}

export class EndpointController {
  readonly #ctx: ControllerContext
  readonly #services: Informer<Service>
  readonly #pods: Informer<Pod>
  readonly #endpoints: Informer<Endpoints>
  readonly #recorder: EventRecorder
  readonly #triggers = new TriggerTimeTracker()
  /** resourceVersions we replaced: seeing one in the cache again means it lags behind our write. */
  readonly #stale = new Map<string, string>()
  readonly #batchMs: number
  readonly reconciler: Reconciler

  constructor(ctx: ControllerContext, options: EndpointControllerOptions = {}) {
    this.#ctx = ctx
    this.#batchMs = options.batchPeriodMs ?? 0
    this.#services = ctx.informers.informerFor<Service>(commonResources.services)
    this.#pods = ctx.informers.informerFor<Pod>(commonResources.pods)
    this.#endpoints = ctx.informers.informerFor<Endpoints>(commonResources.endpoints)
    this.#recorder = ctx.recorder('endpoint-controller')
    this.reconciler = new Reconciler({ name: 'endpoint', sync: (key) => this.sync(key), log: ctx.log.child({ controller: 'endpoint' }), clock: ctx.clock })

    watchServicesAndPods(this.#services, this.#pods, this.reconciler, this.#batchMs)
    // A deleted Endpoints of a live Service is written again.
    this.#endpoints.addEventHandler({ onDelete: (ep) => this.reconciler.enqueue(ep) })
  }

  /**
   * Queues every existing Endpoints once, so that those whose Service went
   * while this controller was not running are deleted.
   */
  checkLeftoverEndpoints(): void {
    for (const ep of this.#endpoints.list()) {
      if (ep.metadata.annotations?.[leaderAnnotation] !== undefined) continue
      this.reconciler.enqueue(ep)
    }
  }

  async sync(key: string): Promise<ProcessResult> {
    const { namespace, name } = splitKey(key)
    const service = this.#services.get(key)
    const client = this.#ctx.client.endpoints.namespace(namespace)
    if (!service) {
      try {
        await client.delete(name)
      } catch (err) {
        if (!isNotFound(err)) throw err
      }
      this.#triggers.deleteService(namespace, name)
      this.#stale.delete(key)
      return
    }
    const spec = service.spec ?? {}
    if (spec.type === 'ExternalName') return
    if (spec.selector === null || spec.selector === undefined) return

    const pods = this.#pods.byIndex('namespace', namespace).filter((pod) => serviceSelects(service, pod))
    // Computed before the no-change check so the tracker's state moves on even when nothing is written.
    const triggerTime = this.#triggers.compute(service, pods)
    const { subsets } = buildSubsets(service, pods)

    const current = this.#endpoints.get(key)
    if (current && this.#stale.get(key) === current.metadata.resourceVersion) {
      // Our last update has not reached the cache yet; working from it would undo that update.
      return { requeueAfter: staleCacheRetryMs }
    }
    const serviceLabels = service.metadata.labels ?? {}
    if (current) {
      const { [headlessServiceLabel]: _headless, ...compareLabels } = current.metadata.labels ?? {}
      const capacityAnnotated = current.metadata.annotations?.[overCapacityAnnotation] !== undefined
      if (
        subsetsEqual(current.subsets ?? [], subsets)
        && isDeepStrictEqual(compareLabels, serviceLabels)
        && !overCapacity(current.subsets ?? []) && !capacityAnnotated
      ) return
    }

    const annotations: Record<string, string> = { ...current?.metadata.annotations }
    if (triggerTime !== undefined) annotations[lastChangeTriggerTimeAnnotation] = formatTriggerTime(triggerTime)
    else delete annotations[lastChangeTriggerTimeAnnotation]
    let written = subsets
    if (overCapacity(subsets)) {
      written = truncateSubsets(subsets)
      annotations[overCapacityAnnotation] = 'truncated'
    } else {
      delete annotations[overCapacityAnnotation]
    }
    const labels: Record<string, string> = { ...serviceLabels }
    if (!isServiceIPSet(service)) labels[headlessServiceLabel] = ''
    else delete labels[headlessServiceLabel]

    const next: Endpoints = {
      ...(current ?? { apiVersion: 'v1', kind: 'Endpoints' }),
      metadata: { ...current?.metadata, name, namespace, labels, annotations },
      subsets: written,
    }
    if (Object.keys(annotations).length === 0) delete next.metadata.annotations
    try {
      if (!current) {
        await client.create(next as KubeObject)
      } else {
        const updated = await client.update(next as KubeObject)
        if (updated.metadata.resourceVersion !== current.metadata.resourceVersion) this.#stale.set(key, current.metadata.resourceVersion ?? '')
      }
    } catch (err) {
      // A terminating namespace refuses creates until it is gone: nothing to retry.
      if (!current && isNamespaceTerminating(err)) return
      // Created by our previous sync, not yet in the cache: look again once it is.
      if (!current && isAlreadyExists(err)) return { requeueAfter: staleCacheRetryMs }
      const message = current
        ? `Failed to update endpoint ${namespace}/${name}: ${(err as Error).message}`
        : `Failed to create endpoint for service ${namespace}/${name}: ${(err as Error).message}`
      this.#recorder.event(next, 'Warning', current ? 'FailedToUpdateEndpoint' : 'FailedToCreateEndpoint', message)
      throw err
    }
  }
}

function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ClientStatusError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')
}

export function endpointController(options: EndpointControllerOptions = {}): ControllerDefinition {
  return {
    name: 'endpoint',
    init(ctx) {
      const controller = new EndpointController(ctx, options)
      return (signal) => {
        const running = controller.reconciler.run(ctx.workers('endpoint'), signal)
        controller.checkLeftoverEndpoints()
        return running
      }
    },
  }
}
