import { describe, expect, it } from 'vitest'
import type { KubeList, KubeObject, Status, WatchEvent } from '../api-types.ts'
import { ClientStatusError, type ListOptions, type WatchOptions, type WatchStream } from '../client/index.ts'
import { FakeClock, flushMicrotasks } from '../clock.ts'
import { createLogger } from '../logger.ts'
import { Informer, type ListerWatcher } from './informer.ts'

const logger = createLogger('informer-test', 'silent')

function obj(name: string, rv: number, extra: Partial<KubeObject> & { labels?: Record<string, string> } = {}): KubeObject {
  const { labels, ...rest } = extra
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: String(rv), labels }, ...rest }
}

function expired(): ClientStatusError {
  return new ClientStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' } as Status)
}

/** A watch stream the test feeds by hand. */
class FakeStream implements WatchStream<KubeObject> {
  readonly #queue: Array<WatchEvent | Error | 'end'> = []
  #notify: (() => void) | undefined
  closed = false

  constructor(signal?: AbortSignal) {
    signal?.addEventListener('abort', () => this.close())
  }

  push(...events: WatchEvent[]): void { this.#queue.push(...events); this.#notify?.() }
  fail(err: Error): void { this.#queue.push(err); this.#notify?.() }
  end(): void { this.#queue.push('end'); this.#notify?.() }
  close(): void { this.closed = true; this.#notify?.() }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent> {
    for (;;) {
      if (this.closed) return
      const next = this.#queue.shift()
      if (next === undefined) { await new Promise<void>((resolve) => (this.#notify = resolve)); continue }
      if (next === 'end') return
      if (next instanceof Error) throw next
      yield next
    }
  }
}

class FakeSource implements ListerWatcher<KubeObject> {
  items: KubeObject[] = []
  resourceVersion = '10'
  lists: ListOptions[] = []
  watches: WatchOptions[] = []
  streams: FakeStream[] = []
  /** Thrown by the next list / watch calls, in order. */
  listErrors: Error[] = []
  watchErrors: Error[] = []

  async list(options: ListOptions): Promise<KubeList<KubeObject>> {
    this.lists.push(options)
    const err = this.listErrors.shift()
    if (err) throw err
    return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: this.resourceVersion }, items: [...this.items] }
  }

  async watch(options: WatchOptions): Promise<WatchStream<KubeObject>> {
    this.watches.push(options)
    const err = this.watchErrors.shift()
    if (err) throw err
    const stream = new FakeStream(options.signal)
    this.streams.push(stream)
    return stream
  }

  get stream(): FakeStream {
    return this.streams.at(-1)!
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await flushMicrotasks()
}

function recorder(informer: Informer) {
  const seen: string[] = []
  informer.addEventHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
    onUpdate: (a, b) => seen.push(`update ${a.metadata.name}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}@${o.metadata.resourceVersion}`),
  })
  return seen
}

function setup(options: { items?: KubeObject[]; resyncPeriodMs?: number } = {}) {
  const source = new FakeSource()
  source.items = options.items ?? []
  const clock = new FakeClock()
  const informer = new Informer(source, { clock, logger, random: () => 0.5, labelSelector: 'app=a', resyncPeriodMs: options.resyncPeriodMs })
  const seen = recorder(informer)
  return { source, clock, informer, seen }
}

describe('Informer', () => {
  it('lists every page, syncs, then watches from the list resourceVersion with bookmarks', async () => {
    const { source, informer, seen } = setup({ items: [obj('a', 5), obj('b', 7)] })
    expect(informer.hasSynced()).toBe(false)
    informer.start()
    await informer.whenSynced()
    await settle()
    expect(informer.hasSynced()).toBe(true)
    expect(source.lists[0]).toMatchObject({ allPages: true, limit: 500, labelSelector: 'app=a' })
    expect(seen).toEqual(['add a@5', 'add b@7'])
    expect(source.watches[0]).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true, labelSelector: 'app=a', timeoutSeconds: 450 })
    expect(informer.get('ns/a')?.metadata.resourceVersion).toBe('5')
    expect(informer.list().map((o) => o.metadata.name).sort()).toEqual(['a', 'b'])
    await informer.stop()
    expect(source.stream.closed).toBe(true)
  })

  it('applies watch events in order and ignores ones older than the cache', async () => {
    const { source, informer, seen } = setup({ items: [obj('a', 5)] })
    informer.start()
    await settle()
    source.stream.push(
      { type: 'ADDED', object: obj('b', 11) },
      { type: 'MODIFIED', object: obj('a', 12) },
      { type: 'MODIFIED', object: obj('a', 9) },
      { type: 'DELETED', object: obj('b', 13) },
      { type: 'DELETED', object: obj('never-seen', 14) },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } },
    )
    await settle()
    expect(seen).toEqual(['add a@5', 'add b@11', 'update a@5->12', 'delete b@13'])
    expect(informer.get('ns/a')?.metadata.resourceVersion).toBe('12')
    expect(informer.get('ns/b')).toBeUndefined()
    expect(informer.lastSyncResourceVersion()).toBe('20')
    await informer.stop()
  })

  it('resumes the watch from the last resourceVersion when the stream ends', async () => {
    const { source, clock, informer } = setup()
    informer.start()
    await settle()
    source.stream.push({ type: 'ADDED', object: obj('a', 11) })
    source.stream.end()
    await settle()
    expect(source.watches).toHaveLength(2)
    expect(source.watches[1]!.resourceVersion).toBe('11')
    // An empty stream backs off before the next try.
    source.stream.end()
    await settle()
    expect(source.watches).toHaveLength(2)
    await clock.advance(75)
    expect(source.watches).toHaveLength(3)
    expect(source.lists).toHaveLength(1)
    await informer.stop()
  })

  it('lists again on a 410 ERROR event and delivers the difference', async () => {
    const { source, clock, informer, seen } = setup({ items: [obj('a', 5), obj('b', 6), obj('c', 7)] })
    informer.start()
    await settle()
    source.items = [obj('a', 5), obj('b', 30), obj('d', 31)]
    source.resourceVersion = '32'
    source.stream.fail(expired())
    await settle()
    await clock.advance(100)
    expect(source.lists).toHaveLength(2)
    expect(seen.slice(3)).toEqual(['update b@6->30', 'add d@31', 'delete c@7'])
    expect(informer.list().map((o) => o.metadata.name).sort()).toEqual(['a', 'b', 'd'])
    expect(source.watches.at(-1)!.resourceVersion).toBe('32')
    await informer.stop()
  })

  it('lists again when opening the watch answers 410, and when a list page answers 410', async () => {
    const { source, clock, informer } = setup({ items: [obj('a', 5)] })
    informer.start()
    await settle()
    source.watchErrors.push(expired())
    source.listErrors.push(expired())
    source.stream.end()
    await settle()
    await clock.advance(1000)
    expect(source.lists.length).toBe(3)
    expect(informer.hasSynced()).toBe(true)
    await informer.stop()
  })

  it('reconnects with jittered exponential backoff and resets it after success', async () => {
    const { source, clock, informer } = setup()
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    source.listErrors.push(refused, refused, refused)
    informer.start()
    await settle()
    expect(source.lists).toHaveLength(1)
    // random() = 0.5 → three quarters of 100, 200, 400 ms.
    await clock.advance(74)
    expect(source.lists).toHaveLength(1)
    await clock.advance(1)
    expect(source.lists).toHaveLength(2)
    await clock.advance(149)
    expect(source.lists).toHaveLength(2)
    await clock.advance(1)
    expect(source.lists).toHaveLength(3)
    await clock.advance(300)
    expect(source.lists).toHaveLength(4)
    expect(informer.hasSynced()).toBe(true)
    source.watchErrors.push(refused)
    source.stream.push({ type: 'ADDED', object: obj('a', 11) })
    source.stream.end()
    await settle()
    await clock.advance(75)
    expect(source.watches).toHaveLength(3)
    await informer.stop()
  })

  it('caps the backoff at maxMs', async () => {
    const source = new FakeSource()
    const clock = new FakeClock()
    const informer = new Informer(source, { clock, logger, random: () => 0.999, backoff: { initialMs: 100, maxMs: 1000 } })
    source.listErrors = Array.from({ length: 10 }, () => new Error('boom'))
    informer.start()
    await settle()
    await clock.advance(100 + 200 + 400 + 800)
    expect(source.lists).toHaveLength(5)
    await clock.advance(999)
    expect(source.lists).toHaveLength(5)
    await clock.advance(1)
    expect(source.lists).toHaveLength(6)
    await informer.stop()
  })

  it('re-delivers every cached object as an update each resync period', async () => {
    const { clock, informer, seen } = setup({ items: [obj('a', 5), obj('b', 6)], resyncPeriodMs: 1000 })
    informer.start()
    await settle()
    await clock.advance(999)
    expect(seen).toEqual(['add a@5', 'add b@6'])
    await clock.advance(1)
    expect(seen).toEqual(['add a@5', 'add b@6', 'update a@5->5', 'update b@6->6'])
    await informer.stop()
    await clock.advance(5000)
    expect(seen).toHaveLength(4)
    expect(clock.pending()).toBe(0)
  })

  it('replays cached objects to a handler added late and keeps going when a handler throws', async () => {
    const { source, informer } = setup({ items: [obj('a', 5)] })
    informer.addEventHandler({ onAdd: () => { throw new Error('broken handler') } })
    informer.start()
    await settle()
    const late = recorder(informer)
    expect(late).toEqual(['add a@5'])
    source.stream.push({ type: 'ADDED', object: obj('b', 11) })
    await settle()
    expect(late).toEqual(['add a@5', 'add b@11'])
    await informer.stop()
  })

  it('indexes by namespace, node name, controller owner uid and label, following updates', async () => {
    const pod = (name: string, rv: number, nodeName: string | undefined, app: string, ns = 'ns') => ({
      ...obj(name, rv, { labels: { app }, spec: nodeName ? { nodeName } : {} }),
      metadata: {
        name, namespace: ns, resourceVersion: String(rv), labels: { app },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }, { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u2' }],
      },
    })
    const { source, informer } = setup({ items: [pod('a', 5, 'n1', 'web'), pod('b', 6, undefined, 'db', 'other')] })
    informer.addIndexer('byApp', (o) => [o.metadata.labels?.app ?? ''])
    informer.start()
    await settle()
    const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort()
    expect(names(informer.byIndex('namespace', 'ns'))).toEqual(['a'])
    expect(names(informer.byIndex('nodeName', 'n1'))).toEqual(['a'])
    expect(names(informer.byIndex('ownerUid', 'u1'))).toEqual(['a', 'b'])
    expect(names(informer.byIndex('ownerUid', 'u2'))).toEqual([])
    expect(names(informer.byIndex('label:app', 'db'))).toEqual(['b'])
    expect(names(informer.byIndex('byApp', 'web'))).toEqual(['a'])
    source.stream.push({ type: 'MODIFIED', object: pod('b', 11, 'n1', 'web', 'other') })
    await settle()
    expect(names(informer.byIndex('nodeName', 'n1'))).toEqual(['a', 'b'])
    expect(names(informer.byIndex('label:app', 'db'))).toEqual([])
    expect(names(informer.byIndex('label:app', 'web'))).toEqual(['a', 'b'])
    source.stream.push({ type: 'DELETED', object: pod('a', 12, 'n1', 'web') })
    await settle()
    expect(names(informer.byIndex('nodeName', 'n1'))).toEqual(['b'])
    expect(() => informer.byIndex('nope', 'x')).toThrow(RangeError)
    await informer.stop()
  })
})
