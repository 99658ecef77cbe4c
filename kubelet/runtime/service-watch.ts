// The kubelet process's one watch of Services and EndpointSlices, shared by
// every kube-proxy stand-in it runs (a fleet of nodes in one process still
// opens one watch of each). The informers start with the first subscriber
// and stop after the last one leaves, so a kubelet without a kube-proxy pod
// watches nothing.
import { commonResources, type Client } from '../../shared/client/index.ts'
import { Informer, type ListerWatcher } from '../../shared/informer/index.ts'
import type { Logger } from '../../shared/logger.ts'
import type { EndpointSlice, ProxiedService } from './proxy-rules.ts'

export interface ServiceSnapshot {
  services: ProxiedService[]
  slices: EndpointSlice[]
}

export interface ServiceWatch {
  /**
   * Calls onChange once both caches have synced and after every change;
   * handlers run on the informers' loop and must return fast (coalesce and
   * sync later). Returns the unsubscribe function.
   */
  subscribe(onChange: () => void): () => void
  /** The cached objects; shared with the cache, not to be mutated. */
  snapshot(): ServiceSnapshot
  /** Stops the informers whatever the subscribers (kubelet shutdown). */
  close(): Promise<void>
}

export interface ServiceWatchSources {
  services: ListerWatcher<ProxiedService>
  slices: ListerWatcher<EndpointSlice>
}

/** Sources over the API: core/v1 services and discovery.k8s.io/v1 endpointslices, all namespaces. */
export function apiServiceSources(client: Client): ServiceWatchSources {
  return {
    services: client.resource<ProxiedService>(commonResources.services),
    slices: client.resource<EndpointSlice>(commonResources.endpointSlices),
  }
}

interface Running {
  services: Informer<ProxiedService>
  slices: Informer<EndpointSlice>
  synced: boolean
}

export function createServiceWatch(sources: ServiceWatchSources, logger?: Logger): ServiceWatch {
  const subscribers = new Set<() => void>()
  let running: Running | undefined

  const notify = (r: Running) => {
    if (running !== r || !r.synced) return
    for (const fn of [...subscribers]) fn()
  }

  const start = (): Running => {
    const r: Running = {
      services: new Informer(sources.services, { logger: logger?.child({ informer: 'kube-proxy-services' }) }),
      slices: new Informer(sources.slices, { logger: logger?.child({ informer: 'kube-proxy-endpointslices' }) }),
      synced: false,
    }
    for (const informer of [r.services, r.slices] as Array<Informer<ProxiedService | EndpointSlice>>) {
      informer.addEventHandler({ onAdd: () => notify(r), onUpdate: () => notify(r), onDelete: () => notify(r) })
      informer.start()
    }
    void Promise.all([r.services.whenSynced(), r.slices.whenSynced()]).then(() => {
      r.synced = true
      notify(r)
    })
    return r
  }

  const stop = async () => {
    const r = running
    running = undefined
    if (r) await Promise.all([r.services.stop(), r.slices.stop()])
  }

  return {
    subscribe(onChange) {
      const fn = () => onChange()
      subscribers.add(fn)
      if (!running) running = start()
      // A late subscriber to synced caches starts from what they hold.
      else if (running.synced) queueMicrotask(() => subscribers.has(fn) && fn())
      return () => {
        if (!subscribers.delete(fn) || subscribers.size) return
        void stop()
      }
    },
    snapshot() {
      return { services: running?.services.list() ?? [], slices: running?.slices.list() ?? [] }
    },
    close: () => {
      subscribers.clear()
      return stop()
    },
  }
}
