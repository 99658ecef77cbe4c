import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../api-types.ts'
import { byLabel, byOwnerUid, Indexer, keyOf } from './indexer.ts'

const cm = (name: string, namespace: string | undefined, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, namespace, labels } })

describe('Indexer', () => {
  it('keys by namespace/name, or name when cluster-scoped', () => {
    expect(keyOf(cm('a', 'ns'))).toBe('ns/a')
    expect(keyOf(cm('node-1', undefined))).toBe('node-1')
  })

  it('keeps indexes in step with set and delete, and files existing objects under a late index', () => {
    const indexer = new Indexer({ tier: byLabel('tier') })
    indexer.set(cm('a', 'ns', { tier: 'web' }))
    indexer.set(cm('b', 'ns', { tier: 'web' }))
    indexer.set(cm('a', 'ns', { tier: 'db' }))
    expect(indexer.byIndex('tier', 'web').map(keyOf)).toEqual(['ns/b'])
    expect(indexer.byIndex('tier', 'db').map(keyOf)).toEqual(['ns/a'])
    indexer.addIndexer('name', (o) => [o.metadata.name ?? ''])
    expect(indexer.byIndex('name', 'b').map(keyOf)).toEqual(['ns/b'])
    expect(indexer.delete('ns/b')?.metadata.name).toBe('b')
    expect(indexer.byIndex('tier', 'web')).toEqual([])
    expect(indexer.delete('ns/b')).toBeUndefined()
    expect(() => indexer.addIndexer('tier', byLabel('x'))).toThrow(RangeError)
    expect(indexer.size).toBe(1)
  })

  it('files only under the controller owner', () => {
    const owned: KubeObject = { metadata: { name: 'p', ownerReferences: [
      { apiVersion: 'v1', kind: 'A', name: 'a', uid: 'not-controller' },
      { apiVersion: 'v1', kind: 'B', name: 'b', uid: 'controller', controller: true },
    ] } }
    expect(byOwnerUid(owned)).toEqual(['controller'])
    expect(byOwnerUid(cm('x', 'ns'))).toEqual([])
  })
})
