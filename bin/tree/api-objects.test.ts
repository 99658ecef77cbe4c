import { describe, expect, it } from 'vitest'
import { ClientStatusError, type Transport, type TransportRequest } from '../../shared/client/index.ts'
import { discoverResources, getObject, listObjects } from './api-objects.ts'

/** A Transport answering GETs from a path → body table; other paths are 404s. */
function fakeTransport(responses: Record<string, unknown>, requested: string[] = []): Transport {
  return {
    server: 'http://fake',
    send: () => { throw new Error('not used') },
    json: async <T>(req: TransportRequest) => {
      requested.push(req.path)
      if (!(req.path in responses)) throw new ClientStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' })
      return structuredClone(responses[req.path]) as T
    },
    close: async () => {},
  }
}

const discovery = {
  '/api': { versions: ['v1'] },
  '/apis': { groups: [
    { name: 'apps', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
    { name: 'autoscaling', versions: [{ version: 'v1' }, { version: 'v2' }], preferredVersion: { version: 'v2' } },
  ] },
  '/api/v1': { resources: [
    { name: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], verbs: ['get', 'list'] },
    { name: 'pods/log', singularName: '', kind: 'Pod', namespaced: true, verbs: ['get'] },
    { name: 'nodes', singularName: 'node', kind: 'Node', namespaced: false, verbs: ['get', 'list'] },
    { name: 'bindings', singularName: 'binding', kind: 'Binding', namespaced: true, verbs: ['create'] },
    { name: 'events', singularName: 'event', kind: 'Event', namespaced: true, verbs: ['get', 'list'] },
  ] },
  '/apis/apps/v1': { resources: [{ name: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], verbs: ['get', 'list'] }] },
  '/apis/autoscaling/v2': { resources: [{ name: 'horizontalpodautoscalers', singularName: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: ['list'] }] },
  '/apis/autoscaling/v1': { resources: [
    { name: 'horizontalpodautoscalers', singularName: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: ['list'] },
    { name: 'oldthings', singularName: 'oldthing', kind: 'OldThing', namespaced: true, verbs: ['list'] },
  ] },
}

describe('discoverResources', () => {
  it('lists top-level resources once each, in the preferred version, core first', async () => {
    const resources = await discoverResources(fakeTransport(discovery))
    expect(resources.map((r) => `${r.group}/${r.version}/${r.name}`)).toEqual([
      '/v1/pods', '/v1/nodes', '/v1/bindings', '/v1/events',
      'apps/v1/deployments',
      'autoscaling/v2/horizontalpodautoscalers', 'autoscaling/v1/oldthings',
    ])
    expect(resources[0]).toEqual({ group: '', version: 'v1', name: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], verbs: ['get', 'list'] })
  })
})

describe('listObjects', () => {
  it('lists each listable resource once, namespaced ones in the namespace, and sets kind and apiVersion', async () => {
    const requested: string[] = []
    const transport = fakeTransport({
      ...discovery,
      '/api/v1/namespaces/ns/pods': { items: [{ metadata: { name: 'p', uid: '1' } }] },
      '/api/v1/nodes': { items: [{ metadata: { name: 'n', uid: '2' } }] },
      '/apis/apps/v1/namespaces/ns/deployments': { items: [] },
    }, requested)
    const resources = await discoverResources(transport)
    requested.length = 0
    const objects = await listObjects(transport, resources, 'ns')
    expect(requested.sort()).toEqual([
      '/api/v1/namespaces/ns/pods', '/api/v1/nodes', '/apis/apps/v1/namespaces/ns/deployments',
      '/apis/autoscaling/v1/namespaces/ns/oldthings', '/apis/autoscaling/v2/namespaces/ns/horizontalpodautoscalers',
    ])
    expect(objects).toEqual([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: '1' } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', uid: '2' } },
    ])
  })

  it('lists namespaced resources across all namespaces when no namespace is given', async () => {
    const requested: string[] = []
    const transport = fakeTransport(discovery, requested)
    await listObjects(transport, (await discoverResources(transport)).filter((r) => r.name === 'pods'), undefined)
    expect(requested.at(-1)).toBe('/api/v1/pods')
  })

  it('still throws what is not an error Status', async () => {
    const transport = fakeTransport(discovery)
    const resources = await discoverResources(transport)
    transport.json = async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }
    await expect(listObjects(transport, resources, 'ns')).rejects.toThrow(/ECONNREFUSED/)
  })
})

describe('getObject', () => {
  it('fills in kind and apiVersion when the server leaves them out', async () => {
    const transport = fakeTransport({ '/apis/apps/v1/namespaces/ns/deployments/web': { metadata: { name: 'web' } } })
    const deployments = { group: 'apps', version: 'v1', name: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true, shortNames: [], verbs: [] }
    expect(await getObject(transport, deployments, 'ns', 'web')).toEqual({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web' } })
    await expect(getObject(transport, deployments, 'ns', 'nope')).rejects.toThrow(ClientStatusError)
  })
})
