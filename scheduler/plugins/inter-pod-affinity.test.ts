import { describe, expect, it } from 'vitest'
import type { PodAffinityTerm, PodSpec } from '../../shared/core-types.ts'
import { podInfoOf, type CycleState, type NodeInfo, type PodInfo, type Snapshot, type Status } from '../framework.ts'
import { makeNode, makePod, nodeInfo, podInfo, snapshotOf } from '../test-fixtures.ts'
import {
  interPodAffinityFilter, interPodAffinityScore,
  reasonAffinityRulesNotMatch, reasonAntiAffinityRulesNotMatch, reasonExistingAntiAffinityRulesNotMatch,
} from './inter-pod-affinity.ts'

const zone = 'topology.kubernetes.io/zone'
const hostname = 'kubernetes.io/hostname'

function term(labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm {
  return { labelSelector: { matchLabels: labels }, topologyKey, ...extra }
}

function filterAll(pod: PodInfo, snapshot: Snapshot): Record<string, Status> {
  const state: CycleState = new Map()
  const rejected = interPodAffinityFilter.preFilter?.(state, pod, snapshot)
  expect(rejected).toBeUndefined()
  return Object.fromEntries(snapshot.nodes.map((n) => [n.name, interPodAffinityFilter.filter(state, pod, n)]))
}

function scoreAll(pod: PodInfo, snapshot: Snapshot, nodes: readonly NodeInfo[] = snapshot.nodes): Record<string, number> {
  const state: CycleState = new Map()
  interPodAffinityScore.preScore?.(state, pod, nodes, snapshot)
  const scores = nodes.map((n) => interPodAffinityScore.score(state, pod, n))
  interPodAffinityScore.normalize?.(state, pod, nodes, scores)
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]]))
}

const codes = (statuses: Record<string, Status>) => Object.fromEntries(Object.entries(statuses).map(([n, s]) => [n, s.code]))

const withAffinity = (name: string, spec: Partial<PodSpec>, labels: Record<string, string> = {}, namespace = 'default') =>
  podInfo(name, { labels, namespace, spec })

describe('InterPodAffinity filter: the pod\'s required affinity', () => {
  const nodes = () => [
    nodeInfo(makeNode('n1', { labels: { [zone]: 'a' } }), makePod('db', { labels: { app: 'db' }, nodeName: 'n1' })),
    nodeInfo(makeNode('n2', { labels: { [zone]: 'a' } })),
    nodeInfo(makeNode('n3', { labels: { [zone]: 'b' } })),
    nodeInfo(makeNode('n4')),
  ]
  const pod = withAffinity('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, zone)] } } })

  it('admits the nodes in a domain holding a matching pod, and only those', () => {
    const statuses = filterAll(pod, snapshotOf(nodes()))
    expect(codes(statuses)).toEqual({ n1: 'Success', n2: 'Success', n3: 'UnschedulableAndUnresolvable', n4: 'UnschedulableAndUnresolvable' })
    expect(statuses.n3.reasons).toEqual([reasonAffinityRulesNotMatch])
  })

  it('lets the first pod of a self-affine group in, on nodes carrying the topology key', () => {
    const first = withAffinity('web-1', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, zone)] } } }, { app: 'web' })
    expect(codes(filterAll(first, snapshotOf(nodes())))).toEqual({ n1: 'Success', n2: 'Success', n3: 'Success', n4: 'UnschedulableAndUnresolvable' })
  })

  it('does not let a pod that does not match its own terms in when nothing matches', () => {
    const lonely = withAffinity('x', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, zone)] } } })
    expect(Object.values(codes(filterAll(lonely, snapshotOf(nodes()))))).toEqual(Array(4).fill('UnschedulableAndUnresolvable'))
  })

  it('stops the self-affinity exception once a matching pod exists somewhere', () => {
    const second = withAffinity('db-2', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, zone)] } } }, { app: 'db' })
    expect(codes(filterAll(second, snapshotOf(nodes()))).n3).toBe('UnschedulableAndUnresolvable')
  })

  it('needs one pod matching all terms, counted under each term', () => {
    const both = withAffinity('w', {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, zone), term({ tier: 'data' }, hostname)] } },
    })
    const snapshot = snapshotOf([
      nodeInfo(makeNode('n1', { labels: { [zone]: 'a' } }), makePod('db', { labels: { app: 'db' }, nodeName: 'n1' })),
      nodeInfo(makeNode('n2', { labels: { [zone]: 'a' } }), makePod('data', { labels: { tier: 'data' }, nodeName: 'n2' })),
      nodeInfo(makeNode('n3', { labels: { [zone]: 'a' } }), makePod('both', { labels: { app: 'db', tier: 'data' }, nodeName: 'n3' })),
    ])
    expect(codes(filterAll(both, snapshot))).toEqual({ n1: 'UnschedulableAndUnresolvable', n2: 'UnschedulableAndUnresolvable', n3: 'Success' })
  })
})

describe('InterPodAffinity filter: anti-affinity', () => {
  it('keeps the pod out of domains holding pods its anti-affinity matches (Unschedulable: preemption may help)', () => {
    const pod = withAffinity('web-2', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, hostname)] } } }, { app: 'web' })
    const snapshot = snapshotOf([
      nodeInfo(makeNode('n1'), makePod('web-1', { labels: { app: 'web' }, nodeName: 'n1' })),
      nodeInfo(makeNode('n2'), makePod('other', { labels: { app: 'db' }, nodeName: 'n2' })),
    ])
    const statuses = filterAll(pod, snapshot)
    expect(statuses.n1).toEqual({ code: 'Unschedulable', reasons: [reasonAntiAffinityRulesNotMatch] })
    expect(statuses.n2.code).toBe('Success')
  })

  it("keeps the pod out of domains where an existing pod's anti-affinity matches it", () => {
    const guard = makePod('guard', {
      labels: { app: 'guard' }, nodeName: 'n1',
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, zone)] } } },
    })
    const snapshot = snapshotOf([
      nodeInfo(makeNode('n1', { labels: { [zone]: 'a' } }), guard),
      nodeInfo(makeNode('n2', { labels: { [zone]: 'a' } })),
      nodeInfo(makeNode('n3', { labels: { [zone]: 'b' } })),
    ])
    const statuses = filterAll(podInfo('web', { labels: { app: 'web' } }), snapshot)
    expect(statuses.n2).toEqual({ code: 'Unschedulable', reasons: [reasonExistingAntiAffinityRulesNotMatch] })
    expect(codes(statuses)).toEqual({ n1: 'Unschedulable', n2: 'Unschedulable', n3: 'Success' })
    // A pod the guard's selector does not pick goes anywhere.
    expect(Object.values(codes(filterAll(podInfo('db', { labels: { app: 'db' } }), snapshot)))).toEqual(['Success', 'Success', 'Success'])
  })

  it('passes every node when neither side has terms', () => {
    const snapshot = snapshotOf([nodeInfo(makeNode('n1'), makePod('a', { labels: { app: 'web' }, nodeName: 'n1' }))])
    expect(filterAll(podInfo('b', { labels: { app: 'web' } }), snapshot).n1.code).toBe('Success')
  })

  it('reports an error when preFilter did not run', () => {
    expect(interPodAffinityFilter.filter(new Map(), podInfo('p'), nodeInfo(makeNode('n1'))).code).toBe('Error')
  })

  it('rejects a pod whose selector does not parse', () => {
    const bad = withAffinity('bad', {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, topologyKey: zone }] } },
    })
    const status = interPodAffinityFilter.preFilter?.(new Map(), bad, snapshotOf([]))
    expect(status?.code).toBe('UnschedulableAndUnresolvable')
    expect(status?.reasons[0]).toMatch(/^parsing pod: /)
  })
})

describe('InterPodAffinity: per-node counts carried between cycles', () => {
  const antiWeb = () => withAffinity('web-x', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, hostname)] } } }, { app: 'web' })

  it('sees pods added to or removed from a node since the last cycle', () => {
    const n1 = nodeInfo(makeNode('n1'))
    const snapshot = snapshotOf([n1, nodeInfo(makeNode('n2'))])
    expect(codes(filterAll(antiWeb(), snapshot))).toEqual({ n1: 'Success', n2: 'Success' })
    n1.addPod(podInfoOf(makePod('web-1', { labels: { app: 'web' }, nodeName: 'n1' })))
    expect(codes(filterAll(antiWeb(), snapshot))).toEqual({ n1: 'Unschedulable', n2: 'Success' })
    n1.removePod('default/web-1')
    expect(codes(filterAll(antiWeb(), snapshot))).toEqual({ n1: 'Success', n2: 'Success' })
  })

  it('follows namespace label changes for terms with a namespaceSelector', () => {
    const namespaces: Record<string, Record<string, string>> = { prod: { env: 'prod' } }
    const snapshot = snapshotOf([nodeInfo(makeNode('n1'), makePod('web-1', { labels: { app: 'web' }, nodeName: 'n1', namespace: 'prod' }))], namespaces)
    const pod = () => withAffinity('web-x', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, hostname, { namespaceSelector: { matchLabels: { env: 'prod' } } })] } },
    })
    expect(filterAll(pod(), snapshot).n1.code).toBe('Unschedulable')
    namespaces.prod = { env: 'staging' }
    expect(filterAll(pod(), snapshot).n1.code).toBe('Success')
  })
})

describe('InterPodAffinity: namespaces', () => {
  const snapshot = () => snapshotOf([
    nodeInfo(makeNode('n1'), makePod('db', { labels: { app: 'db' }, nodeName: 'n1', namespace: 'prod' })),
    nodeInfo(makeNode('n2'), makePod('db', { labels: { app: 'db' }, nodeName: 'n2', namespace: 'dev' })),
    nodeInfo(makeNode('n3'), makePod('db', { labels: { app: 'db' }, nodeName: 'n3' })),
  ], { prod: { env: 'prod' }, dev: { env: 'dev' }, default: {} })
  const affine = (extra: Partial<PodAffinityTerm>) =>
    withAffinity('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, hostname, extra)] } } })
  const admitted = (pod: PodInfo) => Object.entries(filterAll(pod, snapshot())).filter(([, s]) => s.code === 'Success').map(([n]) => n)

  it("defaults to the pod's own namespace", () => {
    expect(admitted(affine({}))).toEqual(['n3'])
  })

  it('takes the listed namespaces', () => {
    expect(admitted(affine({ namespaces: ['prod', 'dev'] }))).toEqual(['n1', 'n2'])
  })

  it('adds the namespaces a namespaceSelector picks; {} picks all', () => {
    expect(admitted(affine({ namespaceSelector: { matchLabels: { env: 'prod' } } }))).toEqual(['n1'])
    expect(admitted(affine({ namespaces: ['dev'], namespaceSelector: { matchLabels: { env: 'prod' } } }))).toEqual(['n1', 'n2'])
    expect(admitted(affine({ namespaceSelector: {} }))).toEqual(['n1', 'n2', 'n3'])
  })

  it("matches an existing pod's namespaceSelector against the incoming pod's namespace labels", () => {
    const guard = (selector: Record<string, string>) => makePod('guard', {
      nodeName: 'n1', namespace: 'prod',
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, hostname, { namespaceSelector: { matchLabels: selector } })] } } },
    })
    const nodes = (selector: Record<string, string>) => snapshotOf([nodeInfo(makeNode('n1'), guard(selector))], { prod: { env: 'prod' }, dev: { env: 'dev' } })
    const web = podInfo('web', { labels: { app: 'web' }, namespace: 'dev' })
    expect(filterAll(web, nodes({ env: 'dev' })).n1.code).toBe('Unschedulable')
    expect(filterAll(web, nodes({ env: 'prod' })).n1.code).toBe('Success')
  })

  it('narrows the selector with matchLabelKeys and mismatchLabelKeys', () => {
    const nodes = snapshotOf([
      nodeInfo(makeNode('n1'), makePod('a', { labels: { app: 'web', version: 'v1' }, nodeName: 'n1' })),
      nodeInfo(makeNode('n2'), makePod('b', { labels: { app: 'web', version: 'v2' }, nodeName: 'n2' })),
    ])
    const pod = (extra: Partial<PodAffinityTerm>) => withAffinity('c', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, hostname, extra)] } },
    }, { app: 'web', version: 'v2' })
    expect(codes(filterAll(pod({ matchLabelKeys: ['version'] }), nodes))).toEqual({ n1: 'Success', n2: 'Unschedulable' })
    expect(codes(filterAll(pod({ mismatchLabelKeys: ['version'] }), nodes))).toEqual({ n1: 'Unschedulable', n2: 'Success' })
  })
})

describe('InterPodAffinity score', () => {
  it('weighs the pod\'s preferred terms, min-max normalized', () => {
    // n1: +10 (db on it, by hostname); n2: 0; n3: -5 (cache in zone b).
    // (x - min) / (max - min) * 100: n1 15/15 -> 100, n2 5/15 -> 33, n3 0.
    const snapshot = snapshotOf([
      nodeInfo(makeNode('n1', { labels: { [zone]: 'a' } }), makePod('db', { labels: { app: 'db' }, nodeName: 'n1' })),
      nodeInfo(makeNode('n2', { labels: { [zone]: 'a' } })),
      nodeInfo(makeNode('n3', { labels: { [zone]: 'b' } }), makePod('cache', { labels: { app: 'cache' }, nodeName: 'n3' })),
    ])
    const pod = withAffinity('web', {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'db' }, hostname) }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: 'cache' }, zone) }] },
      },
    })
    expect(scoreAll(pod, snapshot)).toEqual({ n1: 100, n2: 33, n3: 0 })
  })

  it("adds existing pods' terms: required affinity at weight 1, preferred at theirs", () => {
    // leader on n1 requires app=web by zone: +1 for zone a (n1, n2).
    // loner on n3 prefers away from app=web by hostname, weight 3: -3 for n3.
    // fan on n4 prefers app=web by hostname, weight 4: +4 for n4.
    // Raw: n1 1, n2 1, n3 -3, n4 4; (x + 3) / 7 * 100 -> 57, 57, 0, 100.
    const snapshot = snapshotOf([
      nodeInfo(makeNode('n1', { labels: { [zone]: 'a' } }), makePod('leader', {
        nodeName: 'n1', spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, zone)] } } },
      })),
      nodeInfo(makeNode('n2', { labels: { [zone]: 'a' } })),
      nodeInfo(makeNode('n3', { labels: { [zone]: 'b' } }), makePod('loner', {
        nodeName: 'n3', spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, podAffinityTerm: term({ app: 'web' }, hostname) }] } } },
      })),
      nodeInfo(makeNode('n4', { labels: { [zone]: 'b' } }), makePod('fan', {
        nodeName: 'n4', spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 4, podAffinityTerm: term({ app: 'web' }, hostname) }] } } },
      })),
    ])
    expect(scoreAll(podInfo('web', { labels: { app: 'web' } }), snapshot)).toEqual({ n1: 57, n2: 57, n3: 0, n4: 100 })
  })

  it('counts pods on every node, not just the feasible ones', () => {
    const snapshot = snapshotOf([
      nodeInfo(makeNode('n1', { labels: { [zone]: 'a' } }), makePod('db', { labels: { app: 'db' }, nodeName: 'n1' })),
      nodeInfo(makeNode('n2', { labels: { [zone]: 'a' } })),
      nodeInfo(makeNode('n3', { labels: { [zone]: 'b' } })),
    ])
    const pod = withAffinity('web', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term({ app: 'db' }, zone) }] } } })
    expect(scoreAll(pod, snapshot, snapshot.nodes.slice(1))).toEqual({ n2: 100, n3: 0 })
  })

  it('scores 0 everywhere without any terms, or when all nodes are equal', () => {
    const snapshot = snapshotOf([nodeInfo(makeNode('n1'), makePod('a', { nodeName: 'n1' })), nodeInfo(makeNode('n2'))])
    expect(scoreAll(podInfo('p'), snapshot)).toEqual({ n1: 0, n2: 0 })
    const pod = withAffinity('p', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term({ app: 'db' }, zone) }] } } })
    expect(scoreAll(pod, snapshot)).toEqual({ n1: 0, n2: 0 })
  })
})
