import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { renderTable, treeHeader, treeRows } from './ownership-tree.ts'

const now = Date.parse('2026-11-23T12:00:00Z')

function obj(kind: string, name: string, uid: string, owner?: string, ready?: string): KubeObject {
  return {
    apiVersion: 'v1', kind,
    metadata: { name, namespace: 'default', uid, creationTimestamp: '2026-11-23T11:55:00Z', ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: owner }] } : {}) },
    ...(ready ? { status: { conditions: [{ type: 'Ready', status: ready, ...(ready === 'False' ? { reason: 'ContainersNotReady' } : {}) }] } } : {}),
  } as KubeObject
}

describe('treeRows', () => {
  it('draws the Deployment → ReplicaSets → Pods tree with branches, readiness and age', () => {
    const objects = [
      obj('Deployment', 'web', 'd'),
      obj('ReplicaSet', 'web-1', 'r1', 'd'),
      obj('ReplicaSet', 'web-2', 'r2', 'd'),
      obj('Pod', 'web-2-a', 'p1', 'r2', 'True'),
      obj('Pod', 'web-2-b', 'p2', 'r2', 'False'),
      obj('Pod', 'other', 'p3'),
    ]
    const text = renderTable(treeHeader, treeRows(objects[0], objects, now))
    expect(text).toBe([
      'NAMESPACE   NAME                 READY   REASON               AGE',
      'default     Deployment/web       -                            5m',
      'default     ├─ReplicaSet/web-1   -                            5m',
      'default     └─ReplicaSet/web-2   -                            5m',
      'default       ├─Pod/web-2-a      True                         5m',
      'default       └─Pod/web-2-b      False   ContainersNotReady   5m',
      '',
    ].join('\n'))
  })

  it('keeps the │ of an unfinished branch for deeper levels', () => {
    const objects = [obj('CronJob', 'c', 'c'), obj('Job', 'c-1', 'j1', 'c'), obj('Pod', 'c-1-a', 'p1', 'j1'), obj('Job', 'c-2', 'j2', 'c')]
    const names = treeRows(objects[0], objects, now).map((r) => r[1])
    expect(names).toEqual(['CronJob/c', '├─Job/c-1', '│ └─Pod/c-1-a', '└─Job/c-2'])
  })

  it('prints an ownership cycle once instead of looping', () => {
    const a = obj('A', 'a', 'a', 'b')
    const b = obj('B', 'b', 'b', 'a')
    expect(treeRows(a, [a, b], now).map((r) => r[1])).toEqual(['A/a', '└─B/b', '  └─A/a'])
  })
})
