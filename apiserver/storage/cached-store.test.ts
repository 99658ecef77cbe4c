import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { CachedStore } from './cached-store.ts'
import type { DurableBackend } from './durable-backend.ts'
import type { StoreEvent } from './store.ts'
import { StorageError } from './store.ts'

function pod(name: string, namespace = 'default', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${name}` }, spec: { nodeName: '' }, ...extra }
}

const podKey = (name: string, namespace = 'default') => `/registry/pods/${namespace}/${name}`

/** Rejects with the StorageError code, or fails the test. */
async function codeOf(write: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof write === 'function' ? write() : write)
  } catch (err) {
    if (err instanceof StorageError) return err.code
    throw err
  }
  throw new Error('expected a StorageError')
}

/** A backend whose batches finish only when the test says so. */
class ManualBackend implements DurableBackend {
  readonly batches: StoreEvent[][] = []
  private readonly inFlight: PromiseWithResolvers<void>[] = []

  async load(): Promise<{ revision: number }> {
    return { revision: 0 }
  }

  persist(events: readonly StoreEvent[]): Promise<void> {
    this.batches.push([...events])
    const done = Promise.withResolvers<void>()
    this.inFlight.push(done)
    return done.promise
  }

  async close(): Promise<void> {}

  /** Waits until a batch is in flight, then lets it finish (or fail). */
  async settleNext(error?: Error): Promise<void> {
    await until(() => this.inFlight.length > 0)
    const done = this.inFlight.shift()!
    if (error) done.reject(error)
    else done.resolve()
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve))
  if (!condition()) throw new Error('condition never became true')
}

function recorder(): { events: StoreEvent[]; onEvent: (event: StoreEvent) => void; summary: () => string[] } {
  const events: StoreEvent[] = []
  return { events, onEvent: (event) => events.push(event), summary: () => events.map((e) => `${e.type} ${e.key} ${e.revision}`) }
}

describe('CachedStore writes', () => {
  it('gives every write the next global revision and stamps it as resourceVersion', async () => {
    const store = await CachedStore.open()
    const a = await store.create(podKey('a'), pod('a'))
    const svc = await store.create('/registry/services/default/s', { metadata: { name: 's' } })
    const a2 = await store.update(podKey('a'), (cur) => ({ ...cur, spec: { nodeName: 'n1' } }))
    const ns = await store.create('/registry/namespaces/default', { metadata: { name: 'default' } })
    expect([a.revision, svc.revision, a2.revision, ns.revision]).toEqual([1, 2, 3, 4])
    expect(a2.object.metadata.resourceVersion).toBe('3')
    expect(JSON.parse(a2.json)).toEqual(a2.object)
    expect(store.get(podKey('a'))).toBe(a2)
    expect(store.revision).toBe(4)
    expect(store.committedRevision).toBe(4)
  })

  it('does not change the object the caller passed to create', async () => {
    const store = await CachedStore.open()
    const input = pod('a')
    await store.create(podKey('a'), input)
    expect(input.metadata.resourceVersion).toBeUndefined()
  })

  it('reports KeyExists, NotFound and Conflict', async () => {
    const store = await CachedStore.open()
    await store.create(podKey('a'), pod('a'))
    expect(await codeOf(store.create(podKey('a'), pod('a')))).toBe('KeyExists')
    expect(await codeOf(store.update(podKey('nope'), (cur) => cur))).toBe('NotFound')
    expect(await codeOf(store.delete(podKey('nope')))).toBe('NotFound')
    expect(await codeOf(store.update(podKey('a'), (cur) => cur, { resourceVersion: '999' }))).toBe('Conflict')
    expect(await codeOf(store.update(podKey('a'), (cur) => cur, { uid: 'other' }))).toBe('Conflict')
    expect(await codeOf(store.delete(podKey('a'), { resourceVersion: '999' }))).toBe('Conflict')
    const updated = await store.update(podKey('a'), (cur) => cur, { resourceVersion: '1', uid: 'uid-a' })
    expect(updated.revision).toBe(2)
    expect(await store.delete(podKey('a'), { resourceVersion: '2' })).toMatchObject({ revision: 3 })
  })

  it('sees a write still in flight: the second of two back-to-back creates conflicts', async () => {
    const backend = new ManualBackend()
    const store = await CachedStore.open({ backend })
    const first = store.create(podKey('a'), pod('a'))
    expect(await codeOf(store.create(podKey('a'), pod('a')))).toBe('KeyExists')
    expect(await codeOf(store.update(podKey('a'), (cur) => cur, { resourceVersion: '0' }))).toBe('Conflict')
    await backend.settleNext()
    await first
  })

  it('hands update a clone and writes nothing when it returns undefined', async () => {
    const store = await CachedStore.open()
    const created = await store.create(podKey('a'), pod('a'))
    const watch = recorder()
    store.watch('/registry/', { fromRevision: 0 }, watch.onEvent)
    const unchanged = await store.update(podKey('a'), (cur) => {
      cur.metadata.labels = { scribbled: 'yes' }
      return undefined
    })
    expect(unchanged).toBe(created)
    expect(store.get(podKey('a'))!.object.metadata.labels).toBeUndefined()
    expect(store.revision).toBe(1)
    await store.create(podKey('b'), pod('b'))
    expect(watch.summary()).toEqual([`ADDED ${podKey('b')} 2`])
  })

  it('resolves a no-op update only once the state it returns is durable', async () => {
    const backend = new ManualBackend()
    const store = await CachedStore.open({ backend })
    const created = store.create(podKey('a'), pod('a'))
    let noopDone = false
    const noop = store.update(podKey('a'), () => undefined).then((s) => ((noopDone = true), s))
    await new Promise((resolve) => setImmediate(resolve))
    expect(noopDone).toBe(false)
    await backend.settleNext()
    expect((await noop).revision).toBe(1)
    await created
  })

  it('reports a delete as etcd does: last state at the delete revision, previous state alongside', async () => {
    const store = await CachedStore.open()
    await store.create(podKey('a'), pod('a'))
    const watch = recorder()
    store.watch(podKey('a'), { fromRevision: 0 }, watch.onEvent)
    const deleted = await store.delete(podKey('a'))
    expect(store.get(podKey('a'))).toBeUndefined()
    expect(deleted.revision).toBe(2)
    expect(deleted.object.metadata.resourceVersion).toBe('2')
    expect(JSON.parse(deleted.json).metadata.resourceVersion).toBe('2')
    const [event] = watch.events
    expect(event.type).toBe('DELETED')
    expect(event.revision).toBe(2)
    expect(event.current).toBe(deleted)
    expect(event.previous!.object.metadata.resourceVersion).toBe('1')
    expect(event.previous!.revision).toBe(1)
  })
})

describe('CachedStore list', () => {
  async function storeWithPods(): Promise<CachedStore> {
    const store = await CachedStore.open()
    for (let i = 0; i < 25; i++) {
      const name = `p${String(i).padStart(2, '0')}`
      await store.create(podKey(name), pod(name, 'default', { metadata: { name, namespace: 'default', labels: { even: String(i % 2 === 0) } } }))
    }
    await store.create(podKey('x', 'other'), pod('x', 'other'))
    await store.create('/registry/services/default/s', { metadata: { name: 's' } })
    return store
  }

  it('lists one namespace or a whole resource in key order, at the current revision', async () => {
    const store = await storeWithPods()
    const all = store.list('/registry/pods/')
    expect(all.items.map((s) => s.key)).toEqual([...all.items.map((s) => s.key)].sort())
    expect(all.items).toHaveLength(26)
    expect(all.revision).toBe(27)
    expect(all.more).toBe(false)
    expect(store.list('/registry/pods/other/').items.map((s) => s.key)).toEqual([podKey('x', 'other')])
    expect(store.count('/registry/pods/default/')).toBe(25)
    expect(store.count('/registry/')).toBe(27)
  })

  it('pages with startAfter and limit, counting what remains', async () => {
    const store = await storeWithPods()
    const prefix = '/registry/pods/default/'
    const first = store.list(prefix, { limit: 10 })
    expect(first.items.map((s) => s.object.metadata.name)).toEqual(['p00', 'p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08', 'p09'])
    expect(first).toMatchObject({ more: true, remaining: 15 })
    const second = store.list(prefix, { limit: 10, startAfter: first.items.at(-1)!.key })
    expect(second.items[0].object.metadata.name).toBe('p10')
    expect(second).toMatchObject({ more: true, remaining: 5 })
    const last = store.list(prefix, { limit: 10, startAfter: second.items.at(-1)!.key })
    expect(last.items).toHaveLength(5)
    expect(last.more).toBe(false)
    expect(last.remaining).toBeUndefined()
  })

  it('applies the limit to filtered items and leaves remaining unknown', async () => {
    const store = await storeWithPods()
    const even = (s: { object: KubeObject }) => s.object.metadata.labels?.even === 'true'
    const page = store.list('/registry/pods/default/', { limit: 5, filter: even })
    expect(page.items.map((s) => s.object.metadata.name)).toEqual(['p00', 'p02', 'p04', 'p06', 'p08'])
    expect(page.more).toBe(true)
    expect(page.remaining).toBeUndefined()
    const rest = store.list('/registry/pods/default/', { startAfter: page.items.at(-1)!.key, filter: even })
    expect(rest.items).toHaveLength(8)
    expect(rest.more).toBe(false)
  })
})

describe('CachedStore watch', () => {
  it('delivers only future events from revision 0, in revision order, under its prefix', async () => {
    const store = await CachedStore.open()
    await store.create(podKey('old'), pod('old'))
    const pods = recorder()
    const defaultPods = recorder()
    store.watch('/registry/pods/', { fromRevision: 0 }, pods.onEvent)
    store.watch('/registry/pods/default/', { fromRevision: 0 }, defaultPods.onEvent)
    await Promise.all([store.create(podKey('a'), pod('a')), store.create(podKey('b', 'kube-system'), pod('b', 'kube-system')), store.create('/registry/services/default/s', { metadata: { name: 's' } })])
    await store.update(podKey('a'), (cur) => ({ ...cur, spec: { nodeName: 'n' } }))
    expect(pods.summary()).toEqual([`ADDED ${podKey('a')} 2`, `ADDED ${podKey('b', 'kube-system')} 3`, `MODIFIED ${podKey('a')} 5`])
    expect(defaultPods.summary()).toEqual([`ADDED ${podKey('a')} 2`, `MODIFIED ${podKey('a')} 5`])
  })

  it('replays history after fromRevision, then continues live, never out of order', async () => {
    const store = await CachedStore.open()
    for (const name of ['a', 'b', 'c']) await store.create(podKey(name), pod(name))
    const watch = recorder()
    const handle = store.watch('/registry/pods/', { fromRevision: 1 }, watch.onEvent)
    expect(handle).toBeDefined()
    // Replay comes in a microtask, so the caller holds the handle first; a live
    // write issued meanwhile must still come after the replayed events.
    const live = store.create(podKey('d'), pod('d'))
    expect(watch.events).toEqual([])
    await live
    expect(watch.summary()).toEqual([`ADDED ${podKey('b')} 2`, `ADDED ${podKey('c')} 3`, `ADDED ${podKey('d')} 4`])
  })

  it('lets a handler stop its own watch during replay', async () => {
    const store = await CachedStore.open()
    for (const name of ['a', 'b', 'c']) await store.create(podKey(name), pod(name))
    const seen: number[] = []
    const handle = store.watch('/registry/pods/', { fromRevision: 0 + 1 }, (event) => {
      seen.push(event.revision)
      handle.stop()
    })
    await store.create(podKey('d'), pod('d'))
    expect(seen).toEqual([2])
  })

  it('skips events the watcher already has when fromRevision is still in flight', async () => {
    const backend = new ManualBackend()
    const store = await CachedStore.open({ backend })
    const write = store.create(podKey('a'), pod('a'))
    // A LIST now reports revision 1 though it is not yet committed; a watch from it must not repeat it.
    expect(store.list('/registry/pods/').revision).toBe(1)
    const watch = recorder()
    store.watch('/registry/pods/', { fromRevision: 1 }, watch.onEvent)
    await backend.settleNext()
    await write
    const next = store.create(podKey('b'), pod('b'))
    await backend.settleNext()
    await next
    expect(watch.summary()).toEqual([`ADDED ${podKey('b')} 2`])
  })

  it('refuses a fromRevision older than the history window with Expired', async () => {
    const store = await CachedStore.open({ historySize: 3 })
    for (let i = 0; i < 6; i++) await store.create(podKey(`p${i}`), pod(`p${i}`))
    expect(store.oldestWatchableRevision).toBe(3)
    let error: unknown
    try {
      store.watch('/registry/pods/', { fromRevision: 2 }, () => {})
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'Expired', oldestRevision: 3 })
    const watch = recorder()
    store.watch('/registry/pods/', { fromRevision: 3 }, watch.onEvent)
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)))
    expect(watch.events.map((e) => e.revision)).toEqual([4, 5, 6])
  })

  it('expires history by age', async () => {
    let now = 0
    const store = await CachedStore.open({ historyMaxAgeMs: 1000, now: () => now })
    await store.create(podKey('a'), pod('a'))
    await store.create(podKey('b'), pod('b'))
    now = 5000
    expect(store.oldestWatchableRevision).toBe(2)
    expect(() => store.watch('/registry/', { fromRevision: 1 }, () => {})).toThrow(StorageError)
    expect(() => store.watch('/registry/', { fromRevision: 2 }, () => {})).not.toThrow()
  })

  it('fans out to many watchers, and one that throws neither stalls the writer nor the others', async () => {
    const store = await CachedStore.open()
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      let thrown = 0
      store.watch('/registry/pods/', { fromRevision: 0 }, () => {
        thrown++
        throw new Error('broken handler')
      })
      const counts = new Array<number>(150).fill(0)
      counts.forEach((_, i) => store.watch('/registry/pods/', { fromRevision: 0 }, () => counts[i]++))
      await store.create(podKey('a'), pod('a'))
      await store.create(podKey('b'), pod('b'))
      expect(counts.every((c) => c === 2)).toBe(true)
      // The throwing watcher was stopped after its first failure.
      expect(thrown).toBe(1)
      await until(() => warnings.length > 0)
      expect(warnings).toEqual(['WatchHandlerError'])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('stop is idempotent and ends delivery', async () => {
    const store = await CachedStore.open()
    const watch = recorder()
    const handle = store.watch('/registry/pods/', { fromRevision: 0 }, watch.onEvent)
    await store.create(podKey('a'), pod('a'))
    handle.stop()
    handle.stop()
    await store.create(podKey('b'), pod('b'))
    expect(watch.events).toHaveLength(1)
  })
})

describe('CachedStore commit path', () => {
  it('delivers events and resolves writes only after their batch is synced', async () => {
    const backend = new ManualBackend()
    const store = await CachedStore.open({ backend })
    const watch = recorder()
    store.watch('/registry/', { fromRevision: 0 }, watch.onEvent)
    let resolved = false
    const write = store.create(podKey('a'), pod('a')).then(() => (resolved = true))
    await until(() => backend.batches.length === 1)
    expect(store.get(podKey('a'))).toBeDefined()
    expect(store.revision).toBe(1)
    expect(store.committedRevision).toBe(0)
    expect(watch.events).toEqual([])
    expect(resolved).toBe(false)
    await backend.settleNext()
    await write
    expect(watch.summary()).toEqual([`ADDED ${podKey('a')} 1`])
    expect(store.committedRevision).toBe(1)
  })

  it('groups the writes queued behind an in-flight batch into one batch', async () => {
    const backend = new ManualBackend()
    const store = await CachedStore.open({ backend })
    const first = store.create(podKey('first'), pod('first'))
    await until(() => backend.batches.length === 1)
    const rest = Array.from({ length: 200 }, (_, i) => store.create(podKey(`p${i}`), pod(`p${i}`)))
    await backend.settleNext()
    await backend.settleNext()
    await Promise.all([first, ...rest])
    expect(backend.batches.map((b) => b.length)).toEqual([1, 200])
    expect(backend.batches[1].map((e) => e.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2))
  })

  it('on a failed sync rejects the unsynced writes, rolls memory back and refuses later writes', async () => {
    const backend = new ManualBackend()
    const store = await CachedStore.open({ backend })
    const kept = store.create(podKey('kept'), pod('kept'))
    await backend.settleNext()
    await kept
    const inFlight = store.update(podKey('kept'), (cur) => ({ ...cur, spec: { nodeName: 'n1' } }))
    await until(() => backend.batches.length === 2)
    const queuedCreate = store.create(podKey('new'), pod('new'))
    const queuedDelete = store.delete(podKey('kept'))
    await backend.settleNext(new Error('disk full'))
    expect(await codeOf(inFlight)).toBe('Unavailable')
    expect(await codeOf(queuedCreate)).toBe('Unavailable')
    expect(await codeOf(queuedDelete)).toBe('Unavailable')
    expect(store.get(podKey('new'))).toBeUndefined()
    expect(store.get(podKey('kept'))!.revision).toBe(1)
    expect(store.list('/registry/pods/').items.map((s) => s.key)).toEqual([podKey('kept')])
    expect(store.revision).toBe(1)
    expect(await codeOf(store.create(podKey('later'), pod('later')))).toBe('Unavailable')
    await store.close()
  })

  it('close waits for writes in flight and then refuses writes and watches', async () => {
    const backend = new ManualBackend()
    const store = await CachedStore.open({ backend })
    const write = store.create(podKey('a'), pod('a'))
    const closed = store.close()
    expect(await codeOf(store.create(podKey('b'), pod('b')))).toBe('Unavailable')
    await backend.settleNext()
    await Promise.all([write, closed])
    expect(await codeOf(() => store.watch('/registry/', { fromRevision: 0 }, () => {}))).toBe('Unavailable')
  })
})

describe('CachedStore snapshot lists', () => {
  const obj = (name: string, v = '1'): KubeObject => ({ metadata: { name }, data: { v } })

  it('lists the state at an earlier revision inside the history window', async () => {
    const store = await CachedStore.open()
    await Promise.all(['a', 'b', 'c'].map((n) => store.create(`/registry/cm/ns/${n}`, obj(n))))
    const at = store.revision
    await store.update('/registry/cm/ns/b', () => obj('b', '2'))
    await store.delete('/registry/cm/ns/c')
    await store.create('/registry/cm/ns/d', obj('d'))
    const snapshot = store.list('/registry/cm/', { atRevision: at })
    expect(snapshot.revision).toBe(at)
    expect(snapshot.items.map((s) => [s.object.metadata.name, (s.object.data as { v: string }).v])).toEqual([['a', '1'], ['b', '1'], ['c', '1']])
    const page = store.list('/registry/cm/', { atRevision: at, startAfter: '/registry/cm/ns/a', limit: 1 })
    expect(page.items.map((s) => s.key)).toEqual(['/registry/cm/ns/b'])
    expect(page).toMatchObject({ more: true, remaining: 1 })
    expect(store.list('/registry/cm/').items.map((s) => s.object.metadata.name)).toEqual(['a', 'b', 'd'])
    await store.close()
  })

  it('refuses a revision older than the history window', async () => {
    const store = await CachedStore.open({ historySize: 2 })
    for (const n of ['a', 'b', 'c', 'd']) await store.create(`/registry/cm/ns/${n}`, obj(n))
    expect(() => store.list('/registry/cm/', { atRevision: 1 })).toThrow(StorageError)
    await store.close()
  })
})
