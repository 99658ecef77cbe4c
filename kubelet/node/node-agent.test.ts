import { describe, expect, it } from 'vitest'
import type { Node } from '../../shared/core-types.ts'
import { FakeClock } from '../../shared/clock.ts'
import { FakeNodeApi, statusError } from './fake-node-api.ts'
import { NodeAgent, type NodeAgentOptions } from './node-agent.ts'
import { NodeFleet } from './node-fleet.ts'

const t0 = Date.parse('2026-01-01T00:00:00Z')
const machine = { capacity: { cpu: '2', memory: '4Gi', 'ephemeral-storage': '20Gi' }, nodeInfo: { osImage: 'Test OS', kernelVersion: '6.1.0' } }

function setup(extra: Partial<NodeAgentOptions> = {}) {
  const clock = new FakeClock(t0)
  const api = new FakeNodeApi(clock)
  const agent = new NodeAgent({ client: api.client(), clock, random: () => 0, nodeName: 'n1', nodeIP: '10.0.0.1', kubeletVersion: 'v1.34.0', ...machine, ...extra })
  return { clock, api, agent }
}

async function started(agent: NodeAgent, clock: FakeClock): Promise<Node> {
  const p = agent.start()
  await clock.advance(100) // upstream waits 100 ms before the first registration attempt
  return p
}

const ready = (n: Node) => n.status!.conditions!.find((c) => c.type === 'Ready')!

describe('NodeAgent', () => {
  it('registers the Node with its status, then heartbeats through the Lease only', async () => {
    const { clock, api, agent } = setup()
    const node = await started(agent, clock)
    expect(node.metadata.uid).toBe('uid-1')
    expect(ready(node)).toMatchObject({ status: 'True', reason: 'KubeletReady' })
    await clock.advance(4 * 60_000)
    // status computed every 10 s, unchanged: nothing sent; the Lease carries the heartbeat
    expect(api.callsOf('nodes.patch/status')).toHaveLength(0)
    expect(api.callsOf('leases.update').length).toBeGreaterThanOrEqual(23)
    expect(api.leaseStore.get('n1')!.metadata.ownerReferences![0].uid).toBe('uid-1')
    await agent.stop()
  })

  it('posts an unchanged status every --node-status-report-frequency, moving only lastHeartbeatTime', async () => {
    const { clock, api, agent } = setup()
    await started(agent, clock)
    await clock.advance(5 * 60_000 + 10_000)
    const patches = api.callsOf('nodes.patch/status')
    expect(patches).toHaveLength(1)
    expect(patches[0].at - t0).toBe(300_100) // the first 10 s tick at or after 5 min since registration
    const stored = api.nodeStore.get('n1') as Node
    expect(ready(stored).lastHeartbeatTime).toBe('2026-01-01T00:05:00Z')
    expect(ready(stored).lastTransitionTime).toBe('2026-01-01T00:00:00Z')
    // only the conditions moved, so only they were sent
    expect(Object.keys((patches[0].body as { status: object }).status)).toEqual(['conditions'])
    await agent.stop()
  })

  it('posts a changed status at the next update tick, with a new lastTransitionTime', async () => {
    let pressure = false
    const { clock, api, agent } = setup({ health: () => ({ memoryPressure: pressure }) })
    await started(agent, clock)
    await clock.advance(25_000)
    pressure = true
    await clock.advance(10_000)
    const patches = api.callsOf('nodes.patch/status')
    expect(patches).toHaveLength(1)
    expect(patches[0].at - t0).toBe(30_100)
    const memory = (api.nodeStore.get('n1') as Node).status!.conditions!.find((c) => c.type === 'MemoryPressure')!
    expect(memory).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory', lastTransitionTime: '2026-01-01T00:00:30Z' })
    await agent.stop()
  })

  it('setCondition posts at once (Ready False on shutdown) and keeps it until cleared', async () => {
    const { clock, api, agent } = setup()
    await started(agent, clock)
    await clock.advance(3_000)
    await agent.setCondition({ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'node is shutting down' })
    let r = ready(api.nodeStore.get('n1') as Node)
    expect(r).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'node is shutting down', lastTransitionTime: '2026-01-01T00:00:03Z' })
    await clock.advance(60_000)
    expect(api.callsOf('nodes.patch/status')).toHaveLength(1)
    await agent.clearCondition('Ready')
    r = ready(api.nodeStore.get('n1') as Node)
    expect(r).toMatchObject({ status: 'True', reason: 'KubeletReady' })
    await agent.stop()
  })

  it('re-registers over an existing Node: reconciles what it owns, keeps the uid, then updates status', async () => {
    const { clock, api, agent } = setup()
    const first = await started(agent, clock)
    await agent.stop()
    const stored = api.nodeStore.get('n1') as Node
    stored.metadata.labels!['kubernetes.io/hostname'] = 'stale'
    stored.metadata.labels!.custom = 'kept'
    stored.status!.capacity!['example.com/gpu'] = '4'
    await clock.advance(60_000)

    const { agent: again } = { agent: new NodeAgent({ client: api.client(), clock, random: () => 0, nodeName: 'n1', nodeIP: '10.0.0.2', kubeletVersion: 'v1.34.1', ...machine }) }
    const node = await started(again, clock)
    expect(api.callsOf('nodes.create')).toHaveLength(2)
    expect(node.metadata.uid).toBe(first.metadata.uid)
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'n1', custom: 'kept' })
    expect(node.status!.capacity!['example.com/gpu']).toBe('0')
    await clock.advance(0)
    const after = api.nodeStore.get('n1') as Node
    expect(after.status!.addresses![0]).toEqual({ type: 'InternalIP', address: '10.0.0.2' })
    expect(after.status!.nodeInfo!.kubeletVersion).toBe('v1.34.1')
    expect(ready(after).lastTransitionTime).toBe('2026-01-01T00:00:00Z')
    await again.stop()
  })

  it('retries registration with backoff until the apiserver answers', async () => {
    const { clock, api, agent } = setup()
    api.fail('nodes.create', statusError(503, 'ServiceUnavailable'), statusError(503, 'ServiceUnavailable'))
    const p = agent.start()
    await clock.advance(100 + 200 + 400)
    await p
    expect(api.callsOf('nodes.create').map((c) => c.at - t0)).toEqual([100, 300, 700])
    await agent.stop()
  })
})

describe('NodeFleet', () => {
  it('spreads first renewals and status syncs of many nodes over their intervals', async () => {
    const clock = new FakeClock(t0)
    const api = new FakeNodeApi(clock)
    let i = 0
    const fleet = new NodeFleet({ client: api.client(), clock, random: () => (i++ % 10) / 10 })
    for (let n = 0; n < 20; n++) fleet.add({ nodeName: `sim-${n}`, nodeIP: `10.1.0.${n}`, kubeletVersion: 'v1.34.0', ...machine })
    const p = fleet.start()
    // 16 register at once; the last 4 start as the first finish
    await clock.advance(200)
    await p
    expect(api.nodeStore.size).toBe(20)
    expect(api.callsOf('nodes.create').map((c) => c.at - t0)).toEqual([...Array(16).fill(100), ...Array(4).fill(200)])
    await clock.advance(10_000)
    const creates = api.callsOf('leases.create').map((c) => c.at - t0)
    expect(creates).toHaveLength(20)
    expect(new Set(creates).size).toBeGreaterThan(5)
    expect(Math.max(...creates)).toBeLessThan(10_200)
    await fleet.stop()
    expect(clock.pending()).toBe(0)
  })
})
