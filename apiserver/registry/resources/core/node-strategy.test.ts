import { describe, expect, it } from 'vitest'
import { createFlow, rendered, updateFlow } from '../testing/strategy-flow.ts'
import type { Node } from './node-strategy.ts'
import { nodes } from './nodes.ts'

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1' },
  spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] },
  status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
}

describe('node', () => {
  it('keeps the status it is registered with, allocatable defaulting to capacity', () => {
    const { obj, errors } = createFlow(nodes, node)
    expect(errors).toEqual([])
    expect(obj.status).toEqual({ capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } })
  })

  it('rejects duplicate taints', () => {
    const taints = [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'gpu', value: 'x', effect: 'NoSchedule' }]
    expect(rendered(createFlow(nodes, { ...node, spec: { taints } }).errors)).toEqual([
      'metadata.taints[1]: Duplicate value: {"key":"gpu","value":"x","effect":"NoSchedule"}: taints must be unique by key and effect pair',
    ])
  })

  it('lets cordoning change spec but not podCIDRs, and keeps status on main writes', () => {
    const created = createFlow(nodes, node).obj
    const cordoned = updateFlow(nodes, created, (next) => {
      next.spec!.unschedulable = true
      next.status = {}
    })
    expect(cordoned.errors).toEqual([])
    expect(cordoned.obj.status).toEqual(created.status)
    expect(nodes.fieldSelectors?.['spec.unschedulable']?.(cordoned.obj)).toBe('true')
    const moved = updateFlow(nodes, created, (next) => void (next.spec!.podCIDRs = ['10.244.2.0/24']))
    expect(rendered(moved.errors)).toEqual(['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'])
  })
})
