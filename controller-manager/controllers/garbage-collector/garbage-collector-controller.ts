// The garbage collector as the controller-manager runs it: discover every
// resource that supports list, watch and delete, watch each through the
// shared informers (one "monitor" per resource), feed every change to the
// graph builder, and run the collector's workers once the caches are full.
// Discovery is read again periodically so resources added later are watched
// too (upstream's GarbageCollector.Sync).
import { sleep } from '../../../shared/clock.ts'
import type { KubeObject } from '../../../shared/api-types.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { discoverResources, groupVersionOf, preferredWithVerbs, RestMapper, type DiscoveredResource } from './api-discovery.ts'
import { GarbageCollector } from './garbage-collector.ts'
import { clientGarbageCollectorApi } from './operations.ts'

export interface GarbageCollectorControllerOptions {
  /** How often discovery is read again for resources to start watching. @default 30_000 */
  discoveryPeriodMs?: number
  /** `group/plural` pairs never watched; upstream ignores Events. @default ['/events', 'events.k8s.io/events'] */
  ignoredResources?: readonly string[]
}

const defaultIgnored = ['/events', 'events.k8s.io/events']

export function createGarbageCollectorController(options: GarbageCollectorControllerOptions = {}): ControllerDefinition {
  const periodMs = options.discoveryPeriodMs ?? 30_000
  const ignored = new Set(options.ignoredResources ?? defaultIgnored)
  return {
    name: 'garbage-collector',
    init(ctx: ControllerContext) {
      const log = ctx.log.child({ controller: 'garbage-collector' })
      const mapper = new RestMapper()
      const recorder = ctx.recorder('garbage-collector-controller')
      const gc = new GarbageCollector({
        api: clientGarbageCollectorApi(ctx.client, mapper), log, clock: ctx.clock,
        warn: (object, reason, message) => recorder.event(object, 'Warning', reason, message),
      })
      const monitors = new Map<string, () => void>()

      const startMonitor = (r: DiscoveredResource) => {
        const key = `${r.group}/${r.plural}`
        if (ignored.has(key) || monitors.has(key)) return
        const apiVersion = groupVersionOf(r.group, r.version)
        const informer = ctx.informers.informerFor({ group: r.group, version: r.version, plural: r.plural, namespaced: r.namespaced })
        const emit = (type: 'add' | 'update' | 'delete', object: KubeObject, oldObject?: KubeObject) =>
          gc.builder.process({ type, object, oldObject, apiVersion, kind: r.kind })
        monitors.set(key, informer.addEventHandler({
          onAdd: (obj) => emit('add', obj),
          onUpdate: (old, obj) => emit('update', obj, old),
          onDelete: (obj) => emit('delete', obj),
        }))
        log.debug({ resource: key }, 'monitoring resource')
        return informer
      }

      const resync = async (signal: AbortSignal) => {
        const { resources, failures } = await discoverResources(ctx.client.transport, signal)
        if (failures.size > 0) log.warn({ groups: Object.fromEntries(failures) }, 'failed to discover some groups')
        mapper.replace(resources)
        return preferredWithVerbs(resources, ['delete', 'list', 'watch']).map(startMonitor).filter((i) => i !== undefined)
      }

      return async (signal) => {
        let informers: Awaited<ReturnType<typeof resync>> | undefined
        for (let delayMs = 100; !signal.aborted && !informers; delayMs = Math.min(delayMs * 2, 10_000)) {
          try {
            informers = await resync(signal)
          } catch (err) {
            if (signal.aborted) break
            log.warn({ err: String(err), delayMs }, 'discovery failed, retrying')
            await sleep(ctx.clock, delayMs, signal)
          }
        }
        if (!informers) return
        await untilAborted(Promise.all(informers.map((i) => i.whenSynced())), signal)
        if (signal.aborted) return
        log.info({ monitors: monitors.size }, 'all resource monitors have synced; garbage collecting')

        let cancelTimer: (() => void) | undefined
        const schedule = () => {
          cancelTimer = ctx.clock.setTimeout(() => {
            resync(signal)
              .catch((err) => log.warn({ err: String(err) }, 'discovery failed; keeping the current monitors'))
              .finally(() => {
                if (!signal.aborted) schedule()
              })
          }, periodMs)
        }
        schedule()
        try {
          await gc.run(ctx.workers('garbage-collector'), signal)
        } finally {
          cancelTimer?.()
          for (const remove of monitors.values()) remove()
          monitors.clear()
        }
      }
    },
  }
}

/** The garbage collector with upstream's defaults. */
export const garbageCollectorController: ControllerDefinition = createGarbageCollectorController()

function untilAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
    promise.then(done, done)
  })
}
