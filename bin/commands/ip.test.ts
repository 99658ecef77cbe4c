import { describe, expect, it } from 'vitest'
import { formatNodeIPs, internalIP, internalIPs, type NodeObject } from './ip.ts'

const node = (name: string, addresses: Array<{ type: string; address: string }>): NodeObject => ({ metadata: { name }, status: { addresses } })
const nodes = [
  node('kubeling-control-plane', [{ type: 'Hostname', address: 'kubeling-control-plane' }, { type: 'InternalIP', address: '127.0.1.100' }]),
  node('node-1', [{ type: 'InternalIP', address: '127.0.1.1' }]),
  node('new-node', []),
]

describe('node IPs', () => {
  it('takes the InternalIP, not the first address', () => {
    expect(internalIP(nodes[0])).toBe('127.0.1.100')
    expect(internalIP(nodes[2])).toBeUndefined()
  })

  it('lists the nodes that have one, in order', () => {
    expect(internalIPs(nodes)).toEqual([{ name: 'kubeling-control-plane', ip: '127.0.1.100' }, { name: 'node-1', ip: '127.0.1.1' }])
  })

  it('prints every node as kubectl prints a table, <none> for a node without an address', () => {
    expect(formatNodeIPs(nodes)).toBe([
      'NAME                     INTERNAL-IP',
      'kubeling-control-plane   127.0.1.100',
      'node-1                   127.0.1.1',
      'new-node                 <none>',
      '',
    ].join('\n'))
  })
})
