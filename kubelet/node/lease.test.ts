import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../shared/clock.ts'
import { FakeNodeApi, statusError } from './fake-node-api.ts'
import { NodeLeaseController } from './lease.ts'

function setup(options: { withNode?: boolean } = {}) {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
  const api = new FakeNodeApi(clock)
  if (options.withNode ?? true) api.nodeStore.set('n1', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'node-uid' } })
  const lease = new NodeLeaseController({ client: api.client(), nodeName: 'n1', clock, random: () => 0 })
  return { clock, api, lease }
}

describe('NodeLeaseController', () => {
  it('creates kube-node-lease/<node> owned by the Node, then renews every leaseDuration/4 without reading it', async () => {
    const { clock, api, lease } = setup()
    lease.start()
    await clock.advance(0)
    const created = api.leaseStore.get('n1')!
    expect(created).toMatchObject({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: 'n1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid' }] },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' },
    })
    expect(api.callsOf('leases.create')).toHaveLength(1)

    await clock.advance(9_999)
    expect(api.callsOf('leases.update')).toHaveLength(0)
    await clock.advance(1)
    await clock.advance(30_000)
    const updates = api.callsOf('leases.update').map((c) => c.at - clock.now() + 40_000)
    expect(updates).toEqual([10_000, 20_000, 30_000, 40_000])
    expect((api.leaseStore.get('n1')!.spec as { renewTime: string }).renewTime).toBe('2026-01-01T00:00:40.000000Z')
    // one GET (NotFound) before the create; renewals reuse the last written Lease
    expect(api.callsOf('leases.get')).toHaveLength(1)
    expect(lease.renewals).toBe(5)
    await lease.stop()
    expect(clock.pending()).toBe(0)
  })

  it('on 409 re-reads the Lease and renews on top of it', async () => {
    const { clock, api, lease } = setup()
    await lease.sync()
    // someone else wrote it: our resourceVersion is stale
    const stored = api.leaseStore.get('n1')!
    api.leaseStore.set('n1', { ...stored, metadata: { ...stored.metadata, resourceVersion: '999' } })
    await clock.advance(10_000)
    await lease.sync()
    expect(api.calls.map((c) => c.verb).slice(-3)).toEqual(['leases.update', 'leases.get', 'leases.update'])
    expect(api.leaseStore.get('n1')!.metadata.resourceVersion).not.toBe('999')
  })

  it('backs off failed reads 200 ms, doubling, up to 7 s', async () => {
    const { clock, api, lease } = setup()
    api.fail('leases.get', ...Array.from({ length: 8 }, () => statusError(500, 'InternalError')))
    const start = clock.now()
    lease.start()
    await clock.advance(60_000)
    const at = api.callsOf('leases.get').map((c) => c.at - start)
    expect(at).toEqual([0, 200, 600, 1_400, 3_000, 6_200, 12_600, 19_600, 26_600])
    expect(api.callsOf('leases.create')).toHaveLength(1)
    await lease.stop()
  })

  it('does not create a Lease it cannot own: the Node is not there yet', async () => {
    const { clock, api, lease } = setup({ withNode: false })
    lease.start()
    await clock.advance(0)
    expect(api.callsOf('leases.create')).toHaveLength(0)
    api.nodeStore.set('n1', { metadata: { name: 'n1', uid: 'later' } })
    await clock.advance(10_000)
    expect(api.leaseStore.get('n1')!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'later' }])
    await lease.stop()
  })

  it('gives up a round after 5 failed updates and tries again next interval', async () => {
    const { clock, api, lease } = setup()
    let failures = 0
    const l = new NodeLeaseController({ client: api.client(), nodeName: 'n1', clock, random: () => 0, onRepeatedHeartbeatFailure: () => failures++ })
    await l.sync()
    api.fail('leases.update', ...Array.from({ length: 10 }, () => statusError(503, 'ServiceUnavailable')))
    // latest-lease round fails 5 times, then ensure + 5 more fail
    await expect(l.sync()).rejects.toThrow('failed 5 attempts to update lease')
    expect(api.callsOf('leases.update')).toHaveLength(10)
    expect(failures).toBe(8)
    await l.sync()
    expect(api.callsOf('leases.update')).toHaveLength(11)
    void lease
  })
})
