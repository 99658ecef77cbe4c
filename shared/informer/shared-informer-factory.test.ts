import { describe, expect, it, vi } from 'vitest'
import type { KubeObject } from '../api-types.ts'
import { commonResources, type ResourceClient, type ResourceDescriptor } from '../client/index.ts'
import { createLogger } from '../logger.ts'
import { SharedInformerFactory } from './shared-informer-factory.ts'

/** Enough of a ResourceClient for the factory: list answers empty, watch stays open until aborted. */
function fakeResource(opened: string[], descriptor: ResourceDescriptor, namespace?: string): ResourceClient {
  const name = `${descriptor.plural}${namespace ? `@${namespace}` : ''}`
  return {
    namespace: (ns: string) => fakeResource(opened, descriptor, ns),
    list: async () => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '1' }, items: [] }),
    async watch(options: { signal?: AbortSignal }) {
      opened.push(name)
      const ended = new Promise<void>((resolve) => (options.signal?.aborted ? resolve() : options.signal?.addEventListener('abort', () => resolve())))
      return {
        close() {},
        async *[Symbol.asyncIterator]() { await ended },
      }
    },
  } as unknown as ResourceClient
}

describe('SharedInformerFactory', () => {
  it('hands out one informer, and opens one watch, per resource and options', async () => {
    const opened: string[] = []
    const client = { resource: <T extends KubeObject>(d: ResourceDescriptor) => fakeResource(opened, d) as unknown as ResourceClient<T> }
    const factory = new SharedInformerFactory({ client, logger: createLogger('test', 'silent') })
    const pods = factory.informerFor(commonResources.pods)
    expect(factory.informerFor({ ...commonResources.pods })).toBe(pods)
    const podsInNs = factory.informerFor(commonResources.pods, { namespace: 'a' })
    expect(podsInNs).not.toBe(pods)
    expect(factory.informerFor(commonResources.pods, { labelSelector: 'x=y' })).not.toBe(pods)
    factory.start()
    await factory.whenSynced()
    const nodes = factory.informerFor(commonResources.nodes)
    await nodes.whenSynced()
    expect(pods.hasSynced() && podsInNs.hasSynced() && nodes.hasSynced()).toBe(true)
    await vi.waitFor(() => expect(opened).toHaveLength(4))
    await factory.stop()
    expect(opened.sort()).toEqual(['nodes', 'pods', 'pods', 'pods@a'])
  })
})
