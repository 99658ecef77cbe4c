import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { age, dependentsIndex, readiness, treeHeader, treeRows } from './ownership-tree.ts'
import { renderTable } from './table-text.ts'

const now = Date.parse('2026-11-23T12:00:00Z')

function obj(kind: string, name: string, uid: string, owners: string[] = [], ready?: string): KubeObject {
  return {
    apiVersion: 'v1', kind,
    metadata: {
      name, namespace: 'default', uid, creationTimestamp: '2026-11-23T11:55:00Z',
      ...(owners.length ? { ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'X', name: 'x', uid: o })) } : {}),
    },
    ...(ready ? { status: { conditions: [{ type: 'Ready', status: ready, ...(ready === 'False' ? { reason: 'ContainersNotReady' } : {}) }] } } : {}),
  } as KubeObject
}

const names = (root: KubeObject, objects: KubeObject[]) => treeRows(root, dependentsIndex(objects), now).map((r) => r[1])

describe('treeRows', () => {
  it('draws the Deployment → ReplicaSets → Pods tree with branches, readiness and age', () => {
    const objects = [
      obj('Deployment', 'web', 'd'),
      obj('ReplicaSet', 'web-2', 'r2', ['d']),
      obj('ReplicaSet', 'web-1', 'r1', ['d']),
      obj('Pod', 'web-2-b', 'p2', ['r2'], 'False'),
      obj('Pod', 'web-2-a', 'p1', ['r2'], 'True'),
      obj('Pod', 'other', 'p3'),
    ]
    expect(renderTable(treeHeader, treeRows(objects[0], dependentsIndex(objects), now))).toBe([
      'NAMESPACE   NAME                 READY   REASON               AGE',
      'default     Deployment/web       -                            5m',
      'default     ├─ReplicaSet/web-1   -                            5m',
      'default     └─ReplicaSet/web-2   -                            5m',
      'default       ├─Pod/web-2-a      True                         5m',
      'default       └─Pod/web-2-b      False   ContainersNotReady   5m',
      '',
    ].join('\n'))
  })

  it('keeps the │ of an unfinished branch for deeper levels (CronJob → Jobs → Pods)', () => {
    const objects = [obj('CronJob', 'c', 'c'), obj('Job', 'c-1', 'j1', ['c']), obj('Pod', 'c-1-a', 'p1', ['j1']), obj('Job', 'c-2', 'j2', ['c']), obj('Pod', 'c-2-a', 'p2', ['j2'])]
    expect(names(objects[0], objects)).toEqual(['CronJob/c', '├─Job/c-1', '│ └─Pod/c-1-a', '└─Job/c-2', '  └─Pod/c-2-a'])
  })

  it('sorts dependents by kind, then name (DaemonSet → ControllerRevisions and Pods)', () => {
    const objects = [obj('DaemonSet', 'ds', 'ds'), obj('Pod', 'ds-b', 'p2', ['ds']), obj('Pod', 'ds-a', 'p1', ['ds']), obj('ControllerRevision', 'ds-7c', 'cr', ['ds'])]
    expect(names(objects[0], objects)).toEqual(['DaemonSet/ds', '├─ControllerRevision/ds-7c', '├─Pod/ds-a', '└─Pod/ds-b'])
  })

  it('lists an object once per owner even when it is listed twice', () => {
    const pod = obj('Pod', 'p', 'p', ['a', 'b'])
    const objects = [obj('A', 'a', 'a'), obj('B', 'b', 'b', ['a']), pod, pod]
    expect(names(objects[0], objects)).toEqual(['A/a', '├─B/b', '│ └─Pod/p', '└─Pod/p'])
  })

  it('draws an ownership cycle once around instead of looping', () => {
    const a = obj('A', 'a', 'a', ['b'])
    const b = obj('B', 'b', 'b', ['a'])
    expect(names(a, [a, b])).toEqual(['A/a', '└─B/b', '  └─A/a'])
  })

  it('prints the root alone when nothing names it', () => {
    expect(names(obj('ConfigMap', 'cm', 'cm'), [])).toEqual(['ConfigMap/cm'])
  })
})

describe('readiness', () => {
  it('reads the Ready condition, else -', () => {
    expect(readiness(obj('Pod', 'p', 'p', [], 'False'))).toEqual({ ready: 'False', reason: 'ContainersNotReady' })
    expect(readiness(obj('Pod', 'p', 'p', [], 'True'))).toEqual({ ready: 'True', reason: '' })
    expect(readiness(obj('Deployment', 'd', 'd'))).toEqual({ ready: '-', reason: '' })
    expect(readiness({ metadata: {}, status: { conditions: [{ type: 'Available', status: 'True' }] } })).toEqual({ ready: '-', reason: '' })
  })
})

describe('age', () => {
  it.each([
    ['2026-11-23T11:59:15Z', '45s'],
    ['2026-11-23T11:55:00Z', '5m'],
    ['2026-11-23T11:53:20Z', '6m40s'],
    ['2026-11-20T09:00:00Z', '3d3h'],
    ['2026-11-23T12:00:01Z', '0s'],
  ])('created %s is %s old', (creationTimestamp, want) => {
    expect(age({ metadata: { creationTimestamp } }, now)).toBe(want)
  })

  it('is <unknown> without a creationTimestamp', () => {
    expect(age({ metadata: {} }, now)).toBe('<unknown>')
  })
})
