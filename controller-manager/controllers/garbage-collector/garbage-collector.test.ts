import { describe, expect, it } from 'vitest'
import type { KubeObject, OwnerReference } from '../../../shared/api-types.ts'
import { ClientStatusError } from '../../../shared/client/index.ts'
import { createLogger } from '../../../shared/logger.ts'
import { GarbageCollector } from './garbage-collector.ts'
import type { ObjectIdentity } from './graph.ts'
import type { GarbageCollectorApi, PropagationPolicy } from './operations.ts'

const namespacedKinds = new Set(['Pod', 'ReplicaSet', 'Deployment'])

/** An apiserver in a Map: objects by uid, looked up by coordinates as a GET would. */
class FakeApi implements GarbageCollectorApi {
  readonly objects = new Map<string, KubeObject>()
  readonly deletes: Array<{ name: string; policy: PropagationPolicy }> = []
  conflictsLeft = 0

  put(o: KubeObject): KubeObject {
    this.objects.set(o.metadata.uid!, o)
    return o
  }
  isNamespaced(_apiVersion: string, kind: string): boolean {
    if (kind === 'Unknown') throw new Error('no mapping')
    return namespacedKinds.has(kind)
  }
  async get(id: ObjectIdentity): Promise<KubeObject | undefined> {
    const ns = namespacedKinds.has(id.kind) ? id.namespace : ''
    return [...this.objects.values()].find((o) => o.kind === id.kind && o.metadata.name === id.name && (o.metadata.namespace ?? '') === ns)
  }
  async delete(id: ObjectIdentity, options: { resourceVersion?: string; propagationPolicy: PropagationPolicy }): Promise<boolean> {
    const o = this.objects.get(id.uid)
    if (!o) return false
    this.deletes.push({ name: id.name, policy: options.propagationPolicy })
    this.objects.delete(id.uid)
    return true
  }
  async patchMetadata(id: ObjectIdentity, metadata: Record<string, unknown>): Promise<KubeObject | undefined> {
    const o = this.objects.get(id.uid)
    if (!o) return undefined
    if (this.conflictsLeft > 0 || metadata.resourceVersion !== o.metadata.resourceVersion) {
      this.conflictsLeft--
      o.metadata.resourceVersion = String(Number(o.metadata.resourceVersion) + 1)
      throw new ClientStatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 409, reason: 'Conflict', message: 'conflict' } as never)
    }
    const { resourceVersion: _rv, ...fields } = metadata
    for (const [k, v] of Object.entries(fields)) {
      if (v === null) delete o.metadata[k]
      else o.metadata[k] = v
    }
    o.metadata.resourceVersion = String(Number(o.metadata.resourceVersion) + 1)
    return o
  }
}

function obj(kind: string, name: string, uid: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1', kind, metadata: { name, uid, namespace: 'ns', resourceVersion: '1', ...meta } }
}
const ref = (o: KubeObject, block = false): OwnerReference => ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid!, blockOwnerDeletion: block })

function setup() {
  const api = new FakeApi()
  const gc = new GarbageCollector({ api, log: createLogger('test', 'silent') })
  /** Tells the graph about an object as an informer would. */
  const observe = (o: KubeObject, old?: KubeObject) => gc.builder.process({ type: old ? 'update' : 'add', object: o, oldObject: old, apiVersion: o.apiVersion!, kind: o.kind! })
  const attempt = (uid: string) => gc.attemptToDeleteItem(gc.builder.graph.get(uid)!)
  return { api, gc, observe, attempt }
}

describe('attemptToDeleteItem', () => {
  it('deletes a dependent whose only owner is gone, in background, after a live GET', async () => {
    const t = setup()
    const rs = obj('ReplicaSet', 'rs', 'rs-uid')
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs)] }))
    t.observe(pod)
    expect(await t.attempt('pod-uid')).toBe('done')
    expect(t.api.deletes).toEqual([{ name: 'p', policy: 'Background' }])
  })

  it('keeps a dependent with an existing owner', async () => {
    const t = setup()
    const rs = t.api.put(obj('ReplicaSet', 'rs', 'rs-uid'))
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs)] }))
    t.observe(rs)
    t.observe(pod)
    await t.attempt('pod-uid')
    expect(t.api.deletes).toEqual([])
  })

  it('treats an owner re-created with another uid as gone', async () => {
    const t = setup()
    const rs = obj('ReplicaSet', 'rs', 'old-uid')
    t.api.put(obj('ReplicaSet', 'rs', 'new-uid'))
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs)] }))
    t.observe(pod)
    await t.attempt('pod-uid')
    expect(t.api.deletes.map((d) => d.name)).toEqual(['p'])
  })

  it('with one solid and one dangling owner, only removes the dangling reference', async () => {
    const t = setup()
    const alive = t.api.put(obj('ReplicaSet', 'alive', 'alive-uid'))
    const dead = obj('ReplicaSet', 'dead', 'dead-uid')
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(alive), ref(dead)] }))
    t.observe(pod)
    await t.attempt('pod-uid')
    expect(t.api.deletes).toEqual([])
    expect(t.api.objects.get('pod-uid')!.metadata.ownerReferences).toEqual([ref(alive)])
  })

  it('a namespaced owner is looked for only in the dependent\'s namespace', async () => {
    const t = setup()
    t.api.put({ ...obj('ReplicaSet', 'rs', 'rs-uid'), metadata: { name: 'rs', uid: 'rs-uid', namespace: 'elsewhere', resourceVersion: '1' } })
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid' }] }))
    t.observe(pod)
    await t.attempt('pod-uid')
    expect(t.api.deletes.map((d) => d.name)).toEqual(['p'])
  })

  it('honours an orphan finalizer the garbage already carries', async () => {
    const t = setup()
    const rs = obj('ReplicaSet', 'rs', 'rs-uid')
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs)], finalizers: ['orphan'] }))
    t.observe(pod)
    await t.attempt('pod-uid')
    expect(t.api.deletes).toEqual([{ name: 'p', policy: 'Orphan' }])
  })

  it('removes the node when the object itself is gone (virtual delete)', async () => {
    const t = setup()
    const pod = obj('Pod', 'p', 'pod-uid')
    t.observe(pod)
    expect(await t.attempt('pod-uid')).toBe('virtualDelete')
    expect(t.gc.builder.graph.get('pod-uid')).toBeUndefined()
  })

  it('gives up on a cluster-scoped object naming a namespaced owner', async () => {
    const t = setup()
    const rs = obj('ReplicaSet', 'rs', 'rs-uid')
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', uid: 'node-uid', resourceVersion: '1', ownerReferences: [ref(rs)] } }
    t.api.put(node)
    t.observe(node)
    expect(await t.attempt('node-uid')).toBe('invalidReference')
    expect(t.api.deletes).toEqual([])
  })

  it('retries a kind it cannot map instead of deleting', async () => {
    const t = setup()
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [{ apiVersion: 'x/v1', kind: 'Unknown', name: 'u', uid: 'u-uid' }] }))
    t.observe(pod)
    expect(await t.gc.processAttemptToDelete('pod-uid')).toBe(true)
    expect(t.api.deletes).toEqual([])
  })
})

describe('foreground deletion', () => {
  it('deletes the dependents of an owner waiting on them, and its finalizer once no dependent blocks', async () => {
    const t = setup()
    const deleting = { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] }
    const rs = t.api.put(obj('ReplicaSet', 'rs', 'rs-uid'))
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs, true)] }))
    t.observe(rs)
    t.observe(pod)
    const marked = t.api.put(obj('ReplicaSet', 'rs', 'rs-uid', { ...deleting, resourceVersion: '2' }))
    t.observe(marked, rs)

    // The owner waits: its blocking dependent is queued, the finalizer stays.
    await t.attempt('rs-uid')
    expect(t.api.objects.get('rs-uid')!.metadata.finalizers).toEqual(['foregroundDeletion'])
    // The dependent, whose owner waits, goes (it has no dependents of its own: background).
    await t.attempt('pod-uid')
    expect(t.api.deletes).toEqual([{ name: 'p', policy: 'Background' }])
    gcDelete(t, pod)
    await t.attempt('rs-uid')
    expect(t.api.objects.get('rs-uid')!.metadata.finalizers).toBeUndefined()
  })

  it('deletes a waiting owner\'s dependent that has dependents of its own in foreground too', async () => {
    const t = setup()
    const deploy = t.api.put(obj('Deployment', 'd', 'd-uid', { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] }))
    const rs = t.api.put(obj('ReplicaSet', 'rs', 'rs-uid', { ownerReferences: [ref(deploy, true)] }))
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(rs, true)] }))
    t.observe(deploy)
    t.observe(rs)
    t.observe(pod)
    await t.attempt('rs-uid')
    expect(t.api.deletes).toEqual([{ name: 'rs', policy: 'Foreground' }])
  })

  it('removes the reference to a waiting owner when another owner is solid', async () => {
    const t = setup()
    const waiting = t.api.put(obj('ReplicaSet', 'w', 'w-uid', { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] }))
    const solid = t.api.put(obj('ReplicaSet', 's', 's-uid'))
    const pod = t.api.put(obj('Pod', 'p', 'pod-uid', { ownerReferences: [ref(waiting, true), ref(solid)] }))
    t.observe(pod)
    await t.attempt('pod-uid')
    expect(t.api.deletes).toEqual([])
    expect(t.api.objects.get('pod-uid')!.metadata.ownerReferences).toEqual([ref(solid)])
  })

  it('retries the finalizer removal on conflict', async () => {
    const t = setup()
    const rs = t.api.put(obj('ReplicaSet', 'rs', 'rs-uid', { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['foregroundDeletion', 'example.com/other'] }))
    t.observe(rs)
    t.api.conflictsLeft = 2
    await t.attempt('rs-uid')
    expect(t.api.objects.get('rs-uid')!.metadata.finalizers).toEqual(['example.com/other'])
  })
})

describe('orphaning', () => {
  it('removes the owner from every dependent, then the orphan finalizer', async () => {
    const t = setup()
    const rs = t.api.put(obj('ReplicaSet', 'rs', 'rs-uid', { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['orphan'] }))
    const other = obj('ReplicaSet', 'other', 'other-uid')
    const pods = [0, 1].map((i) => t.api.put(obj('Pod', `p${i}`, `pod-${i}`, { ownerReferences: i === 0 ? [ref(rs, true)] : [ref(rs, true), ref(other)] })))
    t.observe(rs)
    for (const p of pods) t.observe(p)
    expect(await t.gc.processAttemptToOrphan('rs-uid')).toBe(false)
    expect(t.api.objects.get('pod-0')!.metadata.ownerReferences).toBeUndefined()
    expect(t.api.objects.get('pod-1')!.metadata.ownerReferences).toEqual([ref(other)])
    expect(t.api.objects.get('rs-uid')!.metadata.finalizers).toBeUndefined()
    expect(t.api.deletes).toEqual([])
  })
})

/** The informer's delete event for an object the fake apiserver no longer has. */
function gcDelete(t: ReturnType<typeof setup>, o: KubeObject): void {
  t.gc.builder.process({ type: 'delete', object: o, apiVersion: o.apiVersion!, kind: o.kind! })
}
