import { describe, it, expect } from 'vitest'
import { makeNode, nodeInfo, podInfo } from '../test-fixtures.ts'
import { errReasonNodeName, nodeNameFilter } from './node-name.ts'

const n1 = nodeInfo(makeNode('n1'))
const n2 = nodeInfo(makeNode('n2'))

describe('NodeName', () => {
  it('passes every node for a pod without spec.nodeName', () => {
    expect(nodeNameFilter.filter(new Map(), podInfo('p'), n1).code).toBe('Success')
    expect(nodeNameFilter.filter(new Map(), podInfo('p'), n2).code).toBe('Success')
  })

  it('passes only the named node', () => {
    const pod = podInfo('p', { nodeName: 'n2' })
    expect(nodeNameFilter.filter(new Map(), pod, n2).code).toBe('Success')
    const status = nodeNameFilter.filter(new Map(), pod, n1)
    expect(status.code).toBe('UnschedulableAndUnresolvable')
    expect(status.reasons).toEqual(["node(s) didn't match the requested node name"])
    expect(errReasonNodeName).toBe("node(s) didn't match the requested node name")
  })

  it('names itself and waits for new nodes', () => {
    expect(nodeNameFilter.name).toBe('NodeName')
    expect(nodeNameFilter.events).toEqual(['NodeAdd'])
  })
})
