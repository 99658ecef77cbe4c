import { describe, expect, it } from 'vitest'
import { ClientStatusError } from '../../../shared/client/index.ts'
import type { Node } from '../../../shared/core-types.ts'
import { RangeAllocator } from './node-ipam-controller.ts'

const node = (name: string, podCIDR?: string): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} })

function setup(clusterCIDR = '10.244.0.0/16', fail: (name: string) => unknown = () => undefined) {
  const patched: Array<[string, string[]]> = []
  const events: Array<{ name: string; reason: string; message: string }> = []
  const allocator = new RangeAllocator({
    clusterCIDR, nodeCIDRMaskSize: 24,
    api: {
      async patchNodeCIDRs(name, cidrs) {
        const err = fail(name)
        if (err) throw err
        patched.push([name, cidrs])
      },
    },
    recorder: { event: (obj, _type, reason, message) => void events.push({ name: obj.metadata.name!, reason, message }) },
  })
  return { allocator, patched, events }
}

describe('RangeAllocator', () => {
  it('gives nodes without a range the next free one, after the ranges existing nodes hold', async () => {
    const t = setup()
    t.allocator.occupy(node('old', '10.244.0.0/24'))
    await t.allocator.allocate(node('a'))
    await t.allocator.allocate(node('b'))
    expect(t.patched).toEqual([['a', ['10.244.1.0/24']], ['b', ['10.244.2.0/24']]])
  })

  it('leaves a node that has a range alone, and does not allocate twice for a stale copy', async () => {
    const t = setup()
    expect(await t.allocator.allocate(node('has', '10.244.9.0/24'))).toBeUndefined()
    await t.allocator.allocate(node('a'))
    await t.allocator.allocate(node('a'))
    expect(t.patched).toEqual([['a', ['10.244.0.0/24']]])
    expect(t.allocator.cidrs.allocated).toBe(2)
  })

  it('returns a deleted node\'s range to the pool', async () => {
    const t = setup('10.0.0.0/23')
    await t.allocator.allocate(node('a'))
    await t.allocator.allocate(node('b'))
    t.allocator.release(node('a', '10.0.0.0/24'))
    await t.allocator.allocate(node('c'))
    expect(t.patched.at(-1)).toEqual(['c', ['10.0.0.0/24']])
  })

  it('records CIDRNotAvailable and throws when the pool is empty', async () => {
    const t = setup('10.0.0.0/24')
    await t.allocator.allocate(node('a'))
    await expect(t.allocator.allocate(node('b'))).rejects.toThrow(/no remaining CIDRs/)
    expect(t.events).toEqual([{ name: 'b', reason: 'CIDRNotAvailable', message: 'Node b status is now: CIDRNotAvailable' }])
  })

  it('puts the range back when the patch keeps failing', async () => {
    let failing = true
    const t = setup('10.0.0.0/24', () => (failing ? new Error('boom') : undefined))
    await expect(t.allocator.allocate(node('a'))).rejects.toThrow('boom')
    expect(t.allocator.cidrs.allocated).toBe(0)
    expect(t.events.map((e) => e.reason)).toEqual(['CIDRAssignmentFailed'])
    failing = false
    expect(await t.allocator.allocate(node('a'))).toBe('10.0.0.0/24')
  })

  it('gives up quietly when the node is gone', async () => {
    const gone = new ClientStatusError({ apiVersion: 'v1', kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound', message: 'nodes "a" not found', metadata: {} })
    const t = setup('10.0.0.0/24', () => gone)
    expect(await t.allocator.allocate(node('a'))).toBeUndefined()
    expect(t.allocator.cidrs.allocated).toBe(0)
  })
})
