import { describe, it, expect } from 'vitest'
import type { Container, ContainerPort } from '../../shared/core-types.ts'
import type { CycleState, NodeInfo, PodInfo } from '../framework.ts'
import { makeNode, makePod, nodeInfo, podInfo, snapshotOf } from '../test-fixtures.ts'
import { errReasonNodePorts, nodePortsFilter, wantedHostPorts } from './node-ports.ts'

function withPorts(...ports: ContainerPort[]): { containers: Container[] } {
  return { containers: [{ name: 'app', image: 'nginx', ports }] }
}

function run(pod: PodInfo, node: NodeInfo) {
  const state: CycleState = new Map()
  expect(nodePortsFilter.preFilter?.(state, pod, snapshotOf([node]))).toBeUndefined()
  return nodePortsFilter.filter(state, pod, node)
}

const holding = (...ports: ContainerPort[]) => nodeInfo(makeNode('n1'), makePod('existing', withPorts(...ports)))

describe('NodePorts', () => {
  it('passes pods without host ports', () => {
    expect(run(podInfo('p', withPorts({ containerPort: 80 })), holding({ containerPort: 80, hostPort: 80 })).code).toBe('Success')
  })

  it('rejects the same port and protocol on the same address, as Unschedulable', () => {
    const status = run(podInfo('p', withPorts({ containerPort: 8080, hostPort: 80 })), holding({ containerPort: 80, hostPort: 80 }))
    expect(status.code).toBe('Unschedulable')
    expect(status.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"])
    expect(errReasonNodePorts).toBe("node(s) didn't have free ports for the requested pod ports")
  })

  it('allows the same port with another protocol or on another specific address', () => {
    expect(run(podInfo('p', withPorts({ hostPort: 53, protocol: 'UDP' })), holding({ hostPort: 53, protocol: 'TCP' })).code).toBe('Success')
    expect(run(podInfo('p', withPorts({ hostPort: 80, hostIP: '10.0.0.2' })), holding({ hostPort: 80, hostIP: '10.0.0.1' })).code).toBe('Success')
  })

  it('treats 0.0.0.0 (or no hostIP) as every address', () => {
    expect(run(podInfo('p', withPorts({ hostPort: 80 })), holding({ hostPort: 80, hostIP: '10.0.0.1' })).code).toBe('Unschedulable')
    expect(run(podInfo('p', withPorts({ hostPort: 80, hostIP: '10.0.0.1' })), holding({ hostPort: 80, hostIP: '0.0.0.0' })).code).toBe('Unschedulable')
  })

  it('passes a node whose pods hold other ports', () => {
    expect(run(podInfo('p', withPorts({ hostPort: 81 })), holding({ hostPort: 80 })).code).toBe('Success')
  })

  it('counts sidecars but not init containers that exit first', () => {
    const pod = makePod('p', {
      initContainers: [
        { name: 'init', image: 'busybox', ports: [{ hostPort: 1000 }] },
        { name: 'sidecar', image: 'envoy', restartPolicy: 'Always', ports: [{ hostPort: 2000, protocol: 'UDP', hostIP: '10.0.0.1' }] },
      ],
      containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }, { hostPort: 3000 }] }],
    })
    expect(wantedHostPorts(pod)).toEqual([
      { ip: '10.0.0.1', protocol: 'UDP', port: 2000 },
      { ip: '0.0.0.0', protocol: 'TCP', port: 3000 },
    ])
  })

  it('names itself and waits for pod deletions and new nodes', () => {
    expect(nodePortsFilter.name).toBe('NodePorts')
    expect(nodePortsFilter.events).toEqual(['PodDelete', 'NodeAdd'])
  })
})
