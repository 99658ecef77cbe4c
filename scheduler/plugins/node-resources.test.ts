import { describe, it, expect } from 'vitest'
import type { CycleState, NodeInfo, PodInfo, ScorePlugin } from '../framework.ts'
import { makeNode, makePod, nodeInfo, podInfo, snapshotOf } from '../test-fixtures.ts'
import {
  balancedAllocationScore,
  errReasonTooManyPods,
  insufficientReason,
  isScalarResourceName,
  nodeResourcesFitFilter,
  nodeResourcesFitScore,
} from './node-resources.ts'

function fit(pod: PodInfo, node: NodeInfo) {
  const state: CycleState = new Map()
  expect(nodeResourcesFitFilter.preFilter?.(state, pod, snapshotOf([node]))).toBeUndefined()
  return nodeResourcesFitFilter.filter(state, pod, node)
}

function rawScores(plugin: ScorePlugin, pod: PodInfo, nodes: NodeInfo[]): number[] {
  const state: CycleState = new Map()
  plugin.preScore?.(state, pod, nodes, snapshotOf(nodes))
  const scores = nodes.map((n) => plugin.score(state, pod, n))
  plugin.normalize?.(state, pod, nodes, scores)
  return scores
}

const requesting = (requests: Record<string, string>) => podInfo('incoming', { requests })
const existing = (name: string, requests?: Record<string, string>) => makePod(name, requests ? { requests } : {})

describe('NodeResourcesFit filter', () => {
  it('passes a pod that fits', () => {
    expect(fit(requesting({ cpu: '1', memory: '1Gi' }), nodeInfo(makeNode('n'), existing('a', { cpu: '3', memory: '7Gi' }))).code).toBe('Success')
  })

  it('is Unschedulable when other pods take the room (preemption could help)', () => {
    const node = nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }), existing('a', { cpu: '3500m', memory: '7Gi' }))
    const status = fit(requesting({ cpu: '1', memory: '2Gi' }), node)
    expect(status.code).toBe('Unschedulable')
    expect(status.reasons).toEqual(['Insufficient cpu', 'Insufficient memory'])
  })

  it('is UnschedulableAndUnresolvable when the request exceeds the whole node', () => {
    const status = fit(requesting({ cpu: '5' }), nodeInfo(makeNode('n', { cpu: '4' })))
    expect(status.code).toBe('UnschedulableAndUnresolvable')
    expect(status.reasons).toEqual(['Insufficient cpu'])
  })

  it('is unresolvable if any one resource exceeds the node, and keeps every reason', () => {
    const node = nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }), existing('a', { cpu: '3' }))
    const status = fit(requesting({ cpu: '2', memory: '16Gi' }), node)
    expect(status.code).toBe('UnschedulableAndUnresolvable')
    expect(status.reasons).toEqual(['Insufficient cpu', 'Insufficient memory'])
  })

  it("reports 'Too many pods' as Unschedulable, even for a pod requesting nothing", () => {
    const full = nodeInfo(makeNode('n', { pods: 1 }), existing('a'))
    const status = fit(podInfo('p'), full)
    expect(status.code).toBe('Unschedulable')
    expect(status.reasons).toEqual(['Too many pods'])
    expect(errReasonTooManyPods).toBe('Too many pods')
    expect(fit(podInfo('p'), nodeInfo(makeNode('n', { pods: 2 }), existing('a'))).code).toBe('Success')
  })

  it('lists reasons in upstream order: pods, cpu, memory, ephemeral-storage, extended', () => {
    const node = nodeInfo(makeNode('n', { pods: 1, cpu: '1', memory: '1Gi', extended: { 'ephemeral-storage': '1Gi', 'example.com/gpu': '1' } }), existing('a'))
    const status = fit(requesting({ 'example.com/gpu': '2', 'ephemeral-storage': '2Gi', memory: '2Gi', cpu: '2' }), node)
    expect(status.reasons).toEqual(['Too many pods', 'Insufficient cpu', 'Insufficient memory', 'Insufficient ephemeral-storage', 'Insufficient example.com/gpu'])
    expect(status.code).toBe('UnschedulableAndUnresolvable')
  })

  it('lets a pod that requests nothing onto a node whose requests are full', () => {
    const node = nodeInfo(makeNode('n', { cpu: '1', memory: '1Gi' }), existing('a', { cpu: '1', memory: '1Gi' }))
    expect(fit(podInfo('besteffort'), node).code).toBe('Success')
    expect(fit(requesting({ cpu: '100m' }), node).reasons).toEqual(['Insufficient cpu'])
  })

  it('checks only the resources the pod requests', () => {
    const node = nodeInfo(makeNode('n', { cpu: '4', memory: '1Gi' }), existing('a', { memory: '1Gi' }))
    expect(fit(requesting({ cpu: '1' }), node).code).toBe('Success')
  })

  it('checks extended resources against what other pods hold', () => {
    const node = nodeInfo(makeNode('n', { extended: { 'example.com/gpu': '2' } }), existing('a', { 'example.com/gpu': '1' }))
    expect(fit(requesting({ 'example.com/gpu': '1' }), node).code).toBe('Success')
    const short = fit(requesting({ 'example.com/gpu': '2' }), node)
    expect(short.code).toBe('Unschedulable')
    expect(short.reasons).toEqual(['Insufficient example.com/gpu'])
    expect(fit(requesting({ 'example.com/gpu': '3' }), node).code).toBe('UnschedulableAndUnresolvable')
  })

  it('treats a resource the node lacks as allocatable 0', () => {
    const status = fit(requesting({ 'example.com/gpu': '1' }), nodeInfo(makeNode('n')))
    expect(status.code).toBe('UnschedulableAndUnresolvable')
    expect(status.reasons).toEqual(['Insufficient example.com/gpu'])
    const storage = fit(requesting({ 'ephemeral-storage': '1Gi' }), nodeInfo(makeNode('n')))
    expect(storage.reasons).toEqual(['Insufficient ephemeral-storage'])
    expect(insufficientReason('hugepages-2Mi')).toBe('Insufficient hugepages-2Mi')
  })

  it('ignores zero scalar requests and names that are not schedulable resources', () => {
    expect(fit(requesting({ 'example.com/gpu': '0' }), nodeInfo(makeNode('n'))).code).toBe('Success')
    expect(fit(requesting({ foo: '1' }), nodeInfo(makeNode('n'))).code).toBe('Success')
  })

  it('counts init containers as upstream does (the largest, not the sum)', () => {
    const pod = podInfo('p', {
      initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '3' } } }],
      containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '1' } } }],
    })
    const node = nodeInfo(makeNode('n', { cpu: '4' }), existing('a', { cpu: '1500m' }))
    expect(fit(pod, node).reasons).toEqual(['Insufficient cpu'])
    expect(fit(pod, nodeInfo(makeNode('n', { cpu: '4' }), existing('a', { cpu: '1' }))).code).toBe('Success')
  })

  it('names itself and waits for nodes and for pods leaving or shrinking', () => {
    expect(nodeResourcesFitFilter.name).toBe('NodeResourcesFit')
    expect(nodeResourcesFitFilter.events).toEqual(['NodeAdd', 'NodeUpdate', 'PodDelete', 'PodUpdate'])
  })
})

describe('isScalarResourceName', () => {
  it('matches upstream', () => {
    expect(isScalarResourceName('example.com/gpu')).toBe(true)
    expect(isScalarResourceName('hugepages-2Mi')).toBe(true)
    expect(isScalarResourceName('attachable-volumes-csi-ebs')).toBe(true)
    expect(isScalarResourceName('kubernetes.io/batteries')).toBe(true)
    expect(isScalarResourceName('cpu')).toBe(false)
    expect(isScalarResourceName('foo')).toBe(false)
    expect(isScalarResourceName('requests.example.com/gpu')).toBe(false)
    expect(isScalarResourceName('bad_prefix/gpu')).toBe(false)
  })
})

describe('NodeResourcesFit score (LeastAllocated)', () => {
  it('scores the free share of cpu and memory, averaged', () => {
    const busy = nodeInfo(makeNode('busy', { cpu: '4', memory: '8Gi' }), existing('a', { cpu: '1', memory: '2Gi' }))
    const empty = nodeInfo(makeNode('empty', { cpu: '4', memory: '8Gi' }))
    // busy: cpu (4000-2000)*100/4000 = 50, memory (8-3)*100/8 = 62.5 -> 62, (50+62)/2 = 56.
    // empty: cpu (4000-1000)*100/4000 = 75, memory (8-1)*100/8 = 87.5 -> 87, (75+87)/2 = 81.
    expect(rawScores(nodeResourcesFitScore, requesting({ cpu: '1', memory: '1Gi' }), [busy, empty])).toEqual([56, 81])
  })

  it('counts 100m cpu and 200Mi memory for containers that request nothing', () => {
    const empty = nodeInfo(makeNode('empty', { cpu: '2', memory: '4Gi' }))
    const one = nodeInfo(makeNode('one', { cpu: '2', memory: '4Gi' }), existing('a'))
    // empty: cpu (2000-100)*100/2000 = 95, memory (4096-200)*100/4096 = 95.1 -> 95.
    // one: cpu (2000-200)*100/2000 = 90, memory (4096-400)*100/4096 = 90.2 -> 90.
    expect(rawScores(nodeResourcesFitScore, podInfo('p'), [empty, one])).toEqual([95, 90])
  })

  it('scores a resource past capacity as 0', () => {
    const node = nodeInfo(makeNode('n', { cpu: '1', memory: '8Gi' }))
    // cpu over capacity: 0; memory (8192-4096)*100/8192 = 50; (0+50)/2 = 25.
    expect(rawScores(nodeResourcesFitScore, requesting({ cpu: '2', memory: '4Gi' }), [node])).toEqual([25])
  })

  it('has upstream weight 1', () => {
    expect(nodeResourcesFitScore.name).toBe('NodeResourcesFit')
    expect(nodeResourcesFitScore.weight).toBe(1)
  })
})

describe('NodeResourcesBalancedAllocation score', () => {
  it('scores 100 minus the std deviation of the cpu and memory fractions', () => {
    const busy = nodeInfo(makeNode('busy', { cpu: '4', memory: '8Gi' }), existing('a', { cpu: '1', memory: '2Gi' }))
    const empty = nodeInfo(makeNode('empty', { cpu: '4', memory: '8Gi' }))
    // busy: cpu 2/4 = 0.5, memory 3/8 = 0.375, std 0.0625 -> 93.75 -> 93.
    // empty: cpu 0.25, memory 0.125, std 0.0625 -> 93.
    expect(rawScores(balancedAllocationScore, requesting({ cpu: '1', memory: '1Gi' }), [busy, empty])).toEqual([93, 93])
    // cpu only: 0.5 vs 0 -> std 0.25 -> 75.
    expect(rawScores(balancedAllocationScore, requesting({ cpu: '2' }), [empty])).toEqual([75])
  })

  it('caps each fraction at 1', () => {
    const node = nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }))
    // cpu 8/4 capped to 1, memory 0: std 0.5 -> 50.
    expect(rawScores(balancedAllocationScore, requesting({ cpu: '8' }), [node])).toEqual([50])
  })

  it('uses actual requests: pods that request nothing add nothing', () => {
    const node = nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }), existing('a'), existing('b'))
    // cpu 1/4 = 0.25, memory 2/8 = 0.25: perfectly balanced.
    expect(rawScores(balancedAllocationScore, requesting({ cpu: '1', memory: '2Gi' }), [node])).toEqual([100])
  })

  it('gives best-effort pods 0 everywhere, as upstream skips them', () => {
    const skewed = nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }), existing('a', { cpu: '4' }))
    expect(rawScores(balancedAllocationScore, podInfo('p'), [skewed, nodeInfo(makeNode('m'))])).toEqual([0, 0])
  })

  it('has upstream weight 1', () => {
    expect(balancedAllocationScore.name).toBe('NodeResourcesBalancedAllocation')
    expect(balancedAllocationScore.weight).toBe(1)
  })
})
