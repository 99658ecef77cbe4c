import { describe, it, expect } from 'vitest'
import type { NodeSelectorTerm, PodSpec } from '../../shared/core-types.ts'
import type { CycleState, NodeInfo, PodInfo } from '../framework.ts'
import { makeNode, nodeInfo, podInfo, snapshotOf } from '../test-fixtures.ts'
import { defaultNormalizeScore, errReasonConflict, errReasonPod, nodeAffinityFilter, nodeAffinityScore } from './node-affinity.ts'

const a1 = nodeInfo(makeNode('a1', { labels: { zone: 'a', disk: 'ssd' } }))
const a2 = nodeInfo(makeNode('a2', { labels: { zone: 'a' } }))
const b1 = nodeInfo(makeNode('b1', { labels: { zone: 'b', disk: 'ssd' } }))
const c1 = nodeInfo(makeNode('c1', { labels: { zone: 'c' } }))
const all = [a1, a2, b1, c1]

function required(...terms: NodeSelectorTerm[]): Partial<PodSpec> {
  return { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } }
}

/** Names of the nodes the filter lets through, after preFilter. */
function feasible(pod: PodInfo, nodes: NodeInfo[] = all): string[] {
  const state: CycleState = new Map()
  expect(nodeAffinityFilter.preFilter?.(state, pod, snapshotOf(nodes))).toBeUndefined()
  return nodes.filter((n) => nodeAffinityFilter.filter(state, pod, n).code === 'Success').map((n) => n.name)
}

function scores(pod: PodInfo, nodes: NodeInfo[] = all): number[] {
  const state: CycleState = new Map()
  nodeAffinityScore.preScore?.(state, pod, nodes, snapshotOf(nodes))
  const raw = nodes.map((n) => nodeAffinityScore.score(state, pod, n))
  nodeAffinityScore.normalize?.(state, pod, nodes, raw)
  return raw
}

describe('NodeAffinity filter', () => {
  it('passes every node when the pod has no node constraints', () => {
    expect(feasible(podInfo('p'))).toEqual(['a1', 'a2', 'b1', 'c1'])
  })

  it('enforces spec.nodeSelector', () => {
    expect(feasible(podInfo('p', { spec: { nodeSelector: { disk: 'ssd' } } }))).toEqual(['a1', 'b1'])
  })

  it('enforces required affinity, terms ORed', () => {
    const pod = podInfo('p', {
      spec: required(
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'DoesNotExist' }] },
        { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a', 'b'] }] },
      ),
    })
    expect(feasible(pod)).toEqual(['a2', 'c1'])
  })

  it('needs both nodeSelector and required affinity', () => {
    const pod = podInfo('p', { spec: { nodeSelector: { disk: 'ssd' }, ...required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'c'] }] }) } })
    expect(feasible(pod)).toEqual(['b1'])
  })

  it('matches metadata.name through matchFields', () => {
    expect(feasible(podInfo('p', { spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c1'] }] }) }))).toEqual(['c1'])
  })

  it('rejects as UnschedulableAndUnresolvable with upstream reason', () => {
    const pod = podInfo('p', { spec: { nodeSelector: { zone: 'z' } } })
    const state: CycleState = new Map()
    nodeAffinityFilter.preFilter?.(state, pod, snapshotOf(all))
    const status = nodeAffinityFilter.filter(state, pod, a1)
    expect(status.code).toBe('UnschedulableAndUnresolvable')
    expect(status.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"])
    expect(errReasonPod).toBe("node(s) didn't match Pod's node affinity/selector")
  })

  it('rejects in preFilter when every term pins node names and they leave none', () => {
    const pod = podInfo('p', {
      spec: required({
        matchFields: [
          { key: 'metadata.name', operator: 'In', values: ['a1'] },
          { key: 'metadata.name', operator: 'In', values: ['b1'] },
        ],
      }),
    })
    const status = nodeAffinityFilter.preFilter?.(new Map(), pod, snapshotOf(all))
    expect(status?.code).toBe('UnschedulableAndUnresolvable')
    expect(status?.reasons).toEqual(['pod affinity terms conflict'])
    expect(errReasonConflict).toBe('pod affinity terms conflict')
  })

  it('does not reject in preFilter when some term leaves names open', () => {
    const pod = podInfo('p', {
      spec: required(
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a1'] }, { key: 'metadata.name', operator: 'In', values: ['b1'] }] },
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }] },
      ),
    })
    expect(feasible(pod)).toEqual(['c1'])
  })

  it('matches nothing when required affinity has no usable term', () => {
    expect(feasible(podInfo('p', { spec: required({}) }))).toEqual([])
  })

  it('names itself and waits for node changes', () => {
    expect(nodeAffinityFilter.name).toBe('NodeAffinity')
    expect(nodeAffinityFilter.events).toEqual(['NodeAdd', 'NodeUpdate'])
  })
})

describe('NodeAffinity score', () => {
  it('sums the weights of matching preferred terms and scales the best to 100', () => {
    const pod = podInfo('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 5, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
              { weight: 3, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
              // Weight 0 and empty terms count for nothing.
              { weight: 0, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }] } },
              { weight: 50, preference: {} },
            ],
          },
        },
      },
    })
    // Raw a1 8, a2 5, b1 3, c1 0; 100*5/8 = 62.5 -> 62, 100*3/8 = 37.5 -> 37.
    expect(scores(pod)).toEqual([100, 62, 37, 0])
  })

  it('gives 0 everywhere to a pod without preferences', () => {
    expect(scores(podInfo('p'))).toEqual([0, 0, 0, 0])
  })

  it('has upstream weight 2', () => {
    expect(nodeAffinityScore.name).toBe('NodeAffinity')
    expect(nodeAffinityScore.weight).toBe(2)
  })
})

describe('defaultNormalizeScore', () => {
  it('scales to 0..100 with integer division', () => {
    const s = [3, 1, 0, 2]
    defaultNormalizeScore(s, false)
    expect(s).toEqual([100, 33, 0, 66])
  })

  it('reverses so the lowest raw score wins', () => {
    const s = [3, 1, 0, 2]
    defaultNormalizeScore(s, true)
    expect(s).toEqual([0, 67, 100, 34])
  })

  it('leaves all zeros at 0, or 100 when reversed', () => {
    const plain = [0, 0]
    defaultNormalizeScore(plain, false)
    expect(plain).toEqual([0, 0])
    const reversed = [0, 0]
    defaultNormalizeScore(reversed, true)
    expect(reversed).toEqual([100, 100])
  })
})
