import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from '../storage/open-store.ts'
import type { Store } from '../storage/store.ts'
import { RestStore, type WriteContext } from './rest-store.ts'
import { defineResource } from './types.ts'
import { planDelete } from './deletion.ts'
import { bindPod } from './binding.ts'
import { StatusError } from '../status-error.ts'

const namespaces = defineResource({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, strategy: {}, subresources: { status: true } })
const configmaps = defineResource({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, strategy: {} })
const pods = defineResource({
  group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, subresources: { status: true },
  strategy: { prepareForCreate: (p) => void (p.status = { phase: 'Pending' }) },
})

function ctx(manager = 'test'): WriteContext {
  return { manager, dryRun: false, now: new Date('2026-11-23T12:00:00Z') }
}

async function expectStatus(promise: Promise<unknown>, code: number, reason: string): Promise<StatusError> {
  const err = await promise.then(() => undefined, (e) => e)
  expect(err).toBeInstanceOf(StatusError)
  expect((err as StatusError).status).toMatchObject({ code, reason })
  return err as StatusError
}

describe('RestStore', () => {
  let store: Store
  let rest: RestStore
  beforeEach(async () => {
    store = await openStore({ kind: 'memory' })
    rest = new RestStore(store)
    await rest.create(namespaces, undefined, { metadata: { name: 'default' } }, ctx())
  })
  afterEach(() => store.close())

  const cm = (name: string, data: Record<string, string> = {}) => ({ metadata: { name }, data })

  it('fills server metadata on create and refuses duplicates', async () => {
    const stored = await rest.create(configmaps, 'default', cm('a'), ctx())
    expect(stored.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', creationTimestamp: '2026-11-23T12:00:00Z' } })
    expect(stored.object.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(stored.object.metadata.resourceVersion).toBe(String(stored.revision))
    const err = await expectStatus(rest.create(configmaps, 'default', cm('a'), ctx()), 409, 'AlreadyExists')
    expect(err.message).toBe('configmaps "a" already exists')
  })

  it('generates names from generateName with five characters of the upstream alphabet', async () => {
    const stored = await rest.create(configmaps, 'default', { metadata: { generateName: 'web-' } }, ctx())
    expect(stored.object.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
  })

  it('creating in a missing namespace is 404, in a terminating one 403', async () => {
    const missing = await expectStatus(rest.create(configmaps, 'nope', cm('a'), ctx()), 404, 'NotFound')
    expect(missing.message).toBe('namespaces "nope" not found')
    await rest.create(namespaces, undefined, { metadata: { name: 'doomed', finalizers: ['example.com/x'] } }, ctx())
    await rest.delete(namespaces, undefined, 'doomed', planDelete(namespaces, {}), ctx())
    const forbidden = await expectStatus(rest.create(configmaps, 'doomed', cm('a'), ctx()), 403, 'Forbidden')
    expect(forbidden.message).toBe('configmaps "a" is forbidden: unable to create new content in namespace doomed because it is being terminated')
  })

  it('rejects stale updates and keeps the resourceVersion on a no-op', async () => {
    const first = await rest.create(configmaps, 'default', cm('a', { n: '1' }), ctx())
    const rv = first.object.metadata.resourceVersion
    const updated = await rest.update(configmaps, 'default', 'a', () => ({ ...cm('a', { n: '2' }), metadata: { name: 'a', resourceVersion: rv } }), ctx())
    expect(Number(updated.object.metadata.resourceVersion)).toBeGreaterThan(Number(rv))
    const stale = await expectStatus(rest.update(configmaps, 'default', 'a', () => ({ ...cm('a', { n: '3' }), metadata: { name: 'a', resourceVersion: rv } }), ctx()), 409, 'Conflict')
    expect(stale.message).toBe('Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again')
    const same = await rest.update(configmaps, 'default', 'a', (cur) => cur, ctx())
    expect(same.object.metadata.resourceVersion).toBe(updated.object.metadata.resourceVersion)
  })

  it('keeps status on main-resource updates and everything else on status updates', async () => {
    await rest.create(pods, 'default', { metadata: { name: 'p' }, spec: { containers: [] }, status: { phase: 'Running' } }, ctx())
    expect(rest.get(pods, 'default', 'p').object.status).toEqual({ phase: 'Pending' })
    await rest.update(pods, 'default', 'p', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { a: 'b' } }, status: { phase: 'Failed' } }), ctx())
    expect(rest.get(pods, 'default', 'p').object).toMatchObject({ metadata: { labels: { a: 'b' } }, status: { phase: 'Pending' } })
    await rest.update(pods, 'default', 'p', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: {} }, status: { phase: 'Running' } }), ctx(), 'status')
    expect(rest.get(pods, 'default', 'p').object).toMatchObject({ metadata: { labels: { a: 'b' } }, status: { phase: 'Running' } })
  })

  it('holds an object with finalizers until the last one is removed', async () => {
    await rest.create(configmaps, 'default', { metadata: { name: 'f', finalizers: ['example.com/x'] } }, ctx())
    const { deleted, stored } = await rest.delete(configmaps, 'default', 'f', planDelete(configmaps, {}), ctx())
    expect(deleted).toBe(false)
    expect(stored.object.metadata.deletionTimestamp).toBe('2026-11-23T12:00:00Z')
    await rest.update(configmaps, 'default', 'f', (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }), ctx())
    expect(store.get('/registry/configmaps/default/f')).toBeUndefined()
  })

  it('deletes a bound pod gracefully and an unbound one at once', async () => {
    await rest.create(pods, 'default', { metadata: { name: 'unbound' }, spec: {} }, ctx())
    expect((await rest.delete(pods, 'default', 'unbound', planDelete(pods, {}), ctx())).deleted).toBe(true)

    await rest.create(pods, 'default', { metadata: { name: 'bound' }, spec: { terminationGracePeriodSeconds: 10 } }, ctx())
    await bindPod(rest, pods, 'default', 'bound', { metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-1' } }, ctx())
    const graceful = await rest.delete(pods, 'default', 'bound', planDelete(pods, {}), ctx())
    expect(graceful.deleted).toBe(false)
    expect(graceful.stored.object.metadata).toMatchObject({ deletionTimestamp: '2026-11-23T12:00:10Z', deletionGracePeriodSeconds: 10 })
    const final = await rest.delete(pods, 'default', 'bound', planDelete(pods, { gracePeriodSeconds: 0 }), ctx())
    expect(final.deleted).toBe(true)
  })

  it('binds a pod once and records PodScheduled', async () => {
    await rest.create(pods, 'default', { metadata: { name: 'p' }, spec: {} }, ctx())
    const bound = await bindPod(rest, pods, 'default', 'p', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } }, ctx())
    expect(bound).toMatchObject({ spec: { nodeName: 'n1' }, status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } })
    const again = await expectStatus(bindPod(rest, pods, 'default', 'p', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n2' } }, ctx()), 409, 'Conflict')
    expect(again.message).toBe('Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"')
  })

  it('dry-run writes nothing', async () => {
    const before = store.revision
    await rest.create(configmaps, 'default', cm('dry'), { ...ctx(), dryRun: true })
    expect(store.revision).toBe(before)
    expect(store.get('/registry/configmaps/default/dry')).toBeUndefined()
  })
})

describe('RestStore with a strategy that meets a wrongly typed field', () => {
  it('answers 400 BadRequest, not 500', async () => {
    const store = await openStore({ kind: 'memory' })
    const rest = new RestStore(store)
    await rest.create(namespaces, undefined, { metadata: { name: 'default' } }, ctx())
    const strict = defineResource({
      group: '', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true,
      strategy: { validate: (w) => ((w.spec as { name: string }).name.toLowerCase() ? [] : []) },
    })
    const err = await expectStatus(rest.create(strict, 'default', { metadata: { name: 'w' }, spec: { name: 7 } }, ctx()), 400, 'BadRequest')
    expect(err.message).toMatch(/^Widget in version "v1" cannot be handled as a Widget: /)
    await store.close()
  })
})

describe('RestStore updates that break metadata', () => {
  it('answers 400 when a patch turns metadata into something else', async () => {
    const store = await openStore({ kind: 'memory' })
    const rest = new RestStore(store)
    await rest.create(namespaces, undefined, { metadata: { name: 'default' } }, ctx())
    await rest.create(configmaps, 'default', { metadata: { name: 'c' } }, ctx())
    await expectStatus(rest.update(configmaps, 'default', 'c', (cur) => ({ ...cur, metadata: 'oops' as never }), ctx()), 400, 'BadRequest')
    expect(rest.get(configmaps, 'default', 'c').object.metadata.name).toBe('c')
    await store.close()
  })
})
