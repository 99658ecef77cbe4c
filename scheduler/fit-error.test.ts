import { describe, expect, it } from 'vitest'
import { failureMessage, nodesAvailableMessage, truncateEventMessage } from './fit-error.ts'
import { unresolvable, unschedulable, type Status } from './framework.ts'

const taint = "node(s) had untolerated taint {dedicated: x}"
const affinity = "node(s) didn't match Pod's node affinity/selector"

function statuses(entries: Record<string, Status>): Map<string, Status> {
  return new Map(Object.entries(entries))
}

describe('failureMessage', () => {
  it("builds upstream's histogram, then preemption's message", () => {
    const byNode = statuses({ n1: unresolvable(taint), n2: unresolvable(affinity), n3: unresolvable(affinity) })
    expect(failureMessage(3, byNode, 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: x}, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    )
  })

  it('counts every reason of a node, and sorts the "<count> <reason>" strings byte-wise', () => {
    const byNode = new Map<string, Status>()
    for (let i = 0; i < 10; i++) byNode.set(`big-${i}`, unschedulable('Insufficient memory'))
    byNode.set('a', unschedulable('Insufficient cpu', 'Insufficient memory'))
    byNode.set('b', unschedulable('Insufficient cpu'))
    // "11 ..." sorts before "2 ...", as Go's sort.Strings does.
    expect(failureMessage(12, byNode)).toBe('0/12 nodes are available: 11 Insufficient memory, 2 Insufficient cpu.')
  })

  it('sorts equal counts by reason, uppercase before lowercase', () => {
    const byNode = statuses({ n1: unschedulable('node(s) b'), n2: unschedulable('Too many pods'), n3: unschedulable('node(s) a') })
    expect(failureMessage(3, byNode)).toBe('0/3 nodes are available: 1 Too many pods, 1 node(s) a, 1 node(s) b.')
  })

  it('leaves the preemption part out when preemption did not run or nominated a node', () => {
    expect(failureMessage(1, statuses({ n1: unschedulable('Insufficient cpu') }))).toBe('0/1 nodes are available: 1 Insufficient cpu.')
  })

  it('says "no nodes available to schedule pods" for an empty cluster', () => {
    expect(failureMessage(0, new Map(), 'ignored')).toBe('no nodes available to schedule pods')
  })

  it("uses a preFilter's message instead of the histogram", () => {
    const byNode = statuses({ n1: unresolvable('x'), n2: unresolvable('x') })
    expect(failureMessage(2, byNode, undefined, { preFilterMessage: "pod has unbound immediate PersistentVolumeClaims" }))
      .toBe('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.')
  })

  it('counts nodes missing from the statuses with the absent status', () => {
    const byNode = statuses({ n1: unresolvable('No preemption victims found for incoming pod') })
    expect(nodesAvailableMessage(3, byNode, { absentStatus: unresolvable('Preemption is not helpful for scheduling') }))
      .toBe('0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.')
  })

  it('ends with the colon when there is nothing to count, as upstream', () => {
    expect(nodesAvailableMessage(2, new Map())).toBe('0/2 nodes are available:')
  })
})

describe('truncateEventMessage', () => {
  it('keeps messages up to 1024 bytes', () => {
    const message = 'x'.repeat(1024)
    expect(truncateEventMessage(message)).toBe(message)
  })

  it('cuts longer ones to 1024 bytes ending " ..."', () => {
    const cut = truncateEventMessage('y'.repeat(2000))
    expect(cut).toHaveLength(1024)
    expect(cut.endsWith('y ...')).toBe(true)
  })

  it('does not split a multi-byte character', () => {
    const cut = truncateEventMessage(`${'a'.repeat(1019)}é${'b'.repeat(10)}`)
    expect(cut).toBe(`${'a'.repeat(1019)} ...`)
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(1024)
  })
})
