import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { CachedStore } from './cached-store.ts'
import type { DurableBackend } from './durable-backend.ts'
import { LevelDbBackend } from './leveldb-backend.ts'
import type { StoredObject } from './store.ts'
import type { StoreEvent } from './store.ts'
import { StorageError } from './store.ts'

const podKey = (name: string) => `/registry/pods/default/${name}`
const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' } })

/** Counts the batches a backend is asked to persist. */
class CountingBackend implements DurableBackend {
  readonly batchSizes: number[] = []
  private readonly inner: DurableBackend
  constructor(inner: DurableBackend) {
    this.inner = inner
  }
  load(visit: (key: string, json: string) => void) {
    return this.inner.load(visit)
  }
  persist(events: readonly StoreEvent[]) {
    this.batchSizes.push(events.length)
    return this.inner.persist(events)
  }
  close() {
    return this.inner.close()
  }
}

describe('LevelDbBackend under CachedStore', () => {
  let dir: string
  let open: CachedStore[] = []

  async function openStore(options: { historySize?: number } = {}): Promise<CachedStore> {
    const store = await CachedStore.open({ backend: await LevelDbBackend.open(dir), ...options })
    open.push(store)
    return store
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-leveldb-'))
  })

  afterEach(async () => {
    await Promise.all(open.map((store) => store.close()))
    open = []
    await rm(dir, { recursive: true, force: true })
  })

  it('reloads every object and the revision, and keeps counting from there', async () => {
    const first = await openStore()
    await first.create(podKey('a'), pod('a'))
    await first.create('/registry/apps/deployments/default/d', { metadata: { name: 'd' } })
    await first.update(podKey('a'), (cur) => ({ ...cur, spec: { nodeName: 'n1' } }))
    await first.create('/registry/namespaces/default', { metadata: { name: 'default' } })
    const before = first.list('/registry/').items
    await first.close()

    const second = await openStore()
    expect(second.revision).toBe(4)
    expect(second.committedRevision).toBe(4)
    // Reloaded objects are parsed lazily: compare their fields, not their class.
    const plain = (items: StoredObject[]) => items.map(({ key, object, json, revision }) => ({ key, object, json, revision }))
    expect(plain(second.list('/registry/').items)).toEqual(plain(before))
    expect(second.get(podKey('a'))!.object).toMatchObject({ spec: { nodeName: 'n1' }, metadata: { resourceVersion: '3' } })
    expect((await second.create(podKey('b'), pod('b'))).revision).toBe(5)
  })

  it('keeps the revision when the newest write was a delete', async () => {
    const first = await openStore()
    await first.create(podKey('a'), pod('a'))
    await first.create(podKey('b'), pod('b'))
    await first.delete(podKey('b'))
    await first.close()

    const second = await openStore()
    expect(second.revision).toBe(3)
    expect(second.get(podKey('b'))).toBeUndefined()
    expect(second.count('/registry/')).toBe(1)
    expect((await second.create(podKey('b'), pod('b'))).revision).toBe(4)
  })

  it('after a restart watches start at the opening revision; older ones are Expired', async () => {
    const first = await openStore()
    for (const name of ['a', 'b', 'c']) await first.create(podKey(name), pod(name))
    await first.close()

    const second = await openStore()
    expect(second.oldestWatchableRevision).toBe(3)
    expect(() => second.watch('/registry/pods/', { fromRevision: 2 }, () => {})).toThrow(StorageError)
    const seen: number[] = []
    second.watch('/registry/pods/', { fromRevision: 3 }, (e) => seen.push(e.revision))
    await second.create(podKey('d'), pod('d'))
    expect(seen).toEqual([4])
  })

  it('commits concurrent writes in far fewer synced batches than writes', async () => {
    const backend = new CountingBackend(await LevelDbBackend.open(dir))
    const store = await CachedStore.open({ backend })
    open.push(store)
    const written = await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(podKey(`p${i}`), pod(`p${i}`))))
    expect(written.map((s) => s.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    expect(backend.batchSizes.reduce((a, b) => a + b, 0)).toBe(200)
    expect(backend.batchSizes.length).toBeLessThanOrEqual(5)
    // Writes arriving one by one while a batch is in flight queue behind it.
    const trickle: Promise<unknown>[] = []
    for (let i = 0; i < 50; i++) {
      trickle.push(store.update(podKey(`p${i}`), (cur) => ({ ...cur, spec: { i } })))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(trickle)
    expect(backend.batchSizes.length - 1).toBeLessThan(50)
  })

  it('refuses writes once a sync fails', async () => {
    const leveldb = await LevelDbBackend.open(dir)
    const store = await CachedStore.open({ backend: leveldb })
    open.push(store)
    await store.create(podKey('a'), pod('a'))
    await leveldb.close() // the next batch fails, as a dying disk would
    await expect(store.create(podKey('b'), pod('b'))).rejects.toMatchObject({ code: 'Unavailable' })
    await expect(store.update(podKey('a'), (cur) => cur)).rejects.toMatchObject({ code: 'Unavailable' })
    expect(store.get(podKey('b'))).toBeUndefined()
    expect(store.get(podKey('a'))!.revision).toBe(1)
  })
})
