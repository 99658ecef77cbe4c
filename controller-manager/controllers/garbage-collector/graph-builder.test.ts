import { describe, expect, it } from 'vitest'
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import { AbsentOwnerCache } from './absent-owner-cache.ts'
import { GraphBuilder, referencesDiff } from './graph-builder.ts'
import type { GraphNode } from './graph.ts'

function obj(kind: string, name: string, uid: string, extra: Partial<KubeObject['metadata']> = {}, namespace = 'ns'): KubeObject {
  return { apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1', kind, metadata: { name, uid, namespace: namespace || undefined, resourceVersion: '1', ...extra } }
}
const ref = (o: KubeObject, block = false): OwnerReference => ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid!, blockOwnerDeletion: block })

function setup() {
  const deletes: string[] = []
  const orphans: string[] = []
  const warnings: string[] = []
  const absent = new AbsentOwnerCache()
  const builder = new GraphBuilder({
    absentOwners: absent,
    sinks: {
      attemptToDelete: (n: GraphNode) => deletes.push(n.identity.uid),
      attemptToOrphan: (n: GraphNode) => orphans.push(n.identity.uid),
      invalidNamespaceOwnerRef: (dep, r) => warnings.push(`${dep.identity.uid}->${r.uid}`),
    },
  })
  const add = (o: KubeObject) => builder.process({ type: 'add', object: o, apiVersion: o.apiVersion!, kind: o.kind! })
  const update = (old: KubeObject, o: KubeObject) => builder.process({ type: 'update', object: o, oldObject: old, apiVersion: o.apiVersion!, kind: o.kind! })
  const del = (o: KubeObject) => builder.process({ type: 'delete', object: o, apiVersion: o.apiVersion!, kind: o.kind! })
  return { builder, graph: builder.graph, absent, deletes, orphans, warnings, add, update, del }
}

describe('GraphBuilder', () => {
  const rs = obj('ReplicaSet', 'rs', 'rs-uid')
  const pod = obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs, true)] })

  it('links a dependent to an owner seen first', () => {
    const t = setup()
    t.add(rs)
    t.add(pod)
    expect([...t.graph.get('rs-uid')!.dependents].map((d) => d.identity.uid)).toEqual(['pod-uid'])
    expect(t.graph.get('rs-uid')!.virtual).toBe(false)
    expect(t.deletes).toEqual([])
  })

  it('makes an unseen owner a virtual node and queues it, then takes the observed identity', () => {
    const t = setup()
    t.add(pod)
    const owner = t.graph.get('rs-uid')!
    expect(owner.virtual).toBe(true)
    expect(owner.identity).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', namespace: 'ns' })
    expect(t.deletes).toEqual(['rs-uid'])
    t.add(rs)
    expect(t.graph.get('rs-uid')!.virtual).toBe(false)
    expect(t.graph.get('rs-uid')!.dependents.size).toBe(1)
  })

  it('on owner deletion queues dependents and remembers the owner as absent', () => {
    const t = setup()
    t.add(rs)
    t.add(pod)
    t.del(rs)
    expect(t.graph.get('rs-uid')).toBeUndefined()
    expect(t.deletes).toEqual(['pod-uid'])
    expect(t.absent.has({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', namespace: 'ns' })).toBe(true)
  })

  it('follows ownerReferences added and removed by updates', () => {
    const t = setup()
    const other = obj('ReplicaSet', 'other', 'other-uid')
    t.add(rs)
    t.add(other)
    t.add(pod)
    const moved = obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(other)], resourceVersion: '2' })
    t.update(pod, moved)
    expect(t.graph.get('rs-uid')!.dependents.size).toBe(0)
    expect([...t.graph.get('other-uid')!.dependents].map((d) => d.identity.uid)).toEqual(['pod-uid'])
    // The removed reference was blocking: its owner may be waiting on it.
    expect(t.deletes).toEqual(['rs-uid'])
  })

  it('queues an owner when a blocking reference becomes non-blocking', () => {
    const t = setup()
    t.add(rs)
    t.add(pod)
    t.update(pod, obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs, false)], resourceVersion: '2' }))
    expect(t.deletes).toEqual(['rs-uid'])
  })

  it('sends an owner deleting with the orphan finalizer to the orphan queue', () => {
    const t = setup()
    t.add(rs)
    t.add(pod)
    t.update(rs, obj('ReplicaSet', 'rs', 'rs-uid', { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['orphan'], resourceVersion: '2' }))
    expect(t.orphans).toEqual(['rs-uid'])
    expect(t.deletes).toEqual([])
  })

  it('marks an owner deleting in foreground and queues it and its dependents', () => {
    const t = setup()
    t.add(rs)
    t.add(pod)
    t.update(rs, obj('ReplicaSet', 'rs', 'rs-uid', { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['foregroundDeletion'], resourceVersion: '2' }))
    expect(t.graph.get('rs-uid')!.deletingDependents).toBe(true)
    expect(t.deletes).toEqual(['pod-uid', 'rs-uid'])
    // The dependent going away wakes the waiting owner up.
    t.deletes.length = 0
    t.del(pod)
    expect(t.deletes).toEqual(['rs-uid'])
  })

  it('keeps a cycle of owners consistent and unlinks it as objects go', () => {
    const t = setup()
    const a0 = obj('ReplicaSet', 'a', 'a-uid')
    const b = obj('ReplicaSet', 'b', 'b-uid', { ownerReferences: [ref(a0)] })
    const a = obj('ReplicaSet', 'a', 'a-uid', { ownerReferences: [ref(b)] })
    t.add(a)
    t.add(b)
    expect([...t.graph.get('a-uid')!.dependents].map((d) => d.identity.uid)).toEqual(['b-uid'])
    expect([...t.graph.get('b-uid')!.dependents].map((d) => d.identity.uid)).toEqual(['a-uid'])
    t.del(a)
    expect(t.graph.get('b-uid')!.dependents.size).toBe(0)
    expect(t.deletes).toContain('b-uid')
  })

  it('warns about a namespaced owner in another namespace and queues the dependent', () => {
    const t = setup()
    const elsewhere = obj('ReplicaSet', 'rs', 'rs-uid', {}, 'other')
    t.add(elsewhere)
    t.add(pod)
    expect(t.warnings).toEqual(['pod-uid->rs-uid'])
    expect(t.deletes).toEqual(['pod-uid'])
  })

  it('a virtual delete removes a virtual owner and queues its dependents', () => {
    const t = setup()
    t.add(pod)
    t.deletes.length = 0
    t.builder.enqueueVirtualDelete(t.graph.get('rs-uid')!.identity)
    expect(t.graph.get('rs-uid')).toBeUndefined()
    expect(t.deletes).toEqual(['pod-uid'])
  })

  it('a virtual delete with other coordinates leaves an observed node alone', () => {
    const t = setup()
    t.add(rs)
    t.add(pod)
    t.builder.enqueueVirtualDelete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'rs', uid: 'rs-uid', namespace: 'ns' })
    expect(t.graph.get('rs-uid')).toBeDefined()
    expect(t.deletes).toEqual([])
  })
})

describe('referencesDiff', () => {
  it('splits by uid into added, removed and changed', () => {
    const a = { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1' }
    const b = { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2' }
    const c = { apiVersion: 'v1', kind: 'C', name: 'c', uid: '3' }
    const diff = referencesDiff([a, b], [{ ...b, blockOwnerDeletion: true }, c])
    expect(diff.added).toEqual([c])
    expect(diff.removed).toEqual([a])
    expect(diff.changed).toEqual([{ oldRef: b, newRef: { ...b, blockOwnerDeletion: true } }])
  })
})
