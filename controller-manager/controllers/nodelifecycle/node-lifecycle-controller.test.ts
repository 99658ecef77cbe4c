import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../shared/clock.ts'
import type { Node, Pod } from '../../../shared/core-types.ts'
import { Indexer, builtinIndexers } from '../../../shared/informer/index.ts'
import type { Lease } from '../../../shared/leader-election.ts'
import { createLogger } from '../../../shared/logger.ts'
import { formatTime } from './node-health.ts'
import { NodeLifecycleController } from './node-lifecycle-controller.ts'

const t0 = Date.parse('2024-01-01T00:00:00Z')

function setup(names: string[]) {
  const clock = new FakeClock(t0)
  const nodes = new Indexer<Node>()
  const pods = new Indexer<Pod>(builtinIndexers as Record<string, (p: Pod) => string[]>)
  const leases = new Indexer<Lease>()
  const events: string[] = []
  let rv = 1
  const heartbeat = (name: string, status = 'True') => {
    const old = nodes.get(name)
    nodes.set({ metadata: { name, uid: name, resourceVersion: String(rv++), creationTimestamp: formatTime(t0) }, spec: old?.spec ?? {}, status: { conditions: [
      { type: 'Ready', status, reason: 'KubeletReady', lastHeartbeatTime: formatTime(clock.now()), lastTransitionTime: formatTime(t0) },
    ] } })
  }
  for (const name of names) {
    heartbeat(name)
    pods.set({ metadata: { name: `pod-${name}`, namespace: 'ns', uid: `pod-${name}` }, spec: { nodeName: name }, status: { conditions: [{ type: 'Ready', status: 'True' }] } })
  }
  const controller = new NodeLifecycleController({
    nodes, pods, leases, clock, log: createLogger('test', 'silent'),
    recorder: { event: (obj, _type, reason, message) => void events.push(`${obj.metadata.name} ${reason}: ${message}`) },
    api: {
      getNode: async (name) => structuredClone(nodes.get(name)!),
      updateNodeStatus: async (node) => {
        const stored = { ...structuredClone(node), metadata: { ...node.metadata, resourceVersion: String(rv++) } }
        nodes.set(stored)
        return stored
      },
      patchNodeTaints: async (name, _rv, taints) => {
        const stored = structuredClone(nodes.get(name)!)
        stored.spec = { ...stored.spec, taints }
        stored.metadata.resourceVersion = String(rv++)
        nodes.set(stored)
        return stored
      },
      patchNodeLabels: async () => {},
      patchPodReady: async (pod, ready) => {
        const stored = structuredClone(pods.get(`ns/${pod.metadata.name}`)!)
        stored.status = { conditions: [ready] }
        pods.set(stored)
      },
    },
  }, { monitorGracePeriodMs: 3000, startupGracePeriodMs: 5000, evictionLimiterQPS: 0.1 })
  const taintsOf = (name: string) => (nodes.get(name)!.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`)
  const podReady = (name: string) => pods.get(`ns/pod-${name}`)!.status!.conditions![0].status
  return { clock, nodes, pods, leases, events, controller, heartbeat, taintsOf, podReady }
}

describe('NodeLifecycleController', () => {
  it('registers nodes, then marks a silent one Unknown, its pods NotReady and taints it unreachable:NoExecute', async () => {
    const t = setup(['a', 'b', 'c'])
    await t.controller.monitorNodeHealth()
    expect(t.events).toEqual(['a', 'b', 'c'].map((n) => `${n} RegisteredNode: Node ${n} event: Registered Node ${n} in Controller`))
    await t.clock.advance(2000)
    t.heartbeat('a'); t.heartbeat('b')
    await t.controller.monitorNodeHealth()
    await t.clock.advance(2000)
    t.heartbeat('a'); t.heartbeat('b')
    await t.controller.monitorNodeHealth()
    expect(t.nodes.get('c')!.status!.conditions![0]).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' })
    expect(t.events.at(-1)).toBe('pod-c NodeNotReady: Node is not ready')
    // As upstream, the pass that writes Unknown judges taints by the Ready it found; the next one taints.
    expect(t.taintsOf('c')).toEqual([])
    await t.clock.advance(1000)
    t.heartbeat('a'); t.heartbeat('b')
    await t.controller.monitorNodeHealth()
    expect(t.events).toContain('c NodeNotReady: Node c status is now: NodeNotReady')
    expect(t.podReady('c')).toBe('False')
    expect(t.podReady('a')).toBe('True')
    expect(t.taintsOf('c')).toEqual(['node.kubernetes.io/unreachable:NoExecute'])
    expect(t.taintsOf('a')).toEqual([])

    // The NoSchedule pass (run on the Node update) adds the condition taint.
    await t.controller.processNode('c')
    expect(t.taintsOf('c')).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule'])

    // Back: Ready again; both taints go.
    t.heartbeat('c')
    await t.controller.monitorNodeHealth()
    await t.controller.processNode('c')
    expect(t.taintsOf('c')).toEqual([])
  })

  it('uses not-ready instead of unreachable when the kubelet reports Ready False, swapping at once', async () => {
    const t = setup(['a', 'b'])
    await t.controller.monitorNodeHealth()
    await t.clock.advance(4000)
    t.heartbeat('a')
    await t.controller.monitorNodeHealth()
    await t.controller.monitorNodeHealth()
    expect(t.taintsOf('b')).toEqual(['node.kubernetes.io/unreachable:NoExecute'])
    t.heartbeat('b', 'False')
    await t.controller.monitorNodeHealth()
    expect(t.taintsOf('b')).toEqual(['node.kubernetes.io/not-ready:NoExecute'])
  })

  it('does not mark a node with a renewed Lease', async () => {
    const t = setup(['a', 'b'])
    const renew = () => t.leases.set({ metadata: { name: 'b', namespace: 'kube-node-lease' }, spec: { renewTime: new Date(t.clock.now()).toISOString().replace('Z', '000Z') } })
    renew()
    await t.controller.monitorNodeHealth()
    for (let i = 0; i < 5; i++) {
      await t.clock.advance(2000)
      t.heartbeat('a')
      renew()
      await t.controller.monitorNodeHealth()
    }
    expect(t.nodes.get('b')!.status!.conditions![0].status).toBe('True')
  })

  it('taints one node per zone per 1/qps seconds', async () => {
    const t = setup(['a', 'b', 'c', 'd'])
    await t.controller.monitorNodeHealth()
    await t.clock.advance(4000)
    t.heartbeat('a'); t.heartbeat('b')
    await t.controller.monitorNodeHealth()
    await t.controller.monitorNodeHealth()
    const tainted = () => ['c', 'd'].filter((n) => t.taintsOf(n).length > 0).length
    expect(tainted()).toBe(1)
    await t.clock.advance(9000)
    t.heartbeat('a'); t.heartbeat('b')
    await t.controller.monitorNodeHealth()
    expect(tainted()).toBe(1)
    await t.clock.advance(1000)
    await t.controller.doNoExecuteTaintingPass()
    expect(tainted()).toBe(2)
  })

  it('evicts nobody when every node is down (master disruption mode)', async () => {
    const t = setup(['a', 'b'])
    await t.controller.monitorNodeHealth()
    await t.clock.advance(4000)
    await t.controller.monitorNodeHealth()
    expect(t.nodes.get('a')!.status!.conditions![0].status).toBe('Unknown')
    expect(t.taintsOf('a')).toEqual([])
    expect(t.taintsOf('b')).toEqual([])
    expect(t.controller.zoneState('')).toBe('FullDisruption')
  })

  it('mirrors spec.unschedulable into the unschedulable taint', async () => {
    const t = setup(['a'])
    t.nodes.set({ ...t.nodes.get('a')!, spec: { unschedulable: true } })
    await t.controller.processNode('a')
    expect(t.taintsOf('a')).toEqual(['node.kubernetes.io/unschedulable:NoSchedule'])
    t.nodes.set({ ...t.nodes.get('a')!, spec: { ...t.nodes.get('a')!.spec, unschedulable: false } })
    await t.controller.processNode('a')
    expect(t.taintsOf('a')).toEqual([])
  })
})
