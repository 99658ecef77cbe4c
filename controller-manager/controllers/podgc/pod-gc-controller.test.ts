import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../shared/clock.ts'
import type { Node, Pod } from '../../../shared/core-types.ts'
import { createLogger } from '../../../shared/logger.ts'
import { PodGC, type PodGCApi, type PodGCOptions } from './pod-gc-controller.ts'

function pod(name: string, spec: Pod['spec'] = {}, status: Pod['status'] = { phase: 'Running' }, meta: Partial<Pod['metadata']> = {}): Pod {
  return { metadata: { name, namespace: 'ns', uid: name, creationTimestamp: meta.creationTimestamp ?? '2024-01-01T00:00:00Z', ...meta }, spec, status }
}
const node = (name: string, ready = true, taints: Array<{ key: string; effect: string }> = []): Node =>
  ({ metadata: { name }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } })

function setup(pods: Pod[], nodes: Node[], options: PodGCOptions = {}) {
  const clock = new FakeClock(1_000_000)
  const deleted: string[] = []
  const patched: Array<{ name: string; phase: string; reasons: string[] }> = []
  const existing = new Set(nodes.map((n) => n.metadata.name!))
  const api: PodGCApi = {
    pods: () => pods,
    nodes: () => nodes,
    nodeExists: async (name) => existing.has(name),
    patchPodStatus: async (p, s) => { patched.push({ name: p.metadata.name!, phase: s.phase, reasons: (s.conditions ?? []).map((c) => c.reason ?? '') }) },
    forceDelete: async (p) => { deleted.push(p.metadata.name!) },
  }
  const gc = new PodGC({ api, clock, log: createLogger('test', 'silent'), ...options })
  return { gc, clock, deleted, patched }
}

describe('PodGC', () => {
  it('deletes pods bound to a missing node only after the quarantine, marking them Failed', async () => {
    const t = setup([pod('stranded', { nodeName: 'gone' }), pod('fine', { nodeName: 'here' })], [node('here')], { quarantineMs: 40_000 })
    await t.gc.gc()
    expect(t.deleted).toEqual([])
    await t.clock.advance(39_999)
    await t.gc.gc()
    expect(t.deleted).toEqual([])
    await t.clock.advance(1)
    await t.gc.gc()
    expect(t.deleted).toEqual(['stranded'])
    expect(t.patched).toEqual([{ name: 'stranded', phase: 'Failed', reasons: ['DeletionByPodGC'] }])
  })

  it('deletes the oldest terminated pods above the threshold, evicted ones first', async () => {
    const pods = [
      pod('old-ok', {}, { phase: 'Succeeded' }, { creationTimestamp: '2024-01-01T00:00:00Z' }),
      pod('new-evicted', {}, { phase: 'Failed', reason: 'Evicted' }, { creationTimestamp: '2024-03-01T00:00:00Z' }),
      pod('mid', {}, { phase: 'Failed' }, { creationTimestamp: '2024-02-01T00:00:00Z' }),
      pod('running', {}, { phase: 'Running' }),
    ]
    const t = setup(pods, [], { terminatedPodThreshold: 1 })
    await t.gc.gc()
    expect(t.deleted.sort()).toEqual(['new-evicted', 'old-ok'])
    expect(t.patched).toEqual([])
  })

  it('force-deletes terminating pods that were never scheduled, and those on out-of-service nodes', async () => {
    const deleting = { deletionTimestamp: '2024-01-01T00:00:00Z' }
    const t = setup([
      pod('unscheduled', {}, { phase: 'Pending' }, deleting),
      pod('on-dead-node', { nodeName: 'dead' }, { phase: 'Running' }, deleting),
      pod('on-live-node', { nodeName: 'live' }, { phase: 'Running' }, deleting),
    ], [node('dead', false, [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }]), node('live')])
    await t.gc.gc()
    expect(t.deleted.sort()).toEqual(['on-dead-node', 'unscheduled'])
  })
})
