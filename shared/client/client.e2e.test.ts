// The client against a real apiserver process on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject, WatchEvent } from '../api-types.ts'
import { startApiserverProcess, type ApiserverProcess } from '../../test/support/apiserver-process.ts'
import { createClient, userAgentFor, type Client } from './client.ts'
import { ClientStatusError, isAlreadyExists, isConflict, isExpired, isNotFound } from './status-error.ts'

const ns = 'default'
const configMap = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data })
const pod = (name: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'e2e' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
})

describe('client against a real apiserver', () => {
  let apiserver: ApiserverProcess
  let client: Client
  beforeAll(async () => {
    apiserver = await startApiserverProcess({ args: ['--watch-history-size', '20'] })
    client = createClient({ server: apiserver.url, userAgent: userAgentFor('e2e') })
  })
  afterAll(async () => {
    await client?.close()
    await apiserver?.cleanup()
  })

  it('creates, gets, lists, updates and deletes configmaps', async () => {
    const cms = client.configMaps.namespace(ns)
    const created = await cms.create(configMap('crud-a', { k: '1' }))
    expect(created.metadata.uid).toBeTruthy()
    await cms.create(configMap('crud-b'))
    await expect(cms.create(configMap('crud-a'))).rejects.toSatisfy(isAlreadyExists)

    const got = await cms.get('crud-a')
    expect(got.data).toEqual({ k: '1' })
    const updated = await cms.update({ ...got, data: { k: '2' } })
    expect(updated.data).toEqual({ k: '2' })

    const paged = await cms.list({ limit: 1, allPages: true, fieldSelector: 'metadata.name!=nothing' })
    expect(paged.items.map((c) => c.metadata.name)).toEqual(expect.arrayContaining(['crud-a', 'crud-b']))
    expect(paged.metadata.resourceVersion).toBeTruthy()
    const page = await cms.list({ limit: 1 })
    expect(page.items).toHaveLength(1)
    expect(page.metadata.continue).toBeTruthy()

    await cms.delete('crud-a')
    await expect(cms.get('crud-a')).rejects.toSatisfy(isNotFound)
    await client.configMaps.namespace(ns).deleteCollection({ fieldSelector: 'metadata.name=crud-b' })
    await expect(cms.get('crud-b')).rejects.toSatisfy(isNotFound)
  })

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const cms = client.configMaps
    const first = await cms.create(configMap('conflict'))
    await cms.update({ ...first, data: { a: '1' } })
    const err = await cms.update({ ...first, data: { a: '2' } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClientStatusError)
    expect(isConflict(err)).toBe(true)
    expect((err as ClientStatusError).code).toBe(409)
  })

  it('sends every patch type', async () => {
    const cms = client.configMaps.namespace(ns)
    await cms.create(configMap('patched', { a: '1' }))
    expect((await cms.patch('patched', { data: { b: '2' } }, 'merge')).data).toEqual({ a: '1', b: '2' })
    expect((await cms.patch('patched', { metadata: { labels: { x: 'y' } } }, 'strategic')).metadata.labels).toEqual({ x: 'y' })
    expect((await cms.patch('patched', [{ op: 'remove', path: '/data/a' }], 'json')).data).toEqual({ b: '2' })
    const applied = await cms.patch('patched', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patched' }, data: { c: '3' } }, 'apply', { fieldManager: 'e2e', force: true })
    expect(applied.data).toMatchObject({ c: '3' })
    expect(applied.metadata.managedFields?.some((m) => m.manager === 'e2e' && m.operation === 'Apply')).toBe(true)
  })

  it('creates pods, binds one through pods/binding and updates status', async () => {
    const pods = client.pods.namespace(ns)
    await pods.create(pod('bind-me'))
    await pods.subresource('binding').create('bind-me', {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me', namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
    })
    const bound = await pods.get('bind-me')
    expect((bound.spec as { nodeName?: string }).nodeName).toBe('node-1')
    const withStatus = await pods.updateStatus({ ...bound, status: { ...(bound.status as object), phase: 'Running' } })
    expect((withStatus.status as { phase: string }).phase).toBe('Running')
    const listed = await client.pods.list({ labelSelector: 'app=e2e', fieldSelector: 'spec.nodeName=node-1' })
    expect(listed.items.map((p) => p.metadata.name)).toEqual(['bind-me'])
    await pods.delete('bind-me', { gracePeriodSeconds: 0 })
  })

  it('watches ADDED, MODIFIED and DELETED in order', async () => {
    const cms = client.configMaps.namespace(ns)
    const rv = (await cms.list()).metadata.resourceVersion
    const watch = await cms.watch({ resourceVersion: rv, fieldSelector: 'metadata.name=watched', allowWatchBookmarks: true })
    const created = await cms.create(configMap('watched'))
    await cms.update({ ...created, data: { v: '1' } })
    await cms.delete('watched')
    const seen: WatchEvent[] = []
    for await (const event of watch) {
      if (event.type === 'BOOKMARK') continue
      seen.push(event)
      if (seen.length === 3) break
    }
    expect(seen.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'watched'], ['MODIFIED', 'watched'], ['DELETED', 'watched']])
  })

  it('surfaces 410 Expired for a watch from a too-old resourceVersion', async () => {
    const cms = client.configMaps.namespace(ns)
    for (let i = 0; i < 30; i++) await cms.create(configMap(`churn-${i}`))
    let err: unknown
    try {
      const watch = await cms.watch({ resourceVersion: '1' })
      for await (const _ of watch) void _
    } catch (e) {
      err = e
    }
    expect(isExpired(err)).toBe(true)
    const events = await cms.watch({ resourceVersion: '1', errors: 'yield' })
    for await (const event of events) {
      expect(event.type).toBe('ERROR')
      break
    }
  })

  it('closing a watch ends its iterator quietly', async () => {
    const watch = await client.configMaps.watch({})
    setTimeout(() => watch.close(), 50)
    for await (const _ of watch) void _
  })
})

describe('client across an apiserver restart', () => {
  it('retries a request until the apiserver is back on the same port', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-client-restart-'))
    let apiserver = await startApiserverProcess({ dataDir })
    const client = createClient({ server: apiserver.url, userAgent: userAgentFor('e2e'), retry: { maxAttempts: 200, baseDelayMs: 50, maxDelayMs: 200 } })
    try {
      await client.configMaps.create(configMap('survivor', { v: '1' }))
      await apiserver.stop()
      const pending = client.configMaps.namespace(ns).get('survivor')
      apiserver = await startApiserverProcess({ dataDir, port: apiserver.port })
      expect((await pending).data).toEqual({ v: '1' })
    } finally {
      await client.close()
      await apiserver.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
