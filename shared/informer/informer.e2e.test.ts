// Informers against real apiserver processes on 127.0.0.1: sync, handlers,
// re-list after 410 Expired, and catching up after the apiserver restarts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject } from '../api-types.ts'
import { startApiserverProcess, type ApiserverProcess } from '../../test/support/apiserver-process.ts'
import { waitFor } from '../../test/support/wait-for.ts'
import { commonResources, createClient, userAgentFor, type Client, type ListOptions, type ResourceClient, type WatchOptions, type WatchStream } from '../client/index.ts'
import { createLogger } from '../logger.ts'
import { Informer, type ListerWatcher } from './informer.ts'
import { SharedInformerFactory } from './shared-informer-factory.ts'

const ns = 'default'
const logger = createLogger('informer-e2e', 'silent')
const configMap = (name: string, app: string, data: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { app } }, data })
const snapshot = (objs: KubeObject[]) => objs.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort()

/** Passes calls through, except that while paused no watch opens: the informer is cut off from the apiserver. */
class GatedSource implements ListerWatcher<KubeObject> {
  lists = 0
  #paused = false
  #resume: (() => void) | undefined
  #current: WatchStream<KubeObject> | undefined
  readonly #inner: ResourceClient

  constructor(inner: ResourceClient) {
    this.#inner = inner
  }

  list(options: ListOptions) {
    this.lists++
    return this.#inner.list(options)
  }

  async watch(options: WatchOptions): Promise<WatchStream<KubeObject>> {
    while (this.#paused && !options.signal?.aborted) await new Promise<void>((resolve) => (this.#resume = resolve))
    this.#current = await this.#inner.watch(options)
    return this.#current
  }

  pause(): void {
    this.#paused = true
    this.#current?.close()
  }

  unpause(): void {
    this.#paused = false
    this.#resume?.()
  }
}

describe('informer against a real apiserver', () => {
  let dataDir: string
  let apiserver: ApiserverProcess
  let client: Client
  let cms: ResourceClient
  const stops: Array<() => Promise<void>> = []
  const start = () => startApiserverProcess({ dataDir, port: apiserver?.port, args: ['--watch-history-size', '5'] })

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kubeling-informer-e2e-'))
    apiserver = await start()
    // Few, short client retries: reconnecting is the informer's job here.
    client = createClient({ server: apiserver.url, userAgent: userAgentFor('informer-e2e'), retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 } })
    cms = client.configMaps.namespace(ns)
  })
  afterAll(async () => {
    for (const stop of stops) await stop()
    await client?.close()
    await apiserver?.cleanup()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  async function expectCacheMatchesServer(informer: Informer, labelSelector: string): Promise<void> {
    let last: string[] = []
    await waitFor(`cache to match the server's ${labelSelector} configmaps`, async () => {
      last = snapshot((await cms.list({ labelSelector })).items)
      const cached = snapshot(informer.list())
      if (JSON.stringify(cached) !== JSON.stringify(last)) throw new Error(`cache ${cached.join(',')} vs server ${last.join(',')}`)
      return true
    })
  }

  it('syncs, delivers add/update/delete, and catches up after the apiserver restarts', async () => {
    await cms.create(configMap('inf-a', 'inf'))
    await cms.create(configMap('inf-b', 'inf'))
    await cms.create(configMap('other', 'other'))
    const factory = new SharedInformerFactory({ client, logger, backoff: { initialMs: 50, maxMs: 500 } })
    stops.push(() => factory.stop())
    const informer = factory.informerFor(commonResources.configMaps, { namespace: ns, labelSelector: 'app=inf' })
    expect(factory.informerFor(commonResources.configMaps, { namespace: ns, labelSelector: 'app=inf' })).toBe(informer)
    const seen: string[] = []
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (a, b) => seen.push(`update ${a.metadata.name} ${JSON.stringify(a.data)}->${JSON.stringify(b.data)}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    })
    factory.start()
    await factory.whenSynced()
    expect(informer.list().map((o) => o.metadata.name).sort()).toEqual(['inf-a', 'inf-b'])
    expect(seen.sort()).toEqual(['add inf-a', 'add inf-b'])

    seen.length = 0
    await cms.create(configMap('inf-c', 'inf'))
    const b = await cms.get('inf-b')
    await cms.update({ ...b, data: { k: '1' } })
    await cms.delete('inf-a')
    await waitFor('add, update and delete to reach the handlers', () => (seen.length >= 3 ? true : undefined))
    expect(seen).toEqual(['add inf-c', 'update inf-b {}->{"k":"1"}', 'delete inf-a'])
    expect(informer.byIndex('label:app', 'inf').map((o) => o.metadata.name).sort()).toEqual(['inf-b', 'inf-c'])
    expect(informer.byIndex('namespace', ns)).toHaveLength(2)

    // Restart on the same port and data dir; changes made once it is back
    // must reach the cache through the reconnected watch or a re-list.
    await apiserver.stop()
    apiserver = await start()
    await cms.create(configMap('inf-d', 'inf'))
    const c = await cms.get('inf-c')
    await cms.update({ ...c, data: { k: '2' } })
    await cms.delete('inf-b')
    await expectCacheMatchesServer(informer, 'app=inf')
    expect(informer.get(`${ns}/inf-c`)?.data).toEqual({ k: '2' })
    expect(seen).toContain('delete inf-b')
    expect(seen).toContain('add inf-d')
  })

  it('lists again after 410 Expired and delivers the difference', async () => {
    await cms.create(configMap('gone-a', 'gone'))
    await cms.create(configMap('gone-b', 'gone'))
    await cms.create(configMap('gone-c', 'gone'))
    const source = new GatedSource(cms)
    const informer = new Informer(source, { labelSelector: 'app=gone', logger, backoff: { initialMs: 50, maxMs: 500 } })
    stops.push(async () => {
      source.unpause()
      await informer.stop()
    })
    const seen: string[] = []
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (a) => seen.push(`update ${a.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    })
    informer.start()
    await informer.whenSynced()
    expect(source.lists).toBe(1)
    seen.length = 0

    // Cut the watch, then write more than the server's 5-event history holds.
    source.pause()
    await cms.create(configMap('gone-d', 'gone'))
    for (let i = 0; i < 6; i++) {
      const b = await cms.get('gone-b')
      await cms.update({ ...b, data: { i: String(i) } })
    }
    await cms.delete('gone-c')
    source.unpause()

    await waitFor('a second list after 410', () => (source.lists >= 2 ? true : undefined))
    await expectCacheMatchesServer(informer, 'app=gone')
    expect(seen.sort()).toEqual(['add gone-d', 'delete gone-c', 'update gone-b'])
    expect(informer.get(`${ns}/gone-b`)?.data).toEqual({ i: '5' })
  })
})
