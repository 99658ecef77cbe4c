// The EndpointSlice controller (upstream's pkg/controller/endpointslice):
// for every Service with a selector, EndpointSlices `<service>-<random>`
// labelled kubernetes.io/service-name and managed-by
// endpointslice-controller.k8s.io, owned by the Service, listing the pods it
// selects with ready/serving/terminating conditions. slice-plan.ts decides
// what to write; this file watches, applies the plan and keeps the tracker
// that stops it from acting on a cache older than its own writes. Slices of
// a deleted Service go with it through the garbage collector (owner
// reference), as upstream.
import type { KubeObject, ObjectMeta } from '../../../shared/api-types.ts'
import { ClientStatusError, commonResources, isNotFound } from '../../../shared/client/index.ts'
import type { Node, Pod } from '../../../shared/core-types.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { Reconciler, splitKey } from '../../reconciler.ts'
import { lastChangeTriggerTimeAnnotation, type Service } from '../endpoint/service-types.ts'
import { EndpointSliceTracker } from './endpointslice-tracker.ts'
import { controllerName, managedByLabel, serviceNameLabel, type EndpointSlice } from './endpointslice-types.ts'
import { serviceSelects, watchServicesAndPods } from './pod-endpoints.ts'
import { planSlices } from './slice-plan.ts'
import { formatTriggerTime, TriggerTimeTracker } from './trigger-time-tracker.ts'

/** Upstream's endpointSliceChangeMinSyncDelay: slice changes made by others are batched this long. */
const sliceChangeDelayMs = 1000
/** How soon a sync that found the cache behind our writes tries again. */
const staleCacheRetryMs = 100

export interface EndpointSliceControllerOptions {
  /** Endpoints per slice (`--max-endpoints-per-slice`, 1..1000). @default 100 */
  maxEndpointsPerSlice?: number
  /** How long pod changes wait before their Services sync (`--endpointslice-updates-batch-period`). @default 0 */
  batchPeriodMs?: number
}

const zoneLabel = 'topology.kubernetes.io/zone'

export class EndpointSliceController {
  readonly #ctx: ControllerContext
  readonly #services: Informer<Service>
  readonly #pods: Informer<Pod>
  readonly #nodes: Informer<Node>
  readonly #slices: Informer<EndpointSlice>
  readonly #recorder: EventRecorder
  readonly #tracker = new EndpointSliceTracker()
  readonly #triggers = new TriggerTimeTracker()
  readonly #maxPerSlice: number
  readonly #batchMs: number
  readonly reconciler: Reconciler

  constructor(ctx: ControllerContext, options: EndpointSliceControllerOptions = {}) {
    const max = options.maxEndpointsPerSlice ?? 100
    if (!(Number.isInteger(max) && max >= 1 && max <= 1000)) throw new RangeError(`maxEndpointsPerSlice must be an integer in 1..1000; got ${max}`)
    this.#ctx = ctx
    this.#maxPerSlice = max
    this.#batchMs = options.batchPeriodMs ?? 0
    this.#services = ctx.informers.informerFor<Service>(commonResources.services)
    this.#pods = ctx.informers.informerFor<Pod>(commonResources.pods)
    this.#nodes = ctx.informers.informerFor<Node>(commonResources.nodes)
    this.#slices = ctx.informers.informerFor<EndpointSlice>(commonResources.endpointSlices)
    this.#recorder = ctx.recorder('endpoint-slice-controller')
    this.reconciler = new Reconciler({ name: 'endpoint_slice', sync: (key) => this.sync(key), log: ctx.log.child({ controller: 'endpointslice' }), clock: ctx.clock })

    watchServicesAndPods(this.#services, this.#pods, this.reconciler, this.#batchMs)
    this.#slices.addEventHandler({
      onAdd: (slice) => {
        if (managedByUs(slice) && this.#tracker.shouldSync(slice)) this.#enqueueForSlice(slice)
      },
      onUpdate: (oldSlice, slice) => {
        // A slice taken over by, or handed back from, another manager: both Services must look again.
        if (managedByUs(oldSlice) !== managedByUs(slice) || oldSlice.metadata.labels?.[serviceNameLabel] !== slice.metadata.labels?.[serviceNameLabel]) {
          this.#enqueueForSlice(oldSlice)
          this.#enqueueForSlice(slice)
        } else if (managedByUs(slice) && this.#tracker.shouldSync(slice)) {
          this.#enqueueForSlice(slice)
        }
      },
      onDelete: (slice) => {
        if (managedByUs(slice) && this.#tracker.handleDeletion(slice)) this.#enqueueForSlice(slice)
      },
    })
  }

  #enqueueForSlice(slice: EndpointSlice): void {
    const service = slice.metadata.labels?.[serviceNameLabel]
    if (!service) return
    this.reconciler.queue.addAfter(`${slice.metadata.namespace}/${service}`, sliceChangeDelayMs)
  }

  async sync(key: string): Promise<ProcessResult> {
    const { namespace, name } = splitKey(key)
    const service = this.#services.get(key)
    if (!service) {
      this.#tracker.deleteService(namespace, name)
      this.#triggers.deleteService(namespace, name)
      return
    }
    const spec = service.spec ?? {}
    if (spec.type === 'ExternalName') return
    if (spec.selector === null || spec.selector === undefined) return

    const pods = this.#pods.byIndex('namespace', namespace).filter((pod) => serviceSelects(service, pod))
    const slices = this.#slices.byIndex(`label:${serviceNameLabel}`, name)
      // Terminating slices are on their way out; counting them could block the sync for good.
      .filter((s) => s.metadata.namespace === namespace && managedByUs(s) && !s.metadata.deletionTimestamp)
    if (this.#tracker.staleSlices(key, slices)) return { requeueAfter: staleCacheRetryMs }

    const triggerTime = this.#triggers.compute(service, pods)
    const plan = planSlices({
      service, pods, existing: slices, maxEndpointsPerSlice: this.#maxPerSlice,
      nodeZone: (nodeName) => {
        const node = this.#nodes.get(nodeName)
        return node ? node.metadata.labels?.[zoneLabel] : null
      },
    })
    try {
      await this.#apply(service, plan.create, plan.update, plan.delete, triggerTime)
    } catch (err) {
      this.#recorder.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${(err as Error).message}`)
      throw err
    }
    if (plan.errors.length > 0) throw new Error(plan.errors.join('; '))
  }

  async #apply(service: Service, create: EndpointSlice[], update: EndpointSlice[], remove: EndpointSlice[], triggerTime: number | undefined): Promise<void> {
    const namespace = service.metadata.namespace ?? ''
    const client = this.#ctx.client.endpointSlices.namespace(namespace)
    const stamp = (slice: EndpointSlice): EndpointSlice => {
      const annotations = { ...slice.metadata.annotations }
      if (triggerTime !== undefined) annotations[lastChangeTriggerTimeAnnotation] = formatTriggerTime(triggerTime)
      else delete annotations[lastChangeTriggerTimeAnnotation]
      const metadata: ObjectMeta = { ...slice.metadata, annotations }
      if (Object.keys(annotations).length === 0) delete metadata.annotations
      return { ...slice, metadata }
    }
    // No new slices for a Service being deleted: the garbage collector would race them.
    if (!service.metadata.deletionTimestamp) {
      for (const slice of create) {
        try {
          this.#tracker.update(await client.create(stamp(slice) as KubeObject) as EndpointSlice)
        } catch (err) {
          if (isNamespaceTerminating(err)) return
          throw new Error(`failed to create EndpointSlice for Service ${namespace}/${service.metadata.name}: ${(err as Error).message}`, { cause: err })
        }
      }
    }
    for (const slice of update) {
      try {
        this.#tracker.update(await client.update(stamp(slice) as KubeObject) as EndpointSlice)
      } catch (err) {
        throw new Error(`failed to update ${slice.metadata.name} EndpointSlice for Service ${namespace}/${service.metadata.name}: ${(err as Error).message}`, { cause: err })
      }
    }
    for (const slice of remove) {
      try {
        await client.delete(slice.metadata.name ?? '')
      } catch (err) {
        if (!isNotFound(err)) throw new Error(`failed to delete ${slice.metadata.name} EndpointSlice for Service ${namespace}/${service.metadata.name}: ${(err as Error).message}`, { cause: err })
      }
      this.#tracker.expectDeletion(slice)
    }
  }
}

function managedByUs(slice: EndpointSlice): boolean {
  return slice.metadata.labels?.[managedByLabel] === controllerName
}

function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ClientStatusError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')
}

export function endpointSliceController(options: EndpointSliceControllerOptions = {}): ControllerDefinition {
  return {
    name: 'endpointslice',
    init(ctx) {
      const controller = new EndpointSliceController(ctx, options)
      return (signal) => controller.reconciler.run(ctx.workers('endpointslice'), signal)
    },
  }
}
