import { describe, expect, it } from 'vitest'
import { podInfoOf, success, unresolvable, type FilterPlugin, type NodeInfo, type ScorePlugin } from './framework.ts'
import { numFeasibleNodesToFind, PodScheduler } from './schedule-pod.ts'
import { makeNode, makePod, nodeInfo, podInfo, snapshotOf } from './test-fixtures.ts'

function nodes(count: number): NodeInfo[] {
  return Array.from({ length: count }, (_, i) => nodeInfo(makeNode(`n${String(i).padStart(3, '0')}`)))
}

function recordingFilter(visited: string[], rejects: (node: NodeInfo) => boolean = () => false): FilterPlugin {
  return {
    name: 'Recording', events: ['NodeAdd'],
    filter: (_s, _p, node) => {
      visited.push(node.name)
      return rejects(node) ? unresolvable('rejected here') : success
    },
  }
}

function scoreBy(name: string, weight: number, score: (node: NodeInfo) => number): ScorePlugin {
  return { name, weight, score: (_s, _p, node) => score(node) }
}

describe('numFeasibleNodesToFind', () => {
  it('evaluates every node below 100 and an adaptive share above, never fewer than 100', () => {
    expect(numFeasibleNodesToFind(50)).toBe(50)
    expect(numFeasibleNodesToFind(100)).toBe(100)
    expect(numFeasibleNodesToFind(1000)).toBe(420) // 50% - 1000/125 = 42%
    expect(numFeasibleNodesToFind(5000)).toBe(500) // 10%
    expect(numFeasibleNodesToFind(10000)).toBe(500) // floor of 5%
    expect(numFeasibleNodesToFind(150, 10)).toBe(100)
    expect(numFeasibleNodesToFind(1000, 100)).toBe(1000)
  })
})

describe('PodScheduler', () => {
  it('stops once enough nodes fit, and starts the next pod where the last one stopped', () => {
    const visited: string[] = []
    const scheduler = new PodScheduler({ schedulerName: 'default-scheduler', filters: [recordingFilter(visited)], scores: [] })
    const snapshot = snapshotOf(nodes(1000))
    const first = scheduler.schedule(podInfo('a'), snapshot)
    expect(first).toMatchObject({ scheduled: true, evaluatedNodes: 420, feasibleNodes: 420 })
    expect(visited[0]).toBe('n000')
    visited.length = 0
    scheduler.schedule(podInfo('b'), snapshot)
    expect(visited[0]).toBe('n420')
  })

  it('evaluates every node before giving up and says why each one failed', () => {
    const scheduler = new PodScheduler({ schedulerName: 'default-scheduler', filters: [recordingFilter([], () => true)], scores: [] })
    const result = scheduler.schedule(podInfo('a'), snapshotOf(nodes(3)))
    expect(result.scheduled).toBe(false)
    if (result.scheduled) return
    expect(result.numAllNodes).toBe(3)
    expect([...result.statuses.values()].map((s) => [s.plugin, s.reasons[0]])).toEqual(Array(3).fill(['Recording', 'rejected here']))
  })

  it('turns a preFilter rejection into every node\'s status without running filters', () => {
    const visited: string[] = []
    const gate: FilterPlugin = { name: 'Gate', events: [], preFilter: () => unresolvable('pod affinity terms conflict'), filter: () => success }
    const scheduler = new PodScheduler({ schedulerName: 'default-scheduler', filters: [gate, recordingFilter(visited)], scores: [] })
    const result = scheduler.schedule(podInfo('a'), snapshotOf(nodes(2)))
    expect(visited).toEqual([])
    expect(result.scheduled).toBe(false)
    if (result.scheduled) return
    expect(result.preFilterStatus).toMatchObject({ plugin: 'Gate', reasons: ['pod affinity terms conflict'] })
    expect(result.statuses.size).toBe(2)
  })

  it('picks the highest weighted sum of scores', () => {
    const scheduler = new PodScheduler({
      schedulerName: 'default-scheduler', filters: [],
      scores: [
        scoreBy('Prefers0', 1, (n) => (n.name === 'n000' ? 100 : 0)),
        scoreBy('Prefers2', 2, (n) => (n.name === 'n002' ? 60 : 0)),
      ],
    })
    expect(scheduler.schedule(podInfo('a'), snapshotOf(nodes(3)))).toMatchObject({ scheduled: true, nodeName: 'n002' })
  })

  it('breaks ties at random among the best nodes', () => {
    const flat = [scoreBy('Flat', 1, () => 50)]
    const picks = new Set<string>()
    for (const r of [0, 0.49, 0.99]) {
      const scheduler = new PodScheduler({ schedulerName: 'default-scheduler', filters: [], scores: flat }, () => r)
      const result = scheduler.schedule(podInfo('a'), snapshotOf(nodes(3)))
      if (result.scheduled) picks.add(result.nodeName)
    }
    expect(picks.size).toBeGreaterThan(1)
  })

  it('tries a nominated node first', () => {
    const visited: string[] = []
    const scheduler = new PodScheduler({ schedulerName: 'default-scheduler', filters: [recordingFilter(visited)], scores: [scoreBy('Prefers0', 1, (n) => (n.name === 'n000' ? 100 : 0))] })
    const pod = makePod('a')
    pod.status = { nominatedNodeName: 'n001' }
    expect(scheduler.schedule(podInfoOf(pod), snapshotOf(nodes(3)))).toMatchObject({ scheduled: true, nodeName: 'n001', evaluatedNodes: 1 })
    expect(visited).toEqual(['n001'])
  })

  it('has nothing to do without nodes', () => {
    const scheduler = new PodScheduler({ schedulerName: 'default-scheduler', filters: [], scores: [] })
    expect(scheduler.schedule(podInfo('a'), snapshotOf([]))).toMatchObject({ scheduled: false, numAllNodes: 0 })
  })
})
