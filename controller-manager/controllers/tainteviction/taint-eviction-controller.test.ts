import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../shared/clock.ts'
import type { Condition, Node, Pod, Taint, Toleration } from '../../../shared/core-types.ts'
import { Indexer, builtinIndexers } from '../../../shared/informer/index.ts'
import { createLogger } from '../../../shared/logger.ts'
import { TaintEvictionController } from './taint-eviction-controller.ts'

const start = Date.parse('2024-01-01T00:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const unreachable = (addedMs = start): Taint => ({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(addedMs) })

function setup() {
  const clock = new FakeClock(start)
  const pods = new Indexer<Pod>(builtinIndexers as Record<string, (p: Pod) => string[]>)
  const nodes = new Indexer<Node>()
  const log: string[] = []
  const events: string[] = []
  const controller = new TaintEvictionController({
    pods, nodes, clock, log: createLogger('test', 'silent'),
    recorder: { event: (_obj, _type, reason, message) => void events.push(`${reason}: ${message}`) },
    api: {
      getPod: async (ns, name) => {
        const pod = pods.get(`${ns}/${name}`)
        if (!pod) throw Object.assign(new Error('not found'), { status: { code: 404, reason: 'NotFound' } })
        return pod
      },
      patchPodConditions: async (pod, conditions: Condition[]) => void log.push(`patch ${pod.metadata.name} ${conditions.map((c) => `${c.type}=${c.status}/${c.reason}`).join()}`),
      deletePod: async (_ns, name) => void log.push(`delete ${name} at ${clock.now() - start}`),
    },
  })
  const setNode = (name: string, taints: Taint[]) => {
    const old = nodes.get(name)
    const node: Node = { metadata: { name }, spec: { taints } }
    nodes.set(node)
    controller.nodeUpdated(old, node)
    controller.handleNodeUpdate(name)
  }
  const addPod = (name: string, nodeName: string, tolerations: Toleration[] = []) => {
    const pod: Pod = { metadata: { name, namespace: 'ns', uid: name }, spec: { nodeName, tolerations } }
    pods.set(pod)
    controller.handlePodUpdate(`ns/${name}`)
  }
  return { clock, pods, nodes, controller, log, events, setNode, addPod }
}

const tolerate = (seconds: number): Toleration[] => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }]

describe('TaintEvictionController', () => {
  it('deletes a pod that does not tolerate a NoExecute taint at once, marking it DisruptionTarget first', async () => {
    const t = setup()
    t.addPod('p', 'n1')
    t.setNode('n1', [unreachable()])
    await t.clock.advance(0)
    expect(t.log).toEqual(['patch p DisruptionTarget=True/DeletionByTaintManager', 'delete p at 0'])
    expect(t.events).toEqual(['TaintManagerEviction: Marking for deletion Pod ns/p'])
  })

  it('waits tolerationSeconds from the taint\'s timeAdded', async () => {
    const t = setup()
    t.setNode('n1', [unreachable(start)])
    await t.clock.advance(1000)
    t.addPod('p', 'n1', tolerate(3))
    expect(t.controller.scheduled('ns/p')).toEqual({ createdAt: start, fireAt: start + 3000 })
    await t.clock.advance(1999)
    expect(t.log).toEqual([])
    await t.clock.advance(1)
    expect(t.log).toEqual(['patch p DisruptionTarget=True/DeletionByTaintManager', 'delete p at 3000'])
  })

  it('cancels the pending deletion when the taint goes, with an Event', async () => {
    const t = setup()
    t.addPod('p', 'n1', tolerate(5))
    t.setNode('n1', [unreachable()])
    await t.clock.advance(4000)
    t.setNode('n1', [])
    await t.clock.advance(10_000)
    expect(t.log).toEqual([])
    expect(t.events).toEqual(['TaintManagerEviction: Cancelling deletion of Pod ns/p'])
  })

  it('leaves pods that tolerate the taint for ever, and ignores NoSchedule taints', async () => {
    const t = setup()
    t.addPod('forever', 'n1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }])
    t.addPod('other', 'n1')
    t.setNode('n1', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: iso(start) }])
    await t.clock.advance(60_000)
    expect(t.log).toEqual([])
    t.setNode('n1', [unreachable()])
    await t.clock.advance(60_000)
    expect(t.log.filter((l) => l.startsWith('delete'))).toEqual(['delete other at 60000'])
  })

  it('moves an eviction earlier when the pod\'s tolerations shrink, and cancels it when the pod goes', async () => {
    const t = setup()
    t.setNode('n1', [unreachable()])
    t.addPod('p', 'n1', tolerate(30))
    expect(t.controller.scheduled('ns/p')?.fireAt).toBe(start + 30_000)
    t.addPod('p', 'n1', tolerate(2))
    expect(t.controller.scheduled('ns/p')?.fireAt).toBe(start + 2000)
    t.pods.delete('ns/p')
    t.controller.handlePodUpdate('ns/p')
    await t.clock.advance(60_000)
    expect(t.log).toEqual([])
  })

  it('does not delete the same pod again on later node updates', async () => {
    const t = setup()
    t.addPod('p', 'n1')
    t.setNode('n1', [unreachable()])
    await t.clock.advance(0)
    t.setNode('n1', [unreachable(), { key: 'other', effect: 'NoExecute', timeAdded: iso(start) }])
    await t.clock.advance(1000)
    expect(t.log.filter((l) => l.startsWith('delete'))).toHaveLength(1)
  })
})
