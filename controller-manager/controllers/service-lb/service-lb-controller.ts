// kubeling's stand-in for a cloud load balancer (the role of a cloud
// provider's service controller, MetalLB or k3s servicelb): each Service of
// type LoadBalancer gets an address from --load-balancer-ip-range in
// status.loadBalancer.ingress ([{ip, ipMode: VIP}]); kube-proxy then
// answers on it. spec.loadBalancerIP is honoured when it is in the range
// and free. The address goes back to the pool when the Service is deleted or
// stops being a LoadBalancer. Services with a spec.loadBalancerClass belong
// to another implementation and are left alone, as upstream's service
// controller leaves them. Without a range this controller does nothing, so
// EXTERNAL-IP stays <pending> as on a cluster without a cloud provider.
//
// The allocations live only in this process: at start they are rebuilt from
// the addresses the Services' status already shows (oldest Service first on
// a clash), so a restart moves no address.
import { commonResources, isNotFound } from '../../../shared/client/index.ts'
import type { EventRecorder } from '../../../shared/event-recorder.ts'
import type { Informer } from '../../../shared/informer/index.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { keyOf, Reconciler } from '../../reconciler.ts'
import type { LoadBalancerIngress, Service } from '../endpoint/service-types.ts'
import { IPPool, parseIPRanges } from './ip-pool.ts'

export interface ServiceLBControllerOptions {
  /**
   * Addresses to hand out (`--load-balancer-ip-range`): CIDRs or from-to
   * ranges, comma-separated, e.g. `127.0.200.0/24`. @default unset (the controller idles)
   */
  loadBalancerIPRange?: string
}

/** Whether this controller serves the Service: type LoadBalancer, no loadBalancerClass of another implementation. */
export function wantsLoadBalancer(service: Service): boolean {
  return service.spec?.type === 'LoadBalancer' && !service.spec.loadBalancerClass
}

function ingressIPs(service: Service): string[] {
  return (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter(Boolean)
}

function created(service: Service): string {
  return service.metadata.creationTimestamp ?? ''
}

export class ServiceLBController {
  readonly #ctx: ControllerContext
  readonly #services: Informer<Service>
  readonly #recorder: EventRecorder
  readonly #pool: IPPool
  readonly #range: string
  readonly #log: Logger
  readonly reconciler: Reconciler

  constructor(ctx: ControllerContext, range: string) {
    this.#ctx = ctx
    this.#range = range
    this.#pool = new IPPool(parseIPRanges(range))
    this.#log = ctx.log.child({ controller: 'service-lb' })
    this.#services = ctx.informers.informerFor<Service>(commonResources.services)
    this.#recorder = ctx.recorder('service-controller')
    this.reconciler = new Reconciler({ name: 'service', sync: (key) => this.sync(key), log: this.#log, clock: ctx.clock })
    this.#services.addEventHandler({
      onAdd: (svc) => this.reconciler.enqueue(svc),
      onUpdate: (_, svc) => this.reconciler.enqueue(svc),
      onDelete: (svc) => this.reconciler.enqueue(svc),
    })
  }

  /** Takes back the addresses Services already show, oldest Service first. Call once the cache has synced, before the workers run. */
  rebuild(): void {
    const services = this.#services.list().filter(wantsLoadBalancer).sort((a, b) => (created(a) < created(b) ? -1 : created(a) > created(b) ? 1 : 0))
    for (const service of services) {
      for (const ip of ingressIPs(service)) if (this.#pool.claim(keyOf(service), ip)) break
    }
    this.#log.info({ range: this.#range, size: this.#pool.size, allocated: this.#pool.allocated }, 'load balancer addresses rebuilt')
  }

  async sync(key: string): Promise<void> {
    const service = this.#services.get(key)
    if (!service) {
      this.#releaseAndWake(key)
      return
    }
    if (!wantsLoadBalancer(service)) {
      const released = this.#releaseAndWake(key)
      // Clear only an address we gave: another implementation may own a status we did not write.
      if (released && ingressIPs(service).includes(released)) {
        this.#recorder.event(service, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer')
        await this.#writeIngress(service, [])
        this.#recorder.event(service, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer')
      }
      return
    }

    const requested = service.spec?.loadBalancerIP
    let ip = this.#pool.ipOf(key)
    if (requested && ip !== requested) {
      if (this.#pool.claim(key, requested)) {
        if (ip) this.#wakePending()
        ip = requested
      } else {
        const why = this.#pool.contains(requested) ? `requested IP ${requested} is already in use` : `requested IP ${requested} is not in the load balancer range ${this.#range}`
        this.#recorder.event(service, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: ${why}`)
        return
      }
    }
    if (!ip) {
      // An address the status shows and nobody holds (e.g. it was freed while we were away) is kept.
      ip = ingressIPs(service).find((candidate) => this.#pool.claim(key, candidate)) ?? this.#pool.allocate(key)
    }
    if (!ip) {
      this.#recorder.event(service, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: no available IPs in range ${this.#range}`)
      return
    }
    const want: LoadBalancerIngress[] = [{ ip, ipMode: 'VIP' }]
    const have = service.status?.loadBalancer?.ingress ?? []
    if (have.length === 1 && have[0].ip === ip && have[0].ipMode === 'VIP' && Object.keys(have[0]).length === 2) return
    this.#recorder.event(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer')
    await this.#writeIngress(service, want)
    this.#recorder.event(service, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer')
  }

  #releaseAndWake(key: string): string | undefined {
    const released = this.#pool.release(key)
    if (released) this.#wakePending()
    return released
  }

  /** An address came free: Services still waiting for one may get it now. */
  #wakePending(): void {
    for (const service of this.#services.list()) {
      if (wantsLoadBalancer(service) && !this.#pool.ipOf(keyOf(service))) this.reconciler.enqueue(service)
    }
  }

  async #writeIngress(service: Service, ingress: LoadBalancerIngress[]): Promise<void> {
    const client = this.#ctx.client.services.namespace(service.metadata.namespace ?? '')
    try {
      await client.patch(service.metadata.name ?? '', { status: { loadBalancer: { ingress: ingress.length > 0 ? ingress : null } } }, 'merge', { subresource: 'status' })
    } catch (err) {
      if (isNotFound(err)) return
      throw err
    }
  }
}

export function serviceLBController(options: ServiceLBControllerOptions = {}): ControllerDefinition {
  return {
    name: 'service-lb',
    init(ctx) {
      const range = options.loadBalancerIPRange?.trim()
      if (!range) {
        ctx.log.info({ controller: 'service-lb' }, 'no --load-balancer-ip-range; LoadBalancer Services stay pending')
        return async () => {}
      }
      const controller = new ServiceLBController(ctx, range)
      return (signal) => {
        controller.rebuild()
        return controller.reconciler.run(ctx.workers('service-lb'), signal)
      }
    },
  }
}
