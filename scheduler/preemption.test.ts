import { describe, expect, it } from 'vitest'
import type { Pod } from '../shared/core-types.ts'
import { failureMessage } from './fit-error.ts'
import { success, unresolvable, unschedulable, type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type Snapshot, type Status } from './framework.ts'
import { interPodAffinityFilter } from './plugins/inter-pod-affinity.ts'
import { podTopologySpreadFilter } from './plugins/pod-topology-spread.ts'
import { evaluatePreemption, type PreemptionInput, type PreemptionOutcome } from './preemption.ts'
import { makeNode, makePod, nodeInfo, podInfo, snapshotOf, type PodFixture } from './test-fixtures.ts'

/** A stand-in for NodeResourcesFit: cpu only. */
const cpuFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  events: ['PodDelete', 'NodeAdd', 'NodeUpdate'],
  filter(_state, pod, node) {
    const free = (node.allocatable.get('cpu') ?? 0) - (node.requested.get('cpu') ?? 0)
    return (pod.requests.get('cpu') ?? 0) > free ? unschedulable('Insufficient cpu') : success
  },
}

/** The filter statuses the scheduling cycle would have produced. */
function filterStatuses(filters: readonly FilterPlugin[], pod: PodInfo, snapshot: Snapshot): Map<string, Status> {
  const state: CycleState = new Map()
  for (const f of filters) f.preFilter?.(state, pod, snapshot)
  const statuses = new Map<string, Status>()
  for (const node of snapshot.nodes) {
    for (const f of filters) {
      const status = f.filter(state, pod, node)
      if (status.code !== 'Success') {
        statuses.set(node.name, { ...status, plugin: f.name })
        break
      }
    }
  }
  return statuses
}

function preempt(pod: PodInfo, nodes: NodeInfo[], extra: Partial<PreemptionInput> = {}, filters: readonly FilterPlugin[] = [cpuFit]): PreemptionOutcome {
  const snapshot = snapshotOf(nodes)
  return evaluatePreemption({ pod, snapshot, filters, statuses: filterStatuses(filters, pod, snapshot), offset: 0, now: Date.parse('2026-06-01T00:00:00Z'), ...extra })
}

const running = (name: string, node: string, cpu: string, priority: number, fixture: PodFixture = {}): Pod =>
  makePod(name, { nodeName: node, requests: { cpu }, priority, ...fixture })
const startedAt = (pod: Pod, time: string): Pod => ({ ...pod, status: { ...pod.status, startTime: time } })
const victimNames = (outcome: PreemptionOutcome) => ('nodeName' in outcome ? outcome.victims.map((v) => v.metadata.name) : outcome.message)
const high = (fixture: PodFixture = {}) => podInfo('important', { requests: { cpu: '1' }, priority: 100, ...fixture })

describe('evaluatePreemption: victims on a node', () => {
  it('evicts only as many lower-priority pods as needed, keeping the earlier-started', () => {
    const node = nodeInfo(makeNode('n1', { cpu: '2' }),
      startedAt(running('old', 'n1', '1', 0), '2026-01-01T00:00:00Z'),
      startedAt(running('new', 'n1', '1', 0), '2026-03-01T00:00:00Z'))
    const outcome = preempt(high(), [node])
    expect(outcome).toMatchObject({ nodeName: 'n1' })
    expect(victimNames(outcome)).toEqual(['new'])
  })

  it('keeps the more important pods, whatever their order on the node', () => {
    const node = nodeInfo(makeNode('n1', { cpu: '3' }), running('low', 'n1', '1', 1), running('mid', 'n1', '1', 5), running('top', 'n1', '1', 200))
    expect(victimNames(preempt(high(), [node]))).toEqual(['low'])
  })

  it('lists several victims most important first', () => {
    const node = nodeInfo(makeNode('n1', { cpu: '3' }), running('a', 'n1', '1', 1), running('b', 'n1', '1', 7), running('c', 'n1', '1', 3))
    expect(victimNames(preempt(podInfo('big', { requests: { cpu: '3' }, priority: 100 }), [node]))).toEqual(['b', 'c', 'a'])
  })

  it('does not touch the snapshot', () => {
    const node = nodeInfo(makeNode('n1', { cpu: '1' }), running('low', 'n1', '1', 0))
    preempt(high(), [node])
    expect([...node.pods.keys()]).toEqual(['default/low'])
    expect(node.requested.get('cpu')).toBe(1000)
  })
})

describe('evaluatePreemption: choosing the node', () => {
  it('prefers the node whose highest victim has the lowest priority', () => {
    const nodes = [
      nodeInfo(makeNode('n1', { cpu: '1' }), running('p5', 'n1', '1', 5)),
      nodeInfo(makeNode('n2', { cpu: '1' }), running('p1', 'n2', '1', 1)),
    ]
    expect(preempt(high(), nodes)).toMatchObject({ nodeName: 'n2' })
  })

  it('then the smallest sum of priorities, then the fewest victims', () => {
    const nodes = [
      nodeInfo(makeNode('n1', { cpu: '2' }), running('a', 'n1', '1', 1), running('b', 'n1', '1', 1)),
      nodeInfo(makeNode('n2', { cpu: '2' }), running('c', 'n2', '2', 1)),
    ]
    const outcome = preempt(podInfo('big', { requests: { cpu: '2' }, priority: 100 }), nodes)
    expect(outcome).toMatchObject({ nodeName: 'n2' })
    expect(victimNames(outcome)).toEqual(['c'])
  })

  it('then the node whose highest victims started last', () => {
    const nodes = [
      nodeInfo(makeNode('n1', { cpu: '1' }), startedAt(running('early', 'n1', '1', 1), '2026-01-01T00:00:00Z')),
      nodeInfo(makeNode('n2', { cpu: '1' }), startedAt(running('late', 'n2', '1', 1), '2026-05-01T00:00:00Z')),
    ]
    expect(preempt(high(), nodes)).toMatchObject({ nodeName: 'n2' })
  })

  it('prefers nodes without PodDisruptionBudget violations (hook)', () => {
    const nodes = [
      nodeInfo(makeNode('n1', { cpu: '1' }), running('guarded', 'n1', '1', 1)),
      nodeInfo(makeNode('n2', { cpu: '1' }), running('free', 'n2', '1', 50)),
    ]
    const splitByDisruptionBudget = (victims: readonly PodInfo[]) => ({
      violating: victims.filter((v) => v.pod.metadata.name === 'guarded'),
      nonViolating: victims.filter((v) => v.pod.metadata.name !== 'guarded'),
    })
    expect(preempt(high(), nodes)).toMatchObject({ nodeName: 'n1' })
    expect(preempt(high(), nodes, { splitByDisruptionBudget })).toMatchObject({ nodeName: 'n2' })
  })

  it('stops the dry run once it has enough candidates', () => {
    const nodes = [1, 2, 3].map((i) => nodeInfo(makeNode(`n${i}`, { cpu: '1' }), running(`v${i}`, `n${i}`, '1', 10 - i)))
    // Tried alone, n1 wins even though n3's victim has a lower priority.
    expect(preempt(high(), nodes, { minCandidateNodesAbsolute: 1 })).toMatchObject({ nodeName: 'n1' })
    expect(preempt(high(), nodes, { minCandidateNodesAbsolute: 1, offset: 2 })).toMatchObject({ nodeName: 'n3' })
    expect(preempt(high(), nodes)).toMatchObject({ nodeName: 'n3' })
  })
})

describe('evaluatePreemption: no preemption', () => {
  it('explains each node in the histogram when no node has victims', () => {
    const nodes = [
      nodeInfo(makeNode('n1', { cpu: '1' }), running('vip', 'n1', '1', 1000)),
      nodeInfo(makeNode('n2', { cpu: '1', taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] })),
      nodeInfo(makeNode('n3', { cpu: '1' }), running('small', 'n3', '500m', 0)),
    ]
    const taints: FilterPlugin = {
      name: 'TaintToleration', events: ['NodeUpdate'],
      filter: (_s, _p, node) => (node.node?.spec?.taints?.length ? unresolvable('node(s) had untolerated taint {dedicated: x}') : success),
    }
    const wide = podInfo('wide', { requests: { cpu: '2' }, priority: 100 })
    const snapshot = snapshotOf(nodes)
    const statuses = filterStatuses([taints, cpuFit], wide, snapshot)
    const outcome = evaluatePreemption({ pod: wide, snapshot, filters: [taints, cpuFit], statuses, offset: 0 })
    // n1: its only pod outranks us; n3: too small even once emptied; n2: a taint, not worth trying.
    expect(outcome).toEqual({
      message: 'preemption: 0/3 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
      clearNominatedNodeName: true,
    })
    expect(failureMessage(3, statuses, 'message' in outcome ? outcome.message : '')).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: x}, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    )
  })

  it('says so when no node is worth trying', () => {
    const nodes = [nodeInfo(makeNode('n1')), nodeInfo(makeNode('n2'))]
    const statuses = new Map<string, Status>([['n1', unresolvable('x')], ['n2', unresolvable('y')]])
    expect(evaluatePreemption({ pod: high(), snapshot: snapshotOf(nodes), filters: [cpuFit], statuses })).toEqual({
      message: 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      clearNominatedNodeName: true,
    })
  })

  it('treats nodes missing from the statuses with the absent status', () => {
    const nodes = [nodeInfo(makeNode('n1', { cpu: '1' }), running('low', 'n1', '1', 0))]
    const input = { pod: high(), snapshot: snapshotOf(nodes), filters: [cpuFit], statuses: new Map<string, Status>(), offset: 0 }
    expect('message' in evaluatePreemption(input)).toBe(true)
    expect(evaluatePreemption({ ...input, absentStatus: unschedulable('Insufficient cpu') })).toMatchObject({ nodeName: 'n1' })
  })

  it('respects preemptionPolicy Never', () => {
    const nodes = [nodeInfo(makeNode('n1', { cpu: '1' }), running('low', 'n1', '1', 0))]
    expect(preempt(high({ spec: { preemptionPolicy: 'Never' } }), nodes)).toEqual({
      message: 'preemption: not eligible due to preemptionPolicy=Never.',
      clearNominatedNodeName: false,
    })
  })

  it('waits while earlier victims are terminating on the nominated node', () => {
    const leaving = running('leaving', 'n1', '1', 0)
    leaving.metadata.deletionTimestamp = '2026-06-01T00:00:00Z'
    leaving.status = { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] }
    const nodes = [nodeInfo(makeNode('n1', { cpu: '1' }), leaving), nodeInfo(makeNode('n2', { cpu: '1' }), running('low', 'n2', '1', 0))]
    const pod = podInfo('important', { requests: { cpu: '1' }, priority: 100 })
    pod.pod.status = { nominatedNodeName: 'n1' }
    expect(preempt(pod, nodes)).toEqual({ message: 'preemption: not eligible due to a terminating pod on the nominated node.', clearNominatedNodeName: false })
    // Not nominated (or nominated elsewhere), it preempts again.
    pod.pod.status = {}
    expect('nodeName' in preempt(pod, nodes)).toBe(true)
  })
})

describe('evaluatePreemption with pod-counting plugins', () => {
  it('re-runs preFilter so that removing an anti-affine pod frees the node', () => {
    const loner = podInfo('loner', {
      labels: { app: 'web' }, priority: 100,
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } },
    })
    const nodes = [
      nodeInfo(makeNode('n1'), makePod('web-low', { labels: { app: 'web' }, nodeName: 'n1', priority: 1 })),
      nodeInfo(makeNode('n2'), makePod('web-high', { labels: { app: 'web' }, nodeName: 'n2', priority: 500 })),
    ]
    const outcome = preempt(loner, nodes, {}, [cpuFit, interPodAffinityFilter])
    expect(outcome).toMatchObject({ nodeName: 'n1' })
    expect(victimNames(outcome)).toEqual(['web-low'])
  })

  it('re-runs preFilter for topology spread: removing a low-priority pod of the group makes room', () => {
    const zone = 'topology.kubernetes.io/zone'
    const spread = {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
    }
    const web = (name: string, node: string, priority: number) => makePod(name, { labels: { app: 'web' }, nodeName: node, priority })
    // Zones a 2, b 1, c 1: a is over the skew (2 + 1 - 1 > 1); b and c have no cpu left.
    const nodes = [
      nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } }), web('w1', 'a1', 1), web('w2', 'a1', 200)),
      nodeInfo(makeNode('b1', { cpu: '0', labels: { [zone]: 'b' } }), web('w3', 'b1', 200)),
      nodeInfo(makeNode('c1', { cpu: '0', labels: { [zone]: 'c' } }), web('w4', 'c1', 200)),
    ]
    const pod = podInfo('web-new', { labels: { app: 'web' }, priority: 100, requests: { cpu: '100m' }, spec: spread })
    const outcome = preempt(pod, nodes, {}, [cpuFit, podTopologySpreadFilter])
    expect(outcome).toMatchObject({ nodeName: 'a1' })
    expect(victimNames(outcome)).toEqual(['w1'])
  })
})
