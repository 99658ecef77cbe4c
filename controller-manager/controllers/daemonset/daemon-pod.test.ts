import { describe, expect, it } from 'vitest'
import type { Node, Pod, PodSpec } from '../../../shared/core-types.ts'
import { addDaemonPodTolerations, daemonPodTemplate, isPodUpdated, nodeShouldRunDaemonPod, pinToNode, targetNodeName } from './daemon-pod.ts'
import type { DaemonSet } from './daemonset-types.ts'

function node(name: string, options: { labels?: Record<string, string>; taints?: Array<{ key: string; value?: string; effect: string }> } = {}): Node {
  return { metadata: { name, labels: options.labels ?? {} }, spec: { taints: options.taints } }
}

function ds(spec: PodSpec = {}): DaemonSet {
  return { metadata: { name: 'ds', namespace: 'ns' }, spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c' }], ...spec } } } }
}

const both = (shouldRun: boolean, shouldContinueRunning: boolean) => ({ shouldRun, shouldContinueRunning })

describe('nodeShouldRunDaemonPod', () => {
  it('runs on a plain node', () => {
    expect(nodeShouldRunDaemonPod(node('n'), ds())).toEqual(both(true, true))
  })

  it('honours nodeSelector and required node affinity', () => {
    expect(nodeShouldRunDaemonPod(node('n', { labels: { disk: 'hdd' } }), ds({ nodeSelector: { disk: 'ssd' } }))).toEqual(both(false, false))
    expect(nodeShouldRunDaemonPod(node('n', { labels: { disk: 'ssd' } }), ds({ nodeSelector: { disk: 'ssd' } }))).toEqual(both(true, true))
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } }
    expect(nodeShouldRunDaemonPod(node('n', { labels: { zone: 'b' } }), ds({ affinity }))).toEqual(both(false, false))
    expect(nodeShouldRunDaemonPod(node('n', { labels: { zone: 'a' } }), ds({ affinity }))).toEqual(both(true, true))
  })

  it('honours a nodeName in the template', () => {
    expect(nodeShouldRunDaemonPod(node('other'), ds({ nodeName: 'n' }))).toEqual(both(false, false))
    expect(nodeShouldRunDaemonPod(node('n'), ds({ nodeName: 'n' }))).toEqual(both(true, true))
  })

  it('keeps existing pods off untolerated NoSchedule nodes but does not evict them', () => {
    const tainted = node('n', { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] })
    expect(nodeShouldRunDaemonPod(tainted, ds())).toEqual(both(false, true))
    expect(nodeShouldRunDaemonPod(tainted, ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] }))).toEqual(both(true, true))
  })

  it('evicts from untolerated NoExecute nodes', () => {
    expect(nodeShouldRunDaemonPod(node('n', { taints: [{ key: 'evict', effect: 'NoExecute' }] }), ds())).toEqual(both(false, false))
  })

  it('ignores PreferNoSchedule', () => {
    expect(nodeShouldRunDaemonPod(node('n', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }), ds())).toEqual(both(true, true))
  })

  it('tolerates the node-condition taints by default, network-unavailable only with hostNetwork', () => {
    for (const taint of [
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]) {
      expect(nodeShouldRunDaemonPod(node('n', { taints: [taint] }), ds()), taint.key).toEqual(both(true, true))
    }
    const noNetwork = node('n', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] })
    expect(nodeShouldRunDaemonPod(noNetwork, ds())).toEqual(both(false, true))
    expect(nodeShouldRunDaemonPod(noNetwork, ds({ hostNetwork: true }))).toEqual(both(true, true))
  })
})

describe('daemon pod template', () => {
  it('adds default tolerations once', () => {
    const spec: PodSpec = { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] }
    addDaemonPodTolerations(spec)
    addDaemonPodTolerations(spec)
    expect(spec.tolerations).toHaveLength(6)
  })

  it('labels pods with the hash and template generation', () => {
    const t = daemonPodTemplate(ds().spec?.template, 3, 'abc')
    expect(t.metadata?.labels).toEqual({ app: 'a', 'pod-template-generation': '3', 'controller-revision-hash': 'abc' })
  })

  it('pins to one node by metadata.name, replacing any required terms', () => {
    const affinity = pinToNode({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }] } } }, 'n1')
    expect(affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] })
    const pod: Pod = { metadata: {}, spec: { affinity } }
    expect(targetNodeName(pod)).toBe('n1')
    expect(targetNodeName({ metadata: {}, spec: { nodeName: 'bound', affinity } })).toBe('bound')
    expect(targetNodeName({ metadata: {}, spec: {} })).toBeUndefined()
  })

  it('tells updated pods by hash or template generation', () => {
    const pod = (labels: Record<string, string>): Pod => ({ metadata: { labels } })
    expect(isPodUpdated(pod({ 'controller-revision-hash': 'h1' }), 'h1', undefined)).toBe(true)
    expect(isPodUpdated(pod({ 'controller-revision-hash': 'h0' }), 'h1', 2)).toBe(false)
    expect(isPodUpdated(pod({ 'pod-template-generation': '2' }), 'h1', 2)).toBe(true)
  })
})
