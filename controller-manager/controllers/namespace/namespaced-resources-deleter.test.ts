import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../../shared/api-types.ts'
import type { DiscoveredResource } from '../garbage-collector/api-discovery.ts'
import { NamespaceConditionUpdater, type NamespaceCondition } from './namespace-conditions.ts'
import { NamespacedResourcesDeleter, ResourcesRemainingError, type Namespace, type NamespaceDeleterApi } from './namespaced-resources-deleter.ts'

const resource = (plural: string, verbs = ['delete', 'deletecollection', 'list']): DiscoveredResource =>
  ({ group: '', version: 'v1', plural, kind: plural, namespaced: true, verbs, preferred: true })

/** Namespaced content as lists per resource; deletes drop items without finalizers. */
function fakeApi(ns: Namespace, content: Record<string, KubeObject[]>, resources = Object.keys(content).map((p) => resource(p))) {
  const calls: string[] = []
  let current = structuredClone(ns)
  const dropDeletable = (plural: string, name?: string) => {
    content[plural] = content[plural]!.filter((o) => (name !== undefined && o.metadata.name !== name) || (o.metadata.finalizers?.length ?? 0) > 0)
  }
  const api: NamespaceDeleterApi & { current(): Namespace } = {
    current: () => current,
    async getNamespace() { return structuredClone(current) },
    async updateNamespaceStatus(next) { calls.push('status'); current = structuredClone(next); return structuredClone(current) },
    async finalizeNamespace(next) {
      // As the apiserver's finalize subresource: only spec.finalizers is taken.
      calls.push(`finalize:${JSON.stringify(next.spec?.finalizers)}`)
      current = { ...current, spec: { finalizers: next.spec?.finalizers ?? [] } }
      return structuredClone(current)
    },
    async discover() { return { resources, failures: new Map() } },
    async deleteCollection(r) { calls.push(`deletecollection:${r.plural}`); dropDeletable(r.plural) },
    async list(r) { return structuredClone(content[r.plural] ?? []) },
    async delete(r, _ns, name) { calls.push(`delete:${r.plural}/${name}`); dropDeletable(r.plural, name) },
  }
  return { api, calls }
}

const terminating = (): Namespace => ({
  apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', uid: 'u', deletionTimestamp: '2024-01-01T00:00:00Z' },
  spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
})
const item = (name: string, finalizers?: string[]): KubeObject => ({ metadata: { name, namespace: 'ns', finalizers } })
const condition = (ns: Namespace, type: string) => ns.status?.conditions?.find((c) => c.type === type)

describe('NamespacedResourcesDeleter', () => {
  it('deletes all content, marks the namespace Terminating and removes the kubernetes finalizer', async () => {
    const { api, calls } = fakeApi(terminating(), { configmaps: [item('a')], secrets: [item('s')] })
    await new NamespacedResourcesDeleter({ api }).delete('ns')
    expect(calls).toContain('deletecollection:configmaps')
    expect(calls).toContain('deletecollection:secrets')
    expect(calls.at(-1)).toBe('finalize:[]')
    expect(api.current().status?.phase).toBe('Terminating')
    expect(condition(api.current(), 'NamespaceContentRemaining')).toMatchObject({ status: 'False', reason: 'ContentRemoved' })
  })

  it('deletes item by item where deletecollection is not served', async () => {
    const { api, calls } = fakeApi(terminating(), { things: [item('x'), item('y')] }, [resource('things', ['delete', 'list'])])
    await new NamespacedResourcesDeleter({ api }).delete('ns')
    expect(calls.filter((c) => c.startsWith('delete'))).toEqual(['delete:things/x', 'delete:things/y'])
  })

  it('waits for content held by finalizers and says so in the conditions', async () => {
    const { api, calls } = fakeApi(terminating(), { configmaps: [item('held', ['example.com/hold']), item('free')] })
    const err = await new NamespacedResourcesDeleter({ api }).delete('ns').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ResourcesRemainingError)
    expect((err as ResourcesRemainingError).estimateSeconds).toBe(15)
    expect(calls.some((c) => c.startsWith('finalize'))).toBe(false)
    expect(condition(api.current(), 'NamespaceContentRemaining')).toMatchObject({ status: 'True', message: 'Some resources are remaining: configmaps. has 1 resource instances' })
    expect(condition(api.current(), 'NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True', reason: 'SomeFinalizersRemain', message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    })
  })

  it('reports content that stays without a finalizer as a failure', async () => {
    const { api } = fakeApi(terminating(), { stubborn: [item('x')] })
    api.deleteCollection = async () => {}
    await expect(new NamespacedResourcesDeleter({ api }).delete('ns')).rejects.toThrow('unexpected items still remain in namespace: ns for gvr: { v1 stubborn}')
    expect(condition(api.current(), 'NamespaceDeletionContentFailure')?.reason).toBe('ContentDeletionFailed')
  })

  it('leaves a namespace that is not terminating, or already finalized, alone', async () => {
    const active = terminating()
    delete active.metadata.deletionTimestamp
    const a = fakeApi(active, { configmaps: [item('a')] })
    await new NamespacedResourcesDeleter({ api: a.api }).delete('ns')
    expect(a.calls).toEqual([])
    const done = terminating()
    done.spec = { finalizers: [] }
    done.status = { phase: 'Terminating' }
    const b = fakeApi(done, { configmaps: [item('a')] })
    await new NamespacedResourcesDeleter({ api: b.api }).delete('ns')
    expect(b.calls).toEqual([])
  })
})

describe('NamespaceConditionUpdater', () => {
  it('sets every type, False when nothing failed, and reports no change the second time', () => {
    const conditions: NamespaceCondition[] = []
    expect(new NamespaceConditionUpdater(() => 't1').update(conditions)).toBe(true)
    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
      'NamespaceDeletionDiscoveryFailure=False', 'NamespaceDeletionGroupVersionParsingFailure=False',
      'NamespaceDeletionContentFailure=False', 'NamespaceContentRemaining=False', 'NamespaceFinalizersRemaining=False',
    ])
    expect(new NamespaceConditionUpdater(() => 't2').update(conditions)).toBe(false)
    const failing = new NamespaceConditionUpdater(() => 't3')
    failing.processDiscoveryError('apps/v1: boom', 1)
    expect(failing.update(conditions)).toBe(true)
    expect(conditions[0]).toEqual({ type: 'NamespaceDeletionDiscoveryFailure', status: 'True', lastTransitionTime: 't3', reason: 'DiscoveryFailed', message: 'Discovery failed for some groups, 1 failing: apps/v1: boom' })
  })
})
