import { describe, expect, it } from 'vitest'
import type { Node } from '../../../shared/core-types.ts'
import { assessNodeHealth, formatTime, type NodeHealthData } from './node-health.ts'

const t0 = Date.parse('2024-01-01T00:00:00Z')
const timing = { monitorGracePeriodMs: 40_000, startupGracePeriodMs: 60_000 }
const conditions = (status: string, heartbeat: number) => ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
  type, status: type === 'Ready' ? status : 'False', lastHeartbeatTime: formatTime(heartbeat), lastTransitionTime: formatTime(t0), reason: 'KubeletReady',
}))
const node = (conds = conditions('True', t0)): Node => ({ metadata: { name: 'n1', creationTimestamp: formatTime(t0) }, status: { conditions: conds } })

/** Runs passes like the controller does, carrying the remembered health (and the written node) forward. */
function passes(n: Node, steps: Array<{ at: number; node?: Node; lease?: string }>) {
  let saved: NodeHealthData | undefined
  let current = n
  const out = []
  for (const step of steps) {
    if (step.node) current = step.node
    const r = assessNodeHealth(current, saved, step.lease, step.at, timing)
    saved = r.update ? r.update.health : r.health
    if (r.update) current = r.update.node
    out.push(r)
  }
  return out
}

describe('assessNodeHealth', () => {
  it('marks a silent node Unknown only after the grace period, keeping lastHeartbeatTime', () => {
    const [first, within, after] = passes(node(), [{ at: t0 }, { at: t0 + 40_000 }, { at: t0 + 40_001 }])
    expect(first.update).toBeUndefined()
    expect(within.update).toBeUndefined()
    const ready = after.update!.node.status!.conditions!.find((c) => c.type === 'Ready')!
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: formatTime(t0), lastTransitionTime: formatTime(t0 + 40_001) })
    expect(after.update!.node.status!.conditions!.filter((c) => c.status === 'Unknown').map((c) => c.type).sort()).toEqual(['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready'])
    expect(after.observedReady.status).toBe('True')
    expect(after.currentReady?.status).toBe('Unknown')
  })

  it('counts a renewed Lease as a heartbeat', () => {
    const r = passes(node(), [
      { at: t0, lease: '2024-01-01T00:00:00.000000Z' },
      { at: t0 + 30_000, lease: '2024-01-01T00:00:30.000000Z' },
      { at: t0 + 60_000, lease: '2024-01-01T00:00:30.000000Z' },
      { at: t0 + 70_001, lease: '2024-01-01T00:00:30.000000Z' },
    ])
    expect(r[2].update).toBeUndefined()
    expect(r[3].update).toBeDefined()
  })

  it('counts a new Ready lastHeartbeatTime as a heartbeat', () => {
    const r = passes(node(), [{ at: t0 }, { at: t0 + 30_000, node: node(conditions('True', t0 + 29_000)) }, { at: t0 + 69_000 }])
    expect(r[2].update).toBeUndefined()
  })

  it('gives a node that never posted status the startup grace period from its creation', () => {
    const fresh: Node = { metadata: { name: 'n1', creationTimestamp: formatTime(t0) }, status: {} }
    const r = passes(fresh, [{ at: t0 + 50_000 }, { at: t0 + 60_001 }])
    expect(r[0].update).toBeUndefined()
    const ready = r[1].update!.node.status!.conditions!.find((c) => c.type === 'Ready')
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' })
  })

  it('writes nothing more once the node is Unknown, until the kubelet is back', () => {
    const r = passes(node(), [{ at: t0 }, { at: t0 + 41_000 }, { at: t0 + 50_000 }])
    expect(r[1].update).toBeDefined()
    expect(r[2].update).toBeUndefined()
    expect(r[2].observedReady.status).toBe('Unknown')
  })

  it('starts the grace period at the first sighting when the controller (re)starts', () => {
    const stale = node(conditions('True', t0 - 3_600_000))
    const r = passes(stale, [{ at: t0 }, { at: t0 + 40_001 }])
    expect(r[0].update).toBeUndefined()
    expect(r[1].update).toBeDefined()
  })
})
