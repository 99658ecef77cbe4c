import { describe, expect, it } from 'vitest'
import { SchedulerCache } from './cache.ts'
import { podInfoOf } from './framework.ts'
import { makeNode, makePod } from './test-fixtures.ts'

describe('SchedulerCache', () => {
  it('counts bound pods against their node', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1'))
    cache.setPod(makePod('a', { nodeName: 'n1', requests: { cpu: '500m', memory: '1Gi' } }))
    const info = cache.get('n1')!
    expect(info.pods.size).toBe(1)
    expect(info.requested.get('cpu')).toBe(500)
    expect(info.requested.get('memory')).toBe(2 ** 30)
    expect(cache.nodeOf('default/a')).toBe('n1')
  })

  it('moves a pod when an update shows it on another node, and drops it on removal', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1'))
    cache.setNode(makeNode('n2'))
    cache.setPod(makePod('a', { nodeName: 'n1', requests: { cpu: '1' } }))
    cache.setPod(makePod('a', { nodeName: 'n2', requests: { cpu: '1' } }))
    expect(cache.get('n1')!.requested.get('cpu')).toBe(0)
    expect(cache.get('n2')!.requested.get('cpu')).toBe(1000)
    cache.removePod(makePod('a', { nodeName: 'n2' }))
    expect(cache.get('n2')!.pods.size).toBe(0)
    expect(cache.stats().pods).toBe(0)
  })

  it('counts an assumed pod at once, forgets it when binding fails, keeps it when the watch confirms', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1'))
    const pending = makePod('a', { requests: { cpu: '2' } })
    cache.assume(podInfoOf(pending), 'n1')
    expect(cache.get('n1')!.requested.get('cpu')).toBe(2000)
    expect(cache.isAssumed('default/a')).toBe(true)
    cache.forget('default/a')
    expect(cache.get('n1')!.requested.get('cpu')).toBe(0)

    cache.assume(podInfoOf(pending), 'n1')
    cache.setPod({ ...pending, spec: { ...pending.spec, nodeName: 'n1' } })
    expect(cache.isAssumed('default/a')).toBe(false)
    // forget() after confirmation must not take a bound pod off.
    cache.forget('default/a')
    expect(cache.get('n1')!.pods.size).toBe(1)
  })

  it('keeps pods of a node it has not seen, and shows the node only once its object arrives', () => {
    const cache = new SchedulerCache()
    cache.setPod(makePod('a', { nodeName: 'late', requests: { cpu: '1' } }))
    expect(cache.get('late')).toBeUndefined()
    expect(cache.nodes).toHaveLength(0)
    cache.setNode(makeNode('late'))
    expect(cache.get('late')!.requested.get('cpu')).toBe(1000)
    cache.removeNode('late')
    expect(cache.nodes).toHaveLength(0)
    cache.setNode(makeNode('late'))
    expect(cache.get('late')!.pods.size).toBe(1)
  })

  it('lists nodes by name and reads allocatable from the node', () => {
    const cache = new SchedulerCache()
    for (const name of ['c', 'a', 'b']) cache.setNode(makeNode(name, { cpu: '2', pods: 10 }))
    expect(cache.nodes.map((n) => n.name)).toEqual(['a', 'b', 'c'])
    expect(cache.get('a')!.allocatable.get('cpu')).toBe(2000)
    expect(cache.get('a')!.allowedPodNumber).toBe(10)
  })
})
