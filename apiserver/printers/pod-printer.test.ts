import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { podPrinter } from './pod-printer.ts'

const now = Date.parse('2026-03-01T12:00:00Z')
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString()

type Json = Record<string, any>

function pod(spec: Json, status: Json, metadata: Json = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(300), ...metadata },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
    status,
  }
}

const running = (name = 'app', extra: Json = {}) => ({ name, ready: true, started: true, restartCount: 0, state: { running: { startedAt: ago(200) } }, ...extra })
const waiting = (reason: string, extra: Json = {}) => ({ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason } }, ...extra })
const terminated = (t: Json, extra: Json = {}) => ({ name: 'app', ready: false, restartCount: 0, state: { terminated: t }, ...extra })
const twoInits = { initContainers: [{ name: 'init-a', image: 'busybox' }, { name: 'init-b', image: 'busybox' }] }

/** NAME READY STATUS RESTARTS AGE */
const shortCells = (p: KubeObject) => podPrinter.cells(p, now).slice(0, 5)

describe('pod printer: READY, STATUS and RESTARTS', () => {
  it.each<[string, KubeObject, string, string, string]>([
    ['a pending pod', pod({}, { phase: 'Pending' }), '0/1', 'Pending', '0'],
    ['a running, ready container', pod({}, { phase: 'Running', containerStatuses: [running()] }), '1/1', 'Running', '0'],
    ['a container being created', pod({}, { phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] }), '0/1', 'ContainerCreating', '0'],
    [
      'a crash-looping container says when it last restarted',
      pod({}, { phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff', { restartCount: 4, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(30) } } })] }),
      '0/1',
      'CrashLoopBackOff',
      '4 (30s ago)',
    ],
    ['restarts without a last state carry no time', pod({}, { phase: 'Running', containerStatuses: [running('app', { restartCount: 3 })] }), '1/1', 'Running', '3'],
    ['a completed pod', pod({}, { phase: 'Succeeded', containerStatuses: [terminated({ exitCode: 0, reason: 'Completed' })] }), '0/1', 'Completed', '0'],
    ['a failed pod', pod({}, { phase: 'Failed', containerStatuses: [terminated({ exitCode: 1, reason: 'Error' })] }), '0/1', 'Error', '0'],
    ['an exit code without a reason', pod({}, { phase: 'Failed', containerStatuses: [terminated({ exitCode: 3 })] }), '0/1', 'ExitCode:3', '0'],
    ['a signal without a reason', pod({}, { phase: 'Failed', containerStatuses: [terminated({ exitCode: 137, signal: 9 })] }), '0/1', 'Signal:9', '0'],
    ['the pod reason wins over the phase', pod({}, { phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted', '0'],
    [
      'scheduling gates',
      pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      '0/1',
      'SchedulingGated',
      '0',
    ],
    [
      'the first container in waiting decides',
      pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Pending', containerStatuses: [{ ...waiting('ImagePullBackOff'), name: 'a' }, running('b')] }),
      '1/2',
      'ImagePullBackOff',
      '0',
    ],
    [
      'a finished container beside a ready one: Running',
      pod({ containers: [{ name: 'a' }, { name: 'b' }] }, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [running('a'), { ...terminated({ exitCode: 0, reason: 'Completed' }), name: 'b' }],
      }),
      '1/2',
      'Running',
      '0',
    ],
    [
      'a finished container beside a running one, pod not ready: NotReady',
      pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Running', containerStatuses: [running('a'), { ...terminated({ exitCode: 0, reason: 'Completed' }), name: 'b' }] }),
      '1/2',
      'NotReady',
      '0',
    ],
    ['init containers not started yet', pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { waiting: { reason: 'PodInitializing' } } }] }), '0/1', 'Init:0/2', '0'],
    [
      'the second init container running',
      pod(twoInits, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'init-b', state: { running: {} } }],
        containerStatuses: [waiting('PodInitializing')],
      }),
      '0/1',
      'Init:1/2',
      '0',
    ],
    [
      'a crash-looping init container',
      pod(twoInits, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init-a', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } } }],
      }),
      '0/1',
      'Init:CrashLoopBackOff',
      '2 (90s ago)',
    ],
    ['a failed init container', pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }), '0/1', 'Init:Error', '0'],
    ['an init exit code', pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 2 } } }] }), '0/1', 'Init:ExitCode:2', '0'],
    ['an init signal', pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 137, signal: 9 } } }] }), '0/1', 'Init:Signal:9', '0'],
    [
      'a running pod being deleted',
      pod({}, { phase: 'Running', containerStatuses: [running()] }, { deletionTimestamp: ago(5) }),
      '1/1',
      'Terminating',
      '0',
    ],
    [
      'a deleted pod on a lost node',
      pod({}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running()] }, { deletionTimestamp: ago(5) }),
      '1/1',
      'Unknown',
      '0',
    ],
    [
      'a finished pod being deleted keeps its status',
      pod({}, { phase: 'Succeeded', containerStatuses: [terminated({ exitCode: 0, reason: 'Completed' })] }, { deletionTimestamp: ago(5) }),
      '0/1',
      'Completed',
      '0',
    ],
    [
      'a started sidecar counts toward READY and RESTARTS',
      pod({ initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] }, {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
        initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(600) } } }],
        containerStatuses: [running('app', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(120) } } })],
      }),
      '2/2',
      'Running',
      '3 (2m ago)',
    ],
  ])('%s', (_, p, ready, status, restarts) => {
    expect(shortCells(p)).toEqual(['web-1', ready, status, restarts, '5m'])
  })
})

describe('pod printer: wide cells and row conditions', () => {
  it('prints IP, node, nominated node and readiness gates', () => {
    const p = pod(
      { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      { phase: 'Running', podIPs: [{ ip: '10.244.0.7' }], nominatedNodeName: 'node-2', conditions: [{ type: 'example.com/lb', status: 'True' }], containerStatuses: [running()] },
    )
    expect(podPrinter.cells(p, now).slice(5)).toEqual(['10.244.0.7', 'node-1', 'node-2', '1/2'])
  })

  it('prints <none> for what is not known yet', () => {
    expect(podPrinter.cells(pod({}, { phase: 'Pending' }), now).slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>'])
  })

  it('falls back to status.podIP', () => {
    expect(podPrinter.cells(pod({}, { phase: 'Running', podIP: '10.0.0.9' }), now)[5]).toBe('10.0.0.9')
  })

  it('marks finished pods Completed, as upstream', () => {
    expect(podPrinter.conditions!(pod({}, { phase: 'Succeeded' }))).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }])
    expect(podPrinter.conditions!(pod({}, { phase: 'Failed' }))).toEqual([{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }])
    expect(podPrinter.conditions!(pod({}, { phase: 'Running' }))).toEqual([])
  })

  it('has upstream columns, wide ones at priority 1', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ])
    expect(podPrinter.columns[0].format).toBe('name')
  })
})
