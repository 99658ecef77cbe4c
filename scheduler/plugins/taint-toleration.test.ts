import { describe, it, expect } from 'vitest'
import type { Taint, Toleration } from '../../shared/core-types.ts'
import type { CycleState, NodeInfo, PodInfo } from '../framework.ts'
import { makeNode, nodeInfo, podInfo, snapshotOf } from '../test-fixtures.ts'
import { errReasonUntolerated, taintTolerationFilter, taintTolerationScore, untoleratedTaint } from './taint-toleration.ts'

const tainted = (name: string, ...taints: Taint[]) => nodeInfo(makeNode(name, { taints }))
const tolerating = (...tolerations: Toleration[]) => podInfo('p', { spec: { tolerations } })

function filter(pod: PodInfo, node: NodeInfo) {
  return taintTolerationFilter.filter(new Map(), pod, node)
}

function scores(pod: PodInfo, nodes: NodeInfo[]): number[] {
  const state: CycleState = new Map()
  taintTolerationScore.preScore?.(state, pod, nodes, snapshotOf(nodes))
  const raw = nodes.map((n) => taintTolerationScore.score(state, pod, n))
  taintTolerationScore.normalize?.(state, pod, nodes, raw)
  return raw
}

describe('TaintToleration filter', () => {
  it('passes an untainted node', () => {
    expect(filter(podInfo('p'), nodeInfo(makeNode('n'))).code).toBe('Success')
  })

  it('rejects an untolerated NoSchedule or NoExecute taint as unresolvable, naming it as v1.34.0 does', () => {
    for (const effect of ['NoSchedule', 'NoExecute']) {
      const status = filter(podInfo('p'), tainted('n', { key: 'dedicated', value: 'gpu', effect }))
      expect(status.code).toBe('UnschedulableAndUnresolvable')
      expect(status.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}'])
    }
    expect(errReasonUntolerated({ key: 'k', effect: 'NoSchedule' })).toBe('node(s) had untolerated taint {k: }')
  })

  it('ignores PreferNoSchedule taints', () => {
    expect(filter(podInfo('p'), tainted('n', { key: 'soft', effect: 'PreferNoSchedule' })).code).toBe('Success')
  })

  it('passes when every hard taint is tolerated', () => {
    const node = tainted('n', { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' })
    const pod = tolerating({ key: 'dedicated', operator: 'Equal', value: 'gpu' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' })
    expect(filter(pod, node).code).toBe('Success')
    expect(filter(tolerating({ key: 'dedicated', operator: 'Equal', value: 'gpu' }), node).code).toBe('UnschedulableAndUnresolvable')
  })

  it('reports which taint it was, for logs', () => {
    const taints: Taint[] = [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'hard', value: 'x', effect: 'NoSchedule' }]
    expect(untoleratedTaint(taints, [])).toEqual({ key: 'hard', value: 'x', effect: 'NoSchedule' })
    expect(untoleratedTaint(taints, [{ key: 'hard', operator: 'Exists' }])).toBeUndefined()
  })

  it('names itself and waits for node changes', () => {
    expect(taintTolerationFilter.name).toBe('TaintToleration')
    expect(taintTolerationFilter.events).toEqual(['NodeAdd', 'NodeUpdate'])
  })
})

describe('TaintToleration score', () => {
  const soft = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' })
  const nodes = [
    tainted('none'),
    tainted('one', soft('a')),
    tainted('three', soft('a'), soft('b'), soft('c'), { key: 'hard', effect: 'NoSchedule' }),
  ]

  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    // Raw counts 0, 1, 3 (the NoSchedule taint does not count); reversed: 100, 100 - 100*1/3 = 67, 0.
    expect(scores(podInfo('p'), nodes)).toEqual([100, 67, 0])
  })

  it('does not count tolerated taints, and only PreferNoSchedule or effect-less tolerations count', () => {
    // Tolerating a and b leaves counts 0, 0, 1.
    expect(scores(tolerating({ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists', effect: 'PreferNoSchedule' }), nodes)).toEqual([100, 100, 0])
    // A NoSchedule toleration does not cover a PreferNoSchedule taint.
    expect(scores(tolerating({ key: 'a', operator: 'Exists', effect: 'NoSchedule' }), nodes)).toEqual([100, 67, 0])
  })

  it('gives every node 100 when none has an untolerated soft taint', () => {
    expect(scores(podInfo('p'), [tainted('x'), tainted('y')])).toEqual([100, 100])
  })

  it('has upstream weight 3', () => {
    expect(taintTolerationScore.name).toBe('TaintToleration')
    expect(taintTolerationScore.weight).toBe(3)
  })
})
