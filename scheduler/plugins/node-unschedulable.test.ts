import { describe, it, expect } from 'vitest'
import type { CycleState, PodInfo, NodeInfo } from '../framework.ts'
import { makeNode, nodeInfo, podInfo, snapshotOf } from '../test-fixtures.ts'
import { errReasonUnschedulable, nodeUnschedulableFilter } from './node-unschedulable.ts'

function run(pod: PodInfo, node: NodeInfo) {
  const state: CycleState = new Map()
  expect(nodeUnschedulableFilter.preFilter?.(state, pod, snapshotOf([node]))).toBeUndefined()
  return nodeUnschedulableFilter.filter(state, pod, node)
}

const cordoned = nodeInfo(makeNode('n1', { unschedulable: true }))
const open = nodeInfo(makeNode('n2'))

describe('NodeUnschedulable', () => {
  it('passes a schedulable node', () => {
    expect(run(podInfo('p'), open).code).toBe('Success')
  })

  it('rejects a cordoned node as unresolvable', () => {
    const status = run(podInfo('p'), cordoned)
    expect(status.code).toBe('UnschedulableAndUnresolvable')
    expect(status.reasons).toEqual(['node(s) were unschedulable'])
    expect(errReasonUnschedulable).toBe('node(s) were unschedulable')
  })

  it('lets a pod tolerating the unschedulable taint onto a cordoned node', () => {
    const pod = podInfo('ds', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } })
    expect(run(pod, cordoned).code).toBe('Success')
    expect(run(podInfo('all', { spec: { tolerations: [{ operator: 'Exists' }] } }), cordoned).code).toBe('Success')
  })

  it('does not count a toleration for another effect or key', () => {
    const noExecute = podInfo('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] } })
    expect(run(noExecute, cordoned).code).toBe('UnschedulableAndUnresolvable')
    const otherKey = podInfo('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] } })
    expect(run(otherKey, cordoned).code).toBe('UnschedulableAndUnresolvable')
  })

  it('names itself and the events that can help', () => {
    expect(nodeUnschedulableFilter.name).toBe('NodeUnschedulable')
    expect(nodeUnschedulableFilter.events).toEqual(['NodeAdd', 'NodeUpdate'])
  })
})
