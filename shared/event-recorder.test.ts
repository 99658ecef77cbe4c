import { describe, expect, it } from 'vitest'
import type { KubeObject, Status } from './api-types.ts'
import { FakeClock } from './clock.ts'
import { ClientStatusError, type Client } from './client/index.ts'
import { EventRecorder, type CoreEvent } from './event-recorder.ts'

interface Call { verb: 'create' | 'patch'; namespace: string; name: string; body: unknown; type?: string }

/** Records calls; stores created Events so patches of missing ones answer 404. */
class FakeEvents {
  calls: Call[] = []
  stored = new Map<string, KubeObject>()
  failCreates = false

  namespace(namespace: string) {
    return {
      create: async (obj: CoreEvent) => {
        this.calls.push({ verb: 'create', namespace, name: obj.metadata.name!, body: structuredClone(obj) })
        if (this.failCreates) throw new Error('connect ECONNREFUSED')
        this.stored.set(`${namespace}/${obj.metadata.name}`, obj)
        return obj
      },
      patch: async (name: string, body: unknown, type: string) => {
        this.calls.push({ verb: 'patch', namespace, name, body, type })
        const cur = this.stored.get(`${namespace}/${name}`)
        if (!cur) throw new ClientStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound' } satisfies Status)
        return { ...cur, ...(body as object) }
      },
    }
  }
}

const pod: KubeObject = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'prod', uid: 'u-1', resourceVersion: '42' },
}

function recorder(start = Date.parse('2026-01-01T00:00:00.123Z')) {
  const events = new FakeEvents()
  const clock = new FakeClock(start)
  const rec = new EventRecorder({ client: { events } as unknown as Pick<Client, 'events'>, component: 'default-scheduler', host: 'node-a', clock })
  return { events, clock, rec }
}

describe('EventRecorder', () => {
  it('writes a core/v1 Event named after the object and the time in hex nanoseconds', async () => {
    const { events, rec } = recorder()
    rec.event(pod, 'Normal', 'Scheduled', 'Successfully assigned prod/web-1 to node-a')
    expect(events.calls).toHaveLength(0) // asynchronous: the caller never waits
    await rec.flush()
    expect(events.calls).toHaveLength(1)
    const nanos = BigInt(Date.parse('2026-01-01T00:00:00.123Z')) * 1_000_000n
    expect(events.calls[0]).toMatchObject({ verb: 'create', namespace: 'prod', name: `web-1.${nanos.toString(16)}` })
    expect(events.calls[0].body).toEqual({
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `web-1.${nanos.toString(16)}`, namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-1', uid: 'u-1', apiVersion: 'v1', resourceVersion: '42' },
      reason: 'Scheduled', message: 'Successfully assigned prod/web-1 to node-a', type: 'Normal',
      source: { component: 'default-scheduler', host: 'node-a' },
      firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z', eventTime: null, count: 1,
    })
  })

  it('puts Events about cluster-scoped objects in default', async () => {
    const { events, rec } = recorder()
    rec.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', uid: 'n' } }, 'Warning', 'NodeNotReady', 'Node is not ready')
    await rec.flush()
    expect(events.calls[0].namespace).toBe('default')
    expect((events.calls[0].body as CoreEvent).involvedObject.namespace).toBeUndefined()
  })

  it('aggregates a repeat into a patch of count and lastTimestamp', async () => {
    const { events, clock, rec } = recorder()
    rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available')
    await rec.flush()
    await clock.advance(5_000)
    rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available')
    await rec.flush()
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'patch'])
    expect(events.calls[1]).toMatchObject({
      name: events.calls[0].name, namespace: 'prod', type: 'strategic',
      body: { count: 2, lastTimestamp: '2026-01-01T00:00:05Z', message: '0/3 nodes are available' },
    })
  })

  it('a different reason, message or type is a new Event', async () => {
    const { events, rec } = recorder()
    rec.event(pod, 'Warning', 'FailedScheduling', 'a')
    rec.event(pod, 'Warning', 'FailedScheduling', 'b')
    rec.event(pod, 'Normal', 'FailedScheduling', 'a')
    rec.event(pod, 'Normal', 'Scheduled', 'a')
    await rec.flush()
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'create', 'create', 'create'])
    // Same millisecond, still distinct names in order.
    const names = events.calls.map((c) => c.name)
    expect(new Set(names).size).toBe(4)
    expect([...names].sort()).toEqual(names)
  })

  it('recreates an aggregated Event that is gone from the server, keeping the count', async () => {
    const { events, rec } = recorder()
    rec.event(pod, 'Normal', 'Pulled', 'pulled')
    await rec.flush()
    events.stored.clear()
    rec.event(pod, 'Normal', 'Pulled', 'pulled')
    await rec.flush()
    expect(events.calls.map((c) => c.verb)).toEqual(['create', 'patch', 'create'])
    expect(events.calls[2].name).toBe(events.calls[0].name)
    expect((events.calls[2].body as CoreEvent).count).toBe(2)
  })

  it('logs failed writes instead of throwing', async () => {
    const { events, rec } = recorder()
    events.failCreates = true
    expect(() => rec.event(pod, 'Normal', 'Pulled', 'pulled')).not.toThrow()
    await expect(rec.flush()).resolves.toBeUndefined()
    expect(events.calls).toHaveLength(1)
  })
})
