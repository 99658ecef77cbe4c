import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import { podsShouldBeOnNode } from './node-plan.ts'
import { planRollingUpdate, type RollingUpdateInput } from './rolling-update.ts'

const now = Date.parse('2024-01-01T00:01:00Z')

function pod(name: string, node: string, hash: string, options: { ready?: boolean; deleting?: boolean; phase?: string; created?: string } = {}): Pod {
  return {
    metadata: {
      name, labels: { 'controller-revision-hash': hash },
      creationTimestamp: options.created ?? '2024-01-01T00:00:00Z',
      ...(options.deleting ? { deletionTimestamp: '2024-01-01T00:00:30Z' } : {}),
    },
    spec: { nodeName: node },
    status: { phase: options.phase ?? 'Running', conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
  }
}

function input(pods: Record<string, Pod[]>, overrides: Partial<RollingUpdateInput> = {}): RollingUpdateInput {
  return {
    nodeToDaemonPods: new Map(Object.entries(pods)), hash: 'new', generation: undefined, maxSurge: 0, maxUnavailable: 1,
    desiredNumberScheduled: Object.keys(pods).length, minReadySeconds: 0, now, shouldRun: () => true, ...overrides,
  }
}

describe('planRollingUpdate without surge', () => {
  it('deletes one old available pod at a time, in node-name order', () => {
    const plan = planRollingUpdate(input({ c: [pod('pc', 'c', 'old')], a: [pod('pa', 'a', 'old')], b: [pod('pb', 'b', 'old')] }))
    expect(plan).toEqual({ podsToDelete: ['pa'], nodesToCreate: [] })
  })

  it('takes maxUnavailable pods at once', () => {
    const plan = planRollingUpdate(input({ a: [pod('pa', 'a', 'old')], b: [pod('pb', 'b', 'old')], c: [pod('pc', 'c', 'old')] }, { maxUnavailable: 2 }))
    expect(plan.podsToDelete).toEqual(['pa', 'pb'])
  })

  it('waits while a new pod is not yet available', () => {
    const plan = planRollingUpdate(input({ a: [pod('pa', 'a', 'new', { ready: false })], b: [pod('pb', 'b', 'old')] }))
    expect(plan.podsToDelete).toEqual([])
  })

  it('counts a node whose pod is being deleted (or missing) as unavailable', () => {
    expect(planRollingUpdate(input({ a: [pod('pa', 'a', 'old', { deleting: true })], b: [pod('pb', 'b', 'old')] })).podsToDelete).toEqual([])
    expect(planRollingUpdate(input({ a: [], b: [pod('pb', 'b', 'old')] })).podsToDelete).toEqual([])
  })

  it('always replaces old pods that are unavailable anyway', () => {
    const plan = planRollingUpdate(input({ a: [pod('pa', 'a', 'old')], b: [pod('pb', 'b', 'old', { ready: false })], c: [pod('pc', 'c', 'old', { ready: false })] }))
    expect(plan.podsToDelete).toEqual(['pb', 'pc'])
  })

  it('is done when every pod is new', () => {
    expect(planRollingUpdate(input({ a: [pod('pa', 'a', 'new')], b: [pod('pb', 'b', 'new')] }))).toEqual({ podsToDelete: [], nodesToCreate: [] })
  })
})

describe('planRollingUpdate with surge', () => {
  it('creates new pods beside old ones on up to maxSurge nodes', () => {
    const plan = planRollingUpdate(input({ a: [pod('pa', 'a', 'old')], b: [pod('pb', 'b', 'old')], c: [pod('pc', 'c', 'old')] }, { maxSurge: 2, maxUnavailable: 0 }))
    expect(plan).toEqual({ podsToDelete: [], nodesToCreate: ['a', 'b'] })
  })

  it('retires the old pod once the new one is available, and counts a pending new one against maxSurge', () => {
    const plan = planRollingUpdate(input({
      a: [pod('pa', 'a', 'old'), pod('pa2', 'a', 'new')],
      b: [pod('pb', 'b', 'old'), pod('pb2', 'b', 'new', { ready: false })],
      c: [pod('pc', 'c', 'old')],
    }, { maxSurge: 1, maxUnavailable: 0 }))
    expect(plan).toEqual({ podsToDelete: ['pa'], nodesToCreate: [] })
  })
})

describe('podsShouldBeOnNode', () => {
  const base = { surge: false, hash: 'new', minReadySeconds: 0, now }
  it('creates on an eligible node without a pod', () => {
    expect(podsShouldBeOnNode({ ...base, eligibility: { shouldRun: true, shouldContinueRunning: true }, pods: undefined })).toEqual({ create: true, podsToDelete: [], failed: [] })
  })

  it('clears a node the pod may no longer run on', () => {
    const plan = podsShouldBeOnNode({ ...base, eligibility: { shouldRun: false, shouldContinueRunning: false }, pods: [pod('p', 'n', 'new'), pod('q', 'n', 'new', { deleting: true })] })
    expect(plan.podsToDelete).toEqual(['p'])
  })

  it('keeps the oldest of several pods and replaces failed ones', () => {
    const plan = podsShouldBeOnNode({
      ...base, eligibility: { shouldRun: true, shouldContinueRunning: true },
      pods: [pod('young', 'n', 'new', { created: '2024-01-01T00:00:10Z' }), pod('old', 'n', 'new'), pod('dead', 'n', 'new', { phase: 'Failed' })],
    })
    expect(plan.podsToDelete).toEqual(['dead', 'young'])
    expect(plan.failed.map((p) => p.metadata.name)).toEqual(['dead'])
  })

  it('leaves pods alone on a tainted node they tolerate running on', () => {
    expect(podsShouldBeOnNode({ ...base, eligibility: { shouldRun: false, shouldContinueRunning: true }, pods: [pod('p', 'n', 'new')] }).podsToDelete).toEqual([])
  })
})
