import { describe, expect, it } from 'vitest'
import type { Pod } from '../../shared/core-types.ts'
import { podInfoOf, type CycleState, type NodeInfo, type PodInfo, type Snapshot, type Status } from '../framework.ts'
import { makeNode, makePod, nodeInfo, podInfo, snapshotOf, type PodFixture } from '../test-fixtures.ts'
import {
  podTopologySpreadFilter, podTopologySpreadScore, reasonConstraintsNotMatch, reasonNodeLabelNotMatch,
  type TopologySpreadConstraint,
} from './pod-topology-spread.ts'

const zone = 'topology.kubernetes.io/zone'
const hostname = 'kubernetes.io/hostname'

function spreadPod(name: string, constraints: TopologySpreadConstraint[], fixture: PodFixture = {}): PodInfo {
  return podInfo(name, { labels: { app: 'web' }, ...fixture, spec: { topologySpreadConstraints: constraints, ...fixture.spec } })
}

const hard = (topologyKey: string, maxSkew = 1, extra: TopologySpreadConstraint = {}): TopologySpreadConstraint =>
  ({ topologyKey, maxSkew, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra })
const soft = (topologyKey: string, maxSkew = 1): TopologySpreadConstraint =>
  ({ topologyKey, maxSkew, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } })

const webs = (node: string, n: number, fixture: PodFixture = {}): Pod[] =>
  Array.from({ length: n }, (_, i) => makePod(`${node}-web-${i}`, { labels: { app: 'web' }, nodeName: node, ...fixture }))

function filterAll(pod: PodInfo, snapshot: Snapshot): Record<string, Status> {
  const state: CycleState = new Map()
  expect(podTopologySpreadFilter.preFilter?.(state, pod, snapshot)).toBeUndefined()
  return Object.fromEntries(snapshot.nodes.map((n) => [n.name, podTopologySpreadFilter.filter(state, pod, n)]))
}

const codes = (statuses: Record<string, Status>) => Object.fromEntries(Object.entries(statuses).map(([n, s]) => [n, s.code]))

function scoreAll(pod: PodInfo, snapshot: Snapshot, nodes: readonly NodeInfo[] = snapshot.nodes): Record<string, number> {
  const state: CycleState = new Map()
  podTopologySpreadScore.preScore?.(state, pod, nodes, snapshot)
  const scores = nodes.map((n) => podTopologySpreadScore.score(state, pod, n))
  podTopologySpreadScore.normalize?.(state, pod, nodes, scores)
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]]))
}

describe('PodTopologySpread filter', () => {
  const zones = () => snapshotOf([
    nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } }), ...webs('a1', 2)),
    nodeInfo(makeNode('b1', { labels: { [zone]: 'b' } }), ...webs('b1', 1)),
    nodeInfo(makeNode('x1')),
  ])

  it('rejects domains where the pod would exceed maxSkew over the emptiest', () => {
    // a: 2 + 1 - 1 = 2 > 1; b: 1 + 1 - 1 = 1.
    const statuses = filterAll(spreadPod('p', [hard(zone)]), zones())
    expect(statuses.a1).toEqual({ code: 'Unschedulable', reasons: [reasonConstraintsNotMatch] })
    expect(statuses.b1.code).toBe('Success')
    expect(statuses.x1).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [reasonNodeLabelNotMatch] })
  })

  it('allows a larger skew with a larger maxSkew', () => {
    expect(filterAll(spreadPod('p', [hard(zone, 2)]), zones()).a1.code).toBe('Success')
  })

  it('does not count itself when its labels are not selected', () => {
    expect(filterAll(spreadPod('p', [hard(zone)], { labels: { app: 'db' } }), zones()).a1.code).toBe('Success')
  })

  it('measures against 0 while there are fewer than minDomains domains', () => {
    const even = snapshotOf([
      nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } }), ...webs('a1', 1)),
      nodeInfo(makeNode('b1', { labels: { [zone]: 'b' } }), ...webs('b1', 1)),
    ])
    expect(Object.values(codes(filterAll(spreadPod('p', [hard(zone, 1, { minDomains: 2 })]), even)))).toEqual(['Success', 'Success'])
    expect(Object.values(codes(filterAll(spreadPod('p', [hard(zone, 1, { minDomains: 3 })]), even)))).toEqual(['Unschedulable', 'Unschedulable'])
  })

  it('counts only pods of its namespace that are not terminating', () => {
    const dying = makePod('dying', { labels: { app: 'web' }, nodeName: 'a1' })
    dying.metadata.deletionTimestamp = '2026-01-02T00:00:00Z'
    const snapshot = snapshotOf([
      nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } }), ...webs('a1', 3, { namespace: 'other' }), dying),
      nodeInfo(makeNode('b1', { labels: { [zone]: 'b' } })),
    ])
    expect(codes(filterAll(spreadPod('p', [hard(zone)]), snapshot))).toEqual({ a1: 'Success', b1: 'Success' })
  })

  it("leaves nodes outside the pod's node affinity out of the counts unless nodeAffinityPolicy is Ignore", () => {
    // c (no ssd, empty) would be the emptiest domain; the pod may not go there.
    const snapshot = snapshotOf([
      nodeInfo(makeNode('a1', { labels: { [zone]: 'a', disk: 'ssd' } }), ...webs('a1', 1)),
      nodeInfo(makeNode('b1', { labels: { [zone]: 'b', disk: 'ssd' } }), ...webs('b1', 1)),
      nodeInfo(makeNode('c1', { labels: { [zone]: 'c' } })),
    ])
    const fixture: PodFixture = { spec: { nodeSelector: { disk: 'ssd' } } }
    // Honor: domains a 1, b 1; b: 1 + 1 - 1 = 1. Ignore: c's 0 is the minimum; b: 2 > 1.
    expect(filterAll(spreadPod('p', [hard(zone)], fixture), snapshot).b1.code).toBe('Success')
    expect(filterAll(spreadPod('p', [hard(zone, 1, { nodeAffinityPolicy: 'Ignore' })], fixture), snapshot).b1.code).toBe('Unschedulable')
    const affinity: PodFixture = {
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } } },
    }
    expect(filterAll(spreadPod('p', [hard(zone)], affinity), snapshot).b1.code).toBe('Success')
  })

  it('leaves tainted nodes out of the counts with nodeTaintsPolicy Honor', () => {
    const snapshot = snapshotOf([
      nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } })),
      nodeInfo(makeNode('b1', { labels: { [zone]: 'b' } }), ...webs('b1', 2)),
      nodeInfo(makeNode('c1', { labels: { [zone]: 'c' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] })),
    ])
    // The tainted node counts by default (nodeTaintsPolicy Ignore): b: 2 + 1 - 0 = 3 > 2 either way.
    expect(filterAll(spreadPod('p', [hard(zone, 2)]), snapshot).b1.code).toBe('Unschedulable')
    // a tainted: with Ignore the minimum is a's 0 (c: 1 + 1 - 0 > 1); with Honor it is c's 1.
    const aTainted = snapshotOf([
      nodeInfo(makeNode('a1', { labels: { [zone]: 'a' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] })),
      nodeInfo(makeNode('b1', { labels: { [zone]: 'b' } }), ...webs('b1', 2)),
      nodeInfo(makeNode('c1', { labels: { [zone]: 'c' } }), ...webs('c1', 1)),
    ])
    expect(filterAll(spreadPod('p', [hard(zone)]), aTainted).c1.code).toBe('Unschedulable')
    expect(filterAll(spreadPod('p', [hard(zone, 1, { nodeTaintsPolicy: 'Honor' })]), aTainted).c1.code).toBe('Success')
    const tolerating: PodFixture = { spec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } }
    expect(filterAll(spreadPod('p', [hard(zone, 1, { nodeTaintsPolicy: 'Honor' })], tolerating), aTainted).c1.code).toBe('Unschedulable')
  })

  it('narrows the selector with matchLabelKeys', () => {
    const snapshot = snapshotOf([
      nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } }), ...webs('a1', 2, { labels: { app: 'web', rev: '1' } })),
      nodeInfo(makeNode('b1', { labels: { [zone]: 'b' } })),
    ])
    const pod = (c: TopologySpreadConstraint) => spreadPod('p', [c], { labels: { app: 'web', rev: '2' } })
    expect(filterAll(pod(hard(zone)), snapshot).a1.code).toBe('Unschedulable')
    expect(filterAll(pod(hard(zone, 1, { matchLabelKeys: ['rev'] })), snapshot).a1.code).toBe('Success')
  })

  it('passes every node without DoNotSchedule constraints, including for system defaults', () => {
    const snapshot = snapshotOf([nodeInfo(makeNode('a1'), ...webs('a1', 9, { ownerUid: 'rs' }))])
    expect(filterAll(podInfo('p', { labels: { app: 'web' }, ownerUid: 'rs' }), snapshot).a1.code).toBe('Success')
    expect(filterAll(spreadPod('p', [soft(hostname)]), snapshot).a1.code).toBe('Success')
  })

  it('sees pods added to a node since the last cycle', () => {
    const a1 = nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } }), ...webs('a1', 1))
    const snapshot = snapshotOf([a1, nodeInfo(makeNode('b1', { labels: { [zone]: 'b' } }), ...webs('b1', 1))])
    expect(filterAll(spreadPod('p', [hard(zone)]), snapshot).a1.code).toBe('Success')
    a1.addPod(podInfoOf(makePod('late', { labels: { app: 'web' }, nodeName: 'a1' })))
    expect(filterAll(spreadPod('p', [hard(zone)]), snapshot).a1.code).toBe('Unschedulable')
  })

  it('reports a bad selector as an error', () => {
    const status = podTopologySpreadFilter.preFilter?.(new Map(), spreadPod('p', [hard(zone, 1, { labelSelector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } })]), snapshotOf([]))
    expect(status?.code).toBe('Error')
  })
})

describe('PodTopologySpread score', () => {
  it('scores the emptier node higher (hand-computed from upstream formulas)', () => {
    // One hostname constraint, maxSkew 1, 2 feasible nodes: weight ln(2 + 2).
    // a1: 2 * ln 4 + 0 = 2.77 -> 3; b1: 0. Normalized 100 * (max + min - s) / max: a1 0, b1 100.
    const snapshot = snapshotOf([nodeInfo(makeNode('a1'), ...webs('a1', 2)), nodeInfo(makeNode('b1'))])
    expect(scoreAll(spreadPod('p', [soft(hostname)]), snapshot)).toEqual({ a1: 0, b1: 100 })
  })

  it('applies the system defaults to pods with a controller owner', () => {
    // hostname maxSkew 3: a1 2 * ln 4 + 2 = 4.77 -> 5, b1 2; no zone labels, so no zone term.
    // a1: 100 * (5 + 2 - 5) / 5 = 40; b1: 100 * (5 + 2 - 2) / 5 = 100.
    const snapshot = snapshotOf([nodeInfo(makeNode('a1'), ...webs('a1', 2, { ownerUid: 'rs-1' })), nodeInfo(makeNode('b1'))])
    expect(scoreAll(podInfo('p', { ownerUid: 'rs-1' }), snapshot)).toEqual({ a1: 40, b1: 100 })
    // Pods of another owner do not count; a pod without an owner is not spread.
    expect(scoreAll(podInfo('p', { ownerUid: 'rs-2' }), snapshot)).toEqual({ a1: 100, b1: 100 })
    expect(scoreAll(podInfo('p'), snapshot)).toEqual({ a1: 0, b1: 0 })
  })

  it('combines the default hostname and zone constraints', () => {
    // Weights: hostname ln(3 + 2) = 1.609, zone ln(2 + 2) = 1.386 (domains a, b). Zone counts a 1, b 0.
    // n1: (1 * 1.609 + 2) + (1 * 1.386 + 4) = 9.00 -> 9; n2: 2 + 5.386 -> 7; n3: 2 + 4 = 6.
    // 100 * (9 + 6 - s) / 9: n1 66, n2 88, n3 100.
    const snapshot = snapshotOf([
      nodeInfo(makeNode('n1', { labels: { [zone]: 'a' } }), makePod('w', { ownerUid: 'rs', nodeName: 'n1' })),
      nodeInfo(makeNode('n2', { labels: { [zone]: 'a' } })),
      nodeInfo(makeNode('n3', { labels: { [zone]: 'b' } })),
    ])
    expect(scoreAll(podInfo('p', { ownerUid: 'rs' }), snapshot)).toEqual({ n1: 66, n2: 88, n3: 100 })
  })

  it('gives 0 to feasible nodes missing a key of explicit constraints', () => {
    const snapshot = snapshotOf([nodeInfo(makeNode('a1', { labels: { [zone]: 'a' } }), ...webs('a1', 1)), nodeInfo(makeNode('x1'))])
    expect(scoreAll(spreadPod('p', [soft(zone)]), snapshot)).toEqual({ a1: 100, x1: 0 })
  })

  it('ignores DoNotSchedule constraints and does not fall back to defaults when the pod has some', () => {
    const snapshot = snapshotOf([nodeInfo(makeNode('a1'), ...webs('a1', 2, { ownerUid: 'rs' })), nodeInfo(makeNode('b1'))])
    expect(scoreAll(spreadPod('p', [hard(hostname)], { ownerUid: 'rs' }), snapshot)).toEqual({ a1: 0, b1: 0 })
  })

  it('spreads a ReplicaSet 3/2 over 2 nodes and 2/2/2 over 3 when placed by this score alone', () => {
    const place = (nodeNames: string[], replicas: number) => {
      const nodes = nodeNames.map((n) => nodeInfo(makeNode(n)))
      const snapshot = snapshotOf(nodes)
      for (let i = 0; i < replicas; i++) {
        const pod = podInfo(`rs-${i}`, { ownerUid: 'rs' })
        const scores = scoreAll(pod, snapshot)
        // Highest score; ties to the first node, the worst case for spreading.
        const best = nodes.reduce((b, n) => (scores[n.name] > scores[b.name] ? n : b))
        best.addPod(podInfoOf({ ...pod.pod, spec: { ...pod.pod.spec, nodeName: best.name } }))
      }
      return nodes.map((n) => n.pods.size)
    }
    expect(place(['n1', 'n2'], 5)).toEqual([3, 2])
    expect(place(['n1', 'n2', 'n3'], 6)).toEqual([2, 2, 2])
  })
})
