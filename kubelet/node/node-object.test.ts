import { describe, expect, it } from 'vitest'
import { kubelingVersion } from '../../shared/client/index.ts'
import { allocatableOf, buildNode, formatBinary, goArch, resolveNodeConfig, type NodeOptions } from './node-object.ts'

const base: NodeOptions = {
  nodeName: 'Node-1',
  nodeIP: '10.0.0.7',
  kubeletVersion: 'v1.34.0-kubeling.0.1.0',
  capacity: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' },
  nodeInfo: { osImage: 'Test OS', kernelVersion: '6.1.0' },
}
const now = Date.parse('2026-01-02T03:04:05.678Z')

describe('buildNode', () => {
  const node = buildNode(resolveNodeConfig({ ...base, labels: { tier: 'web' }, roles: ['worker'] }), now)
  const arch = goArch()

  it('has the labels and annotation upstream sets', () => {
    expect(node.metadata.name).toBe('Node-1')
    expect(node.metadata.labels).toEqual({
      'beta.kubernetes.io/arch': arch, 'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': arch, 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux',
      tier: 'web', 'node-role.kubernetes.io/worker': '',
    })
    // node.alpha.kubernetes.io/ttl belongs to the TTL controller, not the kubelet
    expect(node.metadata.annotations).toEqual({ 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' })
    expect(node.spec).toEqual({})
  })

  it('reports capacity, and allocatable less the default hard-eviction thresholds', () => {
    expect(node.status!.capacity).toEqual({ cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' })
    expect(node.status!.allocatable).toEqual({
      cpu: '4', memory: '8092Mi', pods: '110', 'ephemeral-storage': '90Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0',
    })
  })

  it('reports addresses, daemon endpoints and nodeInfo', () => {
    expect(node.status!.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.7' }, { type: 'Hostname', address: 'node-1' }])
    expect(node.status!.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } })
    const info = node.status!.nodeInfo!
    expect(info).toMatchObject({
      kernelVersion: '6.1.0', osImage: 'Test OS', containerRuntimeVersion: `kubeling://${kubelingVersion}`,
      kubeletVersion: 'v1.34.0-kubeling.0.1.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: arch,
    })
    expect(info.machineID).toMatch(/^[0-9a-f]{32}$/)
    expect(info.systemUUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    // stable per node name, distinct between nodes
    const again = resolveNodeConfig(base).nodeInfo
    expect(again.bootID).toBe(info.bootID)
    expect(resolveNodeConfig({ ...base, nodeName: 'node-2' }).nodeInfo.machineID).not.toBe(info.machineID)
  })

  it('has the four kubelet conditions in upstream order, stamped now', () => {
    const t = '2026-01-02T03:04:05Z'
    expect(node.status!.conditions).toEqual([
      { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
      { type: 'DiskPressure', status: 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
      { type: 'PIDPressure', status: 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
      { type: 'Ready', status: 'True', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ])
  })

  it('registers taints, and a cordoned node with the unschedulable taint', () => {
    const n = buildNode(resolveNodeConfig({ ...base, taints: [{ key: 'a', value: 'b', effect: 'NoSchedule' }], registerSchedulable: false }), now)
    expect(n.spec).toEqual({
      unschedulable: true,
      taints: [{ key: 'a', value: 'b', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
    })
  })

  it('lists images, at most 5 names each', () => {
    const n = buildNode(resolveNodeConfig({ ...base, images: () => [{ names: ['a', 'b', 'c', 'd', 'e', 'f'], sizeBytes: 10 }] }), now)
    expect(n.status!.images).toEqual([{ names: ['a', 'b', 'c', 'd', 'e'], sizeBytes: 10 }])
  })
})

describe('quantities', () => {
  it('formats BinarySI canonically', () => {
    expect(formatBinary(16384001 * 1024)).toBe('16384001Ki')
    expect(formatBinary(16777216000)).toBe('16000Mi')
    expect(formatBinary(100 * 2 ** 30 - 1)).toBe('107374182399')
    expect(formatBinary(2 ** 30)).toBe('1Gi')
    expect(formatBinary(1000)).toBe('1000')
  })

  it('subtracts reservations and hugepages, never below 0', () => {
    expect(allocatableOf({ cpu: '2', memory: '4Gi', 'hugepages-2Mi': '1Gi' }, { cpu: '500m', memory: '512Mi' })).toEqual({
      cpu: '1500m', memory: '2460Mi', 'hugepages-2Mi': '1Gi',
    })
    expect(allocatableOf({ memory: '50Mi' })).toEqual({ memory: '0' })
  })
})
