import { describe, expect, it } from 'vitest'
import type { Node } from '../../../shared/core-types.ts'
import { managedNoScheduleTaints, swapTaints, taintSetDiff, wantedNoScheduleTaints } from './node-taints.ts'
import { computeZoneState, zoneKeyOf } from './zone-state.ts'

const t0 = Date.parse('2024-01-01T00:00:00Z')

describe('node taints', () => {
  it('wants a NoSchedule taint per unhealthy condition and for spec.unschedulable', () => {
    const node: Node = { metadata: { name: 'n' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }, { type: 'DiskPressure', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] } }
    expect(wantedNoScheduleTaints(node).map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
    ])
    const ready: Node = { metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } }
    expect(wantedNoScheduleTaints(ready).map((t) => t.key)).toEqual(['node.kubernetes.io/not-ready'])
  })

  it('manages only its own NoSchedule taints, leaving others and NoExecute ones', () => {
    const node: Node = { metadata: { name: 'n' }, spec: { taints: [
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'dedicated', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ] } }
    expect(managedNoScheduleTaints(node).map((t) => t.key)).toEqual(['node.kubernetes.io/unschedulable'])
    const { add, remove } = taintSetDiff(wantedNoScheduleTaints(node), managedNoScheduleTaints(node))
    expect(add).toEqual([])
    expect(remove.map((t) => t.key)).toEqual(['node.kubernetes.io/unschedulable'])
  })

  it('swaps taints, stamping timeAdded on added ones and keeping existing ones as they are', () => {
    const have = [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2023-01-01T00:00:00Z' }, { key: 'x', effect: 'NoSchedule' }]
    expect(swapTaints(have, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], t0)).toEqual([
      { key: 'x', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' },
    ])
    expect(swapTaints(have, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], [{ key: 'absent', effect: 'NoExecute' }], t0)).toBeUndefined()
  })
})

describe('zone state', () => {
  it('is fully disrupted with no Ready node, partially with >= 55% of at least 3 unready', () => {
    const c = (s: string) => ({ type: 'Ready', status: s })
    expect(computeZoneState([c('Unknown'), c('False')]).state).toBe('FullDisruption')
    expect(computeZoneState([c('True'), c('Unknown'), c('Unknown'), c('Unknown')]).state).toBe('PartialDisruption')
    expect(computeZoneState([c('True'), c('True'), c('Unknown')]).state).toBe('Normal')
    expect(computeZoneState([c('True'), undefined, undefined]).unhealthy).toBe(2)
  })

  it('keys zones by region and zone labels', () => {
    expect(zoneKeyOf({ metadata: { labels: { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' } } })).toBe('r:\u0000:z')
    expect(zoneKeyOf({ metadata: {} })).toBe('')
  })
})
