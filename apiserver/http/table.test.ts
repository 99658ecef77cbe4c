import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import { pods } from '../registry/resources/core/pods.ts'
import { roles } from '../registry/resources/rbac/rbac-resources.ts'
import { parseIncludeObject, toTable } from './table.ts'

const now = Date.parse('2026-03-01T12:00:00Z')

const donePod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'done', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' }, creationTimestamp: '2026-03-01T11:00:00Z' },
  spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName: 'node-1' },
  status: { phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
}

describe('toTable', () => {
  it('builds a meta.k8s.io Table with the printer columns, list metadata and metadata-only rows', () => {
    const table = toTable(pods, [donePod], { include: 'Metadata', version: 'v1', resourceVersion: '12', continueToken: 'abc', remaining: 3, now })
    expect(table).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '12', continue: 'abc', remainingItemCount: 3 },
      columnDefinitions: pods.printer!.columns,
      rows: [
        {
          cells: ['done', '0/1', 'Completed', '0', '60m', '<none>', 'node-1', '<none>', '<none>'],
          conditions: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
          object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: donePod.metadata },
        },
      ],
    })
  })

  it('carries the whole object with includeObject=Object and null with None', () => {
    const { apiVersion, kind, ...bare } = donePod
    const withObject = toTable(pods, [bare as KubeObject], { include: 'Object', version: 'v1', now }) as { rows: { object: KubeObject }[] }
    expect(withObject.rows[0].object).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'done' }, status: { phase: 'Succeeded' } })
    const without = toTable(pods, [donePod], { include: 'None', version: 'v1beta1', now }) as { apiVersion: string; rows: { object: unknown }[] }
    expect(without.apiVersion).toBe('meta.k8s.io/v1beta1')
    expect(without.rows[0].object).toBeNull()
  })

  it('gives kinds without a printer upstream’s Name and Created At', () => {
    const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', creationTimestamp: '2026-03-01T11:00:00Z' } }
    const table = toTable(roles, [role], { include: 'None', version: 'v1', now }) as { columnDefinitions: { name: string; type: string; format: string }[]; rows: { cells: unknown[] }[] }
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format])).toEqual([
      ['Name', 'string', 'name'],
      ['Created At', 'date', ''],
    ])
    expect(table.rows[0].cells).toEqual(['reader', '2026-03-01T11:00:00Z'])
  })

  it('has no rows for an empty list and omits empty list metadata', () => {
    expect(toTable(pods, [], { include: 'Metadata', version: 'v1' })).toMatchObject({ metadata: {}, rows: [] })
  })
})

describe('parseIncludeObject', () => {
  it('defaults to Metadata and rejects unknown values as upstream', () => {
    expect(parseIncludeObject(undefined)).toBe('Metadata')
    expect(parseIncludeObject('')).toBe('Metadata')
    expect(parseIncludeObject('None')).toBe('None')
    expect(parseIncludeObject('Object')).toBe('Object')
    expect(() => parseIncludeObject('Everything')).toThrow(StatusError)
    expect(() => parseIncludeObject('Everything')).toThrow('unrecognized includeObject value: "Everything"')
  })
})
