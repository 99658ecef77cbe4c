// Watch over HTTP as informers use it: resume from a list's resourceVersion,
// selector transitions, synthetic ADDED events, restarts of a durable
// apiserver, 410 Expired, bookmarks, watch-list and timeoutSeconds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, merge, type ApiClient, type Json } from '../support/api-client.ts'
import { configMap, paths } from '../support/manifests.ts'
import { openWatch, type WatchEvent, type WatchStream } from '../support/watch-stream.ts'

const openStreams: WatchStream[] = []

/** Opens a watch on a collection path with the given query; closed after each test. */
async function watch(api: ApiClient, collection: string, query: Record<string, string>): Promise<WatchStream & { errorBody?: Json }> {
  const url = new URL(collection, api.url)
  url.searchParams.set('watch', 'true')
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const stream = await openWatch(url)
  openStreams.push(stream)
  return stream
}

afterEach(() => {
  for (const s of openStreams.splice(0)) s.close()
})

const summary = (e: WatchEvent) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion]

describe('watch on a memory apiserver', () => {
  let server: ApiserverProcess
  let api: ApiClient

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory', args: ['--watch-bookmark-interval', '200ms'] })
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  it('from a list resourceVersion delivers exactly the later events, in order', async () => {
    const ns = await createNamespace(api)
    await api.create(paths.configMaps(ns), configMap('before', { a: '1' }))
    const list = await api.read(paths.configMaps(ns))
    expect(list.items).toHaveLength(1)
    const w = await watch(api, paths.configMaps(ns), { resourceVersion: list.metadata.resourceVersion })
    expect(w.status).toBe(200)
    expect(w.headers.get('content-type')).toMatch(/^application\/json/)

    const added = await api.create(paths.configMaps(ns), configMap('item', { n: '1' }))
    const modified = (await api.patch(paths.configMap(ns, 'item'), merge, { data: { n: '2' } })).body
    const deleted = await api.delete(paths.configMap(ns, 'item'))
    expect(deleted.status).toBe(200)
    const sentinel = await api.create(paths.configMaps(ns), configMap('sentinel'))
    const events = await w.take(4)
    // Nothing else writes to this server, so the delete took the revision between the patch and the sentinel.
    const deleteRevision = String(Number(sentinel.metadata.resourceVersion) - 1)
    expect(events.map(summary)).toEqual([
      ['ADDED', 'item', added.metadata.resourceVersion],
      ['MODIFIED', 'item', modified.metadata.resourceVersion],
      ['DELETED', 'item', deleteRevision],
      ['ADDED', 'sentinel', sentinel.metadata.resourceVersion],
    ])
    expect(Number(deleteRevision)).toBeGreaterThan(Number(modified.metadata.resourceVersion))
    expect(events[0].object).toEqual(added)
    expect(events[1].object.data).toEqual({ n: '2' })
    expect(events[2].object.metadata.uid).toBe(added.metadata.uid)
    // Nothing else arrived: no event for "before", and no bookmarks (not asked for).
    expect(w.events).toHaveLength(4)
  })

  it('turns "starts matching" a label selector into ADDED and "stops matching" into DELETED', async () => {
    const ns = await createNamespace(api)
    const list = await api.read(paths.configMaps(ns))
    const w = await watch(api, paths.configMaps(ns), { resourceVersion: list.metadata.resourceVersion, labelSelector: 'app=web' })
    await api.create(paths.configMaps(ns), configMap('m', { v: '0' }, { labels: { app: 'other' } }))
    await api.patch(paths.configMap(ns, 'm'), merge, { data: { v: '1' } })
    const starts = (await api.patch(paths.configMap(ns, 'm'), merge, { metadata: { labels: { app: 'web' } } })).body
    const changes = (await api.patch(paths.configMap(ns, 'm'), merge, { data: { v: '2' } })).body
    const stops = (await api.patch(paths.configMap(ns, 'm'), merge, { metadata: { labels: { app: 'other' } }, data: { v: '3' } })).body
    await api.patch(paths.configMap(ns, 'm'), merge, { data: { v: '4' } })
    const sentinel = await api.create(paths.configMaps(ns), configMap('sentinel', {}, { labels: { app: 'web' } }))

    const events = await w.take(4)
    expect(events.map(summary)).toEqual([
      ['ADDED', 'm', starts.metadata.resourceVersion],
      ['MODIFIED', 'm', changes.metadata.resourceVersion],
      ['DELETED', 'm', stops.metadata.resourceVersion],
      ['ADDED', 'sentinel', sentinel.metadata.resourceVersion],
    ])
    expect(events[0].object.data).toEqual({ v: '1' })
    expect(events[1].object.data).toEqual({ v: '2' })
    // Upstream sends the last state that matched, at the revision that stopped matching.
    expect(events[2].object.metadata.labels).toEqual({ app: 'web' })
    expect(events[2].object.data).toEqual({ v: '2' })
    expect(w.events).toHaveLength(4)
  })

  it('with a spec.nodeName field selector sees a pod arrive when bound and leave when deleted', async () => {
    const ns = await createNamespace(api)
    await api.create(paths.pods(ns), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })
    const list = await api.read(paths.pods(ns))
    const w = await watch(api, '/api/v1/pods', { resourceVersion: list.metadata.resourceVersion, fieldSelector: `spec.nodeName=node-w,metadata.namespace=${ns}` })
    expect(w.status, JSON.stringify(w.errorBody)).toBe(200)
    const bind = await api.post(`${paths.pod(ns, 'p')}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-w' } })
    expect(bind.status).toBe(201)
    const bound = await api.read(paths.pod(ns, 'p'))
    const event = await w.next()
    expect(summary(event)).toEqual(['ADDED', 'p', bound.metadata.resourceVersion])
    expect(event.object.spec.nodeName).toBe('node-w')

    const graceful = await api.delete(paths.pod(ns, 'p'))
    expect(graceful.status).toBe(200)
    const terminating = await w.next()
    expect(summary(terminating)).toEqual(['MODIFIED', 'p', graceful.body.metadata.resourceVersion])
    expect(terminating.object.metadata.deletionTimestamp).toBe(graceful.body.metadata.deletionTimestamp)
    const final = await api.delete(paths.pod(ns, 'p'), { query: { gracePeriodSeconds: 0 } })
    expect(final.status).toBe(200)
    expect(summary(await w.next())).toEqual(['DELETED', 'p', final.body.metadata.resourceVersion])
    expect(w.events).toHaveLength(3)
  })

  it('with resourceVersion=0 or unset first sends ADDED for every existing object', async () => {
    const ns = await createNamespace(api)
    const a = await api.create(paths.configMaps(ns), configMap('a'))
    const b = await api.create(paths.configMaps(ns), configMap('b'))
    const queries: Record<string, string>[] = [{ resourceVersion: '0' }, {}]
    for (const query of queries) {
      const w = await watch(api, paths.configMaps(ns), query)
      const initial = await w.take(2)
      expect(initial.map((e) => e.type)).toEqual(['ADDED', 'ADDED'])
      expect(initial.map((e) => e.object.metadata.uid).sort()).toEqual([a.metadata.uid, b.metadata.uid].sort())
      const c = await api.create(paths.configMaps(ns), configMap(`c${openStreams.length}`))
      expect(summary(await w.next())).toEqual(['ADDED', c.metadata.name, c.metadata.resourceVersion])
      await api.delete(paths.configMap(ns, c.metadata.name))
      expect((await w.next()).type).toBe('DELETED')
      w.close()
    }
  })

  it('refuses a resourceVersion that is not a number with 400 BadRequest', async () => {
    const res = await api.get(paths.configMaps('default'), { query: { watch: '1', resourceVersion: 'abc' } })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'invalid resource version: abc', code: 400 })
  })

  it('sends BOOKMARKs carrying the current revision when allowWatchBookmarks=true', async () => {
    const ns = await createNamespace(api)
    const list = await api.read(paths.configMaps(ns))
    const withBookmarks = await watch(api, paths.configMaps(ns), { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: 'true' })
    const without = await watch(api, paths.configMaps(ns), { resourceVersion: list.metadata.resourceVersion })
    const first = await withBookmarks.until('a bookmark', (e) => e.type === 'BOOKMARK', 10_000)
    expect(first.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } })
    expect(Number(first.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(list.metadata.resourceVersion))

    const written = await api.create(paths.configMaps(ns), configMap('x'))
    expect(summary(await withBookmarks.until('the ADDED event', (e) => e.type === 'ADDED'))).toEqual(['ADDED', 'x', written.metadata.resourceVersion])
    const later = await withBookmarks.until('a bookmark after the write', (e) => e.type === 'BOOKMARK', 10_000)
    expect(Number(later.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(written.metadata.resourceVersion))

    // The watch that did not ask saw the write and nothing else.
    expect(summary(await without.next())).toEqual(['ADDED', 'x', written.metadata.resourceVersion])
    expect(without.events.map((e) => e.type)).toEqual(['ADDED'])
  })

  it('watch-list: sendInitialEvents=true sends ADDED for current objects, then the initial-events-end BOOKMARK, then live events', async () => {
    const ns = await createNamespace(api)
    const a = await api.create(paths.configMaps(ns), configMap('a'))
    const b = await api.create(paths.configMaps(ns), configMap('b'))
    const w = await watch(api, paths.configMaps(ns), { sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true' })
    expect(w.status, JSON.stringify(w.errorBody)).toBe(200)
    const initial = await w.take(3)
    expect(initial.slice(0, 2).map((e) => e.type)).toEqual(['ADDED', 'ADDED'])
    expect(initial.slice(0, 2).map((e) => e.object.metadata.name).sort()).toEqual(['a', 'b'])
    expect(initial[2]).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/), annotations: { 'k8s.io/initial-events-end': 'true' } } },
    })
    expect(Number(initial[2].object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Math.max(Number(a.metadata.resourceVersion), Number(b.metadata.resourceVersion)))
    const c = await api.create(paths.configMaps(ns), configMap('c'))
    expect(summary(await w.until('the live ADDED', (e) => e.type !== 'BOOKMARK'))).toEqual(['ADDED', 'c', c.metadata.resourceVersion])
  })

  it('sendInitialEvents without resourceVersionMatch=NotOlderThan is rejected with 422', async () => {
    const w = await watch(api, paths.configMaps('default'), { sendInitialEvents: 'true', allowWatchBookmarks: 'true' })
    expect(w.status).toBe(422)
    expect(w.errorBody).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 })
  })

  it('timeoutSeconds=1 ends the stream', async () => {
    const ns = await createNamespace(api)
    const w = await watch(api, paths.configMaps(ns), { timeoutSeconds: '1', resourceVersion: '0' })
    expect(w.status).toBe(200)
    await w.waitForEnd(20_000)
    expect(w.ended).toBe(true)
    expect(w.events).toEqual([])
  })
})

describe('watch history window', () => {
  let server: ApiserverProcess
  let api: ApiClient

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory', args: ['--watch-history-size', '5'] })
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired, and replays one inside the window', async () => {
    const ns = await createNamespace(api)
    const written: Json[] = []
    for (let i = 0; i < 20; i++) written.push(await api.create(paths.configMaps(ns), configMap(`w${i}`)))

    const old = await watch(api, paths.configMaps(ns), { resourceVersion: '1' })
    expect(old.status).toBe(200)
    const event = await old.next()
    expect(event.type).toBe('ERROR')
    expect(event.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410 })
    expect(event.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/)
    await old.waitForEnd()
    expect(old.events).toHaveLength(1)

    // Inside the window: replays what came after.
    const recent = await watch(api, paths.configMaps(ns), { resourceVersion: written[17].metadata.resourceVersion })
    expect((await recent.take(2)).map(summary)).toEqual([
      ['ADDED', 'w18', written[18].metadata.resourceVersion],
      ['ADDED', 'w19', written[19].metadata.resourceVersion],
    ])
  })
})

describe('watch and resourceVersions across a LevelDB apiserver restart', () => {
  let dataDir: string
  let server: ApiserverProcess | undefined

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kubeling-watch-restart-'))
  })
  afterAll(async () => {
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps objects and their resourceVersions; new writes get higher revisions', async () => {
    server = await startApiserverProcess({ storage: 'leveldb', dataDir })
    let api = apiClient(server.url)
    const ns = await createNamespace(api)
    const a = await api.create(paths.configMaps(ns), configMap('a', { v: '1' }))
    await api.create(paths.configMaps(ns), configMap('b'))
    const a2 = (await api.patch(paths.configMap(ns, 'a'), merge, { data: { v: '2' } })).body
    const gone = await api.create(paths.configMaps(ns), configMap('gone'))
    expect((await api.delete(paths.configMap(ns, 'gone'))).status).toBe(200)
    const before = await api.read(paths.configMaps(ns))
    const beforeRevision = Number(before.metadata.resourceVersion)
    expect(beforeRevision).toBeGreaterThan(Number(gone.metadata.resourceVersion))

    await server.stop()
    server = await startApiserverProcess({ storage: 'leveldb', dataDir })
    api = apiClient(server.url)

    const after = await api.read(paths.configMaps(ns))
    expect(after.items).toEqual(before.items)
    expect(await api.read(paths.configMap(ns, 'a'))).toEqual(a2)
    expect(a2.metadata.uid).toBe(a.metadata.uid)
    expect((await api.get(paths.configMap(ns, 'gone'))).status).toBe(404)
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThanOrEqual(beforeRevision)
    // The namespace and the built-in ones came back too.
    const namespaces = (await api.read('/api/v1/namespaces')).items.map((n: Json) => n.metadata.name)
    expect(namespaces).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease', ns]))

    const w = await watch(api, paths.configMaps(ns), { resourceVersion: after.metadata.resourceVersion })
    const c = await api.create(paths.configMaps(ns), configMap('c'))
    expect(Number(c.metadata.resourceVersion)).toBeGreaterThan(beforeRevision)
    expect(summary(await w.next())).toEqual(['ADDED', 'c', c.metadata.resourceVersion])
  })
})
