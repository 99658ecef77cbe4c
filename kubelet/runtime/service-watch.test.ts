import { describe, expect, it } from 'vitest'
import type { KubeList, KubeObject, WatchEvent } from '../../shared/api-types.ts'
import type { ListOptions, WatchOptions, WatchStream } from '../../shared/client/index.ts'
import type { ListerWatcher } from '../../shared/informer/index.ts'
import { createLogger } from '../../shared/logger.ts'
import { createServiceWatch } from './service-watch.ts'
import type { EndpointSlice, ProxiedService } from './proxy-rules.ts'
import { waitFor } from '../../test/support/wait-for.ts'

const until = (what: string, probe: () => boolean | Promise<boolean>, ms?: number) => waitFor(what, async () => (await probe()) || undefined, ms)

const logger = createLogger('service-watch-test', 'silent')

/** A source that lists `items` and hands out watch streams the test feeds. */
class FakeSource<T extends KubeObject> implements ListerWatcher<T> {
  items: T[]
  lists = 0
  readonly streams: Array<{ push(e: WatchEvent<T>): void; closed: boolean }> = []

  constructor(items: T[]) {
    this.items = items
  }

  async list(_options: ListOptions): Promise<KubeList<T>> {
    this.lists++
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '10' }, items: [...this.items] }
  }

  async watch(options: WatchOptions): Promise<WatchStream<T>> {
    const queue: Array<WatchEvent<T>> = []
    let wake: (() => void) | undefined
    const state = { closed: false, push: (e: WatchEvent<T>) => (queue.push(e), wake?.()) }
    const close = () => ((state.closed = true), wake?.())
    options.signal?.addEventListener('abort', close)
    this.streams.push(state)
    return {
      close,
      async *[Symbol.asyncIterator]() {
        while (!state.closed) {
          const next = queue.shift()
          if (next) yield next
          else await new Promise<void>((resolve) => (wake = resolve))
        }
      },
    }
  }
}

const svc = (name: string, rv: number): ProxiedService => ({ metadata: { name, namespace: 'default', resourceVersion: String(rv) }, spec: { type: 'NodePort' } })
const slice = (name: string, rv: number): EndpointSlice => ({ metadata: { name, namespace: 'default', resourceVersion: String(rv) } })


describe('createServiceWatch', () => {
  it('opens one watch for all subscribers, tells them after the sync and on changes, and stops after the last leaves', async () => {
    const services = new FakeSource([svc('a', 5)])
    const slices = new FakeSource([slice('a-1', 6)])
    const watch = createServiceWatch({ services, slices }, logger)
    expect(services.lists).toBe(0) // nothing until someone subscribes

    let first = 0
    let second = 0
    const leaveFirst = watch.subscribe(() => first++)
    const leaveSecond = watch.subscribe(() => second++)
    await until('both told of the synced caches', () => first === 1 && second === 1)
    expect([services.lists, slices.lists]).toEqual([1, 1])
    expect(watch.snapshot().services.map((s) => s.metadata.name)).toEqual(['a'])

    await until('the services watch', () => services.streams.length === 1)
    services.streams[0].push({ type: 'ADDED', object: svc('b', 11) })
    await until('both told of the change', () => first === 2 && second === 2)
    expect(watch.snapshot().services.map((s) => s.metadata.name).sort()).toEqual(['a', 'b'])

    leaveFirst()
    expect(services.streams[0].closed).toBe(false)
    leaveSecond()
    await until('the watches closed', () => services.streams[0].closed && (slices.streams[0]?.closed ?? true))
    expect(watch.snapshot()).toEqual({ services: [], slices: [] })

    // A later subscriber starts a fresh watch.
    let third = 0
    const leaveThird = watch.subscribe(() => third++)
    await until('the new subscriber told', () => third === 1)
    expect(services.lists).toBe(2)
    leaveThird()
    await watch.close()
  })
})
