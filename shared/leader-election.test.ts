import { describe, expect, it } from 'vitest'
import type { Status } from './api-types.ts'
import { FakeClock } from './clock.ts'
import { ClientStatusError, type Client } from './client/index.ts'
import { formatMicroTime, LeaderElector, type Lease, type LeaderElectionOptions } from './leader-election.ts'

const failure = (code: number, reason: string): ClientStatusError =>
  new ClientStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message: reason } satisfies Status)

/** An in-memory leases endpoint that checks resourceVersion as the apiserver does. */
class FakeLeases {
  objects = new Map<string, Lease>()
  rv = 0
  down = false
  writes = 0

  namespace(ns: string) {
    const key = (name: string | undefined) => `${ns}/${name}`
    const check = () => { if (this.down) throw new Error('connect ECONNREFUSED') }
    return {
      get: async (name: string) => {
        check()
        const obj = this.objects.get(key(name))
        if (!obj) throw failure(404, 'NotFound')
        return structuredClone(obj)
      },
      create: async (obj: Lease) => {
        check()
        if (this.objects.has(key(obj.metadata.name))) throw failure(409, 'AlreadyExists')
        const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, namespace: ns, resourceVersion: String(++this.rv) } }
        this.objects.set(key(obj.metadata.name), stored)
        this.writes++
        return structuredClone(stored)
      },
      update: async (obj: Lease) => {
        check()
        const cur = this.objects.get(key(obj.metadata.name))
        if (!cur) throw failure(404, 'NotFound')
        if (obj.metadata.resourceVersion !== cur.metadata.resourceVersion) throw failure(409, 'Conflict')
        const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } }
        this.objects.set(key(obj.metadata.name), stored)
        this.writes++
        return structuredClone(stored)
      },
    }
  }

  lease(): Lease | undefined {
    return this.objects.get('kube-system/kube-scheduler')
  }
}

function candidate(leases: FakeLeases, clock: FakeClock, identity: string, extra: Partial<LeaderElectionOptions> = {}) {
  const events: string[] = []
  let signal: AbortSignal | undefined
  const elector = new LeaderElector({
    client: { leases } as unknown as Pick<Client, 'leases'>,
    name: 'kube-scheduler', identity, clock, random: () => 0,
    onStartedLeading: (s) => { signal = s; events.push('started') },
    onStoppedLeading: () => events.push('stopped'),
    onNewLeader: (id) => events.push(`leader ${id}`),
    ...extra,
  })
  return { elector, events, signal: () => signal }
}

describe('LeaderElector', () => {
  it('creates the lease when absent and leads', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
    const leases = new FakeLeases()
    const a = candidate(leases, clock, 'a')
    a.elector.run()
    await clock.advance(0)
    expect(a.elector.isLeader()).toBe(true)
    expect(a.events).toEqual(['leader a', 'started'])
    expect(leases.lease()?.spec).toEqual({
      holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0,
      acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:00.000000Z',
    })
    await a.elector.stop()
  })

  it('renews every retry period, keeping acquireTime', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
    const leases = new FakeLeases()
    const a = candidate(leases, clock, 'a')
    a.elector.run()
    await clock.advance(0)
    await clock.advance(2000)
    expect(leases.lease()?.spec?.renewTime).toBe('2026-01-01T00:00:02.000000Z')
    await clock.advance(2000)
    expect(leases.lease()?.spec).toMatchObject({ acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:04.000000Z', leaseTransitions: 0 })
    expect(a.elector.isLeader()).toBe(true)
    await a.elector.stop()
  })

  it('a second candidate waits while the lease is held', async () => {
    const clock = new FakeClock(0)
    const leases = new FakeLeases()
    const a = candidate(leases, clock, 'a')
    const b = candidate(leases, clock, 'b')
    a.elector.run()
    await clock.advance(0)
    b.elector.run()
    await clock.advance(30_000)
    expect(a.elector.isLeader()).toBe(true)
    expect(b.elector.isLeader()).toBe(false)
    expect(b.events).toEqual(['leader a'])
    await a.elector.stop()
    await b.elector.stop()
  })

  it('stops leading when it cannot renew within the renew deadline', async () => {
    const clock = new FakeClock(0)
    const leases = new FakeLeases()
    const a = candidate(leases, clock, 'a')
    a.elector.run()
    await clock.advance(0)
    leases.down = true
    await clock.advance(9_999)
    expect(a.elector.isLeader()).toBe(true)
    await clock.advance(1)
    expect(a.elector.isLeader()).toBe(false)
    expect(a.signal()?.aborted).toBe(true)
    expect(a.events).toEqual(['leader a', 'started', 'stopped'])
    // As upstream, it does not campaign again.
    leases.down = false
    await clock.advance(60_000)
    expect(a.elector.isLeader()).toBe(false)
  })

  it('takes over an expired lease and increments leaseTransitions', async () => {
    const clock = new FakeClock(0)
    const leases = new FakeLeases()
    const a = candidate(leases, clock, 'a')
    const b = candidate(leases, clock, 'b')
    a.elector.run()
    await clock.advance(0)
    b.elector.run()
    await clock.advance(0)
    await a.elector.stop() // a crash: the lease stays, unrenewed
    await clock.advance(14_000)
    expect(b.elector.isLeader()).toBe(false)
    await clock.advance(3_000)
    expect(b.elector.isLeader()).toBe(true)
    expect(leases.lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 })
    expect(b.events).toEqual(['leader a', 'leader b', 'started'])
    await b.elector.stop()
  })

  it('release clears holderIdentity so a successor need not wait', async () => {
    const clock = new FakeClock(0)
    const leases = new FakeLeases()
    const a = candidate(leases, clock, 'a')
    const b = candidate(leases, clock, 'b')
    a.elector.run()
    await clock.advance(0)
    b.elector.run()
    await clock.advance(0)
    await a.elector.release()
    expect(a.events).toEqual(['leader a', 'started', 'stopped'])
    expect(leases.lease()?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 })
    await clock.advance(2_000)
    expect(b.elector.isLeader()).toBe(true)
    expect(leases.lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 })
    await b.elector.stop()
  })

  it('of two candidates racing for an absent lease only one wins', async () => {
    const clock = new FakeClock(0)
    const leases = new FakeLeases()
    const a = candidate(leases, clock, 'a')
    const b = candidate(leases, clock, 'b')
    a.elector.run()
    b.elector.run()
    await clock.advance(10_000)
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1)
    await a.elector.stop()
    await b.elector.stop()
  })

  it('rejects durations that would let two leaders overlap', () => {
    const leases = new FakeLeases()
    expect(() => candidate(leases, new FakeClock(), 'a', { leaseDurationSeconds: 10, renewDeadlineSeconds: 10 })).toThrow(RangeError)
    expect(() => candidate(leases, new FakeClock(), 'a', { renewDeadlineSeconds: 2, retryPeriodSeconds: 2 })).toThrow(RangeError)
  })

  it('formats MicroTime with six fractional digits', () => {
    expect(formatMicroTime(Date.parse('2026-03-04T05:06:07.089Z'))).toBe('2026-03-04T05:06:07.089000Z')
  })
})
