import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import { claimName, getOrdinal, identityMatches, newStatefulSetPod, parentAndOrdinal, persistentVolumeClaims, storageMatches } from './stateful-pod.ts'
import { completeRollingUpdate, updateStatefulSetPods, type StatefulPodOps, type UpdateInput } from './stateful-set-control.ts'
import type { StatefulSet } from './statefulset-types.ts'

function set(spec: StatefulSet['spec'] = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'ns', uid: 'u', generation: 1 },
    spec: {
      replicas: 3, serviceName: 'svc', podManagementPolicy: 'OrderedReady', selector: { matchLabels: { app: 'web' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      ...spec,
    },
  }
}

/** A created pod at revision rev; healthy unless told otherwise. */
function pod(s: StatefulSet, ordinal: number, rev: string, state: 'ready' | 'pending' | 'terminating' | 'failed' = 'ready'): Pod {
  const p = newStatefulSetPod(s, ordinal)
  p.metadata.labels = { ...p.metadata.labels, 'controller-revision-hash': rev }
  p.metadata.uid = `uid-${ordinal}`
  if (state === 'terminating') p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z'
  p.status = {
    phase: state === 'pending' ? 'Pending' : state === 'failed' ? 'Failed' : 'Running',
    conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False' }],
  }
  return p
}

function recorder() {
  const calls: string[] = []
  const ops: StatefulPodOps = {
    createPod: async (_s, p) => void calls.push(`create ${p.metadata.name}`),
    updatePod: async (_s, p) => void calls.push(`update ${p.metadata.name}`),
    deletePod: async (_s, p) => void calls.push(`delete ${p.metadata.name}`),
    createMissingClaims: async () => {},
    claimsMatchRetentionPolicy: () => true,
    updateClaimsForRetentionPolicy: async () => {},
    event: () => {},
  }
  return { calls, ops }
}

function run(s: StatefulSet, pods: Pod[], revisions: { current?: string; update?: string } = {}) {
  const { calls, ops } = recorder()
  const input: UpdateInput = {
    set: s, currentSet: s, updateSet: s, currentRevision: revisions.current ?? 'r1', updateRevision: revisions.update ?? 'r1',
    collisionCount: 0, pods, now: Date.now(),
  }
  return updateStatefulSetPods(input, ops).then((status) => ({ calls, status }))
}

describe('stateful pod identity', () => {
  it('parses parent and ordinal from the name', () => {
    expect(parentAndOrdinal({ metadata: { name: 'my-web-12' } })).toEqual({ parent: 'my-web', ordinal: 12 })
    expect(getOrdinal({ metadata: { name: 'web' } })).toBe(-1)
  })

  it('gives a new pod its name, labels, hostname, subdomain and claim volume', () => {
    const s = set()
    const p = newStatefulSetPod(s, 2)
    expect(p.metadata.name).toBe('web-2')
    expect(p.metadata.labels).toEqual({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2' })
    expect(p.spec).toMatchObject({ hostname: 'web-2', subdomain: 'svc', volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-2' } }] })
    expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', uid: 'u', controller: true })
    expect(identityMatches(s, p)).toBe(true)
    expect(storageMatches(s, p)).toBe(true)
    expect(storageMatches(s, { ...p, spec: { ...p.spec, volumes: [] } })).toBe(false)
  })

  it('names claims <template>-<set>-<ordinal> and labels them with the selector', () => {
    const s = set()
    expect(claimName(s, { metadata: { name: 'data' } }, 4)).toBe('data-web-4')
    const claims = persistentVolumeClaims(s, newStatefulSetPod(s, 1))
    expect(claims.get('www')?.metadata).toMatchObject({ name: 'www-web-1', namespace: 'ns', labels: { app: 'web' } })
  })
})

describe('OrderedReady', () => {
  it('creates only the lowest missing ordinal', async () => {
    expect((await run(set(), [])).calls).toEqual(['create web-0'])
  })

  it('waits for a pod to be Running and Ready before creating the next', async () => {
    const s = set()
    expect((await run(s, [pod(s, 0, 'r1', 'pending')])).calls).toEqual([])
    expect((await run(s, [pod(s, 0, 'r1')])).calls).toEqual(['create web-1'])
  })

  it('fills a gap below ready pods first', async () => {
    const s = set()
    expect((await run(s, [pod(s, 0, 'r1'), pod(s, 2, 'r1')])).calls).toEqual(['create web-1'])
  })

  it('scales down from the highest ordinal, one pod per sync', async () => {
    const s = set({ replicas: 1 })
    expect((await run(s, [pod(s, 0, 'r1'), pod(s, 1, 'r1'), pod(s, 2, 'r1')])).calls).toEqual(['delete web-2'])
    // web-2 is still terminating: web-1 waits.
    expect((await run(s, [pod(s, 0, 'r1'), pod(s, 1, 'r1'), pod(s, 2, 'r1', 'terminating')])).calls).toEqual([])
  })

  it('does not scale down while a lower pod is unhealthy', async () => {
    const s = set({ replicas: 1 })
    expect((await run(s, [pod(s, 0, 'r1', 'pending'), pod(s, 1, 'r1')])).calls).toEqual([])
  })

  it('replaces a failed pod', async () => {
    const s = set({ replicas: 1 })
    expect((await run(s, [pod(s, 0, 'r1', 'failed')])).calls).toEqual(['delete web-0', 'create web-0'])
  })
})

describe('Parallel', () => {
  it('creates every missing pod at once', async () => {
    const s = set({ podManagementPolicy: 'Parallel' })
    expect((await run(s, [])).calls.sort()).toEqual(['create web-0', 'create web-1', 'create web-2'])
  })

  it('deletes every surplus pod at once', async () => {
    const s = set({ podManagementPolicy: 'Parallel', replicas: 1 })
    expect((await run(s, [pod(s, 0, 'r1', 'pending'), pod(s, 1, 'r1'), pod(s, 2, 'r1')])).calls.sort()).toEqual(['delete web-1', 'delete web-2'])
  })
})

describe('rolling update', () => {
  const three = (s: StatefulSet, revs: string[]) => revs.map((r, i) => pod(s, i, r))

  it('deletes the highest ordinal not at the update revision', async () => {
    const s = set()
    const { calls, status } = await run(s, three(s, ['r1', 'r1', 'r1']), { current: 'r1', update: 'r2' })
    expect(calls).toEqual(['delete web-2'])
    expect(status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 0, currentRevision: 'r1', updateRevision: 'r2' })
  })

  it('moves down once the updated pod is healthy', async () => {
    const s = set()
    expect((await run(s, three(s, ['r1', 'r1', 'r2']), { current: 'r1', update: 'r2' })).calls).toEqual(['delete web-1'])
  })

  it('stops at the partition', async () => {
    const s = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } })
    expect((await run(s, three(s, ['r1', 'r1', 'r2']), { current: 'r1', update: 'r2' })).calls).toEqual([])
  })

  it('replaces nothing with OnDelete', async () => {
    const s = set({ updateStrategy: { type: 'OnDelete' } })
    expect((await run(s, three(s, ['r1', 'r1', 'r1']), { current: 'r1', update: 'r2' })).calls).toEqual([])
  })

  it('makes the update revision current once all pods run it and are ready', () => {
    const status = { replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 0, availableReplicas: 3, currentRevision: 'r1', updateRevision: 'r2' }
    completeRollingUpdate(set(), status)
    expect(status).toMatchObject({ currentRevision: 'r2', currentReplicas: 3 })
    const partial = { replicas: 3, readyReplicas: 3, updatedReplicas: 2, currentReplicas: 1, availableReplicas: 3, currentRevision: 'r1', updateRevision: 'r2' }
    completeRollingUpdate(set(), partial)
    expect(partial.currentRevision).toBe('r1')
  })
})
