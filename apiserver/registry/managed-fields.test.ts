import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { changedFields, updateManagedFields } from './managed-fields.ts'

const now = new Date('2026-11-23T12:00:00Z')
const info = (manager: string, subresource?: string) => ({ manager, apiVersion: 'v1', subresource })

describe('managedFields', () => {
  it('lists changed leaves as FieldsV1', () => {
    expect(changedFields({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3, d: [1] }, e: 'x' })).toEqual({ 'f:a': { 'f:c': {}, 'f:d': {} }, 'f:e': {} })
  })

  it('gives the creator every field and moves changed fields to the next writer', () => {
    const created: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { app: 'web' } }, data: { a: '1', b: '2' } }
    updateManagedFields(undefined, created, info('kubectl-create'), now)
    expect(created.metadata.managedFields).toEqual([
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-11-23T12:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:data': { 'f:a': {}, 'f:b': {} } } },
    ])
    const next: KubeObject = structuredClone(created)
    next.data = { a: '1', b: '3' }
    next.metadata.labels = { app: 'web', tier: 'fe' }
    updateManagedFields(created, next, info('kubectl-patch'), now)
    expect(next.metadata.managedFields!.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['kubectl-create', { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:data': { 'f:a': {} } }],
      ['kubectl-patch', { 'f:metadata': { 'f:labels': { 'f:tier': {} } }, 'f:data': { 'f:b': {} } }],
    ])
  })

  it('records status writers separately, with the subresource', () => {
    const prev: KubeObject = { metadata: { name: 'p' }, spec: { x: 1 } }
    const next: KubeObject = { metadata: { name: 'p' }, spec: { x: 1 }, status: { phase: 'Running' } }
    updateManagedFields(prev, next, info('kubelet', 'status'), now)
    expect(next.metadata.managedFields).toEqual([
      { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-11-23T12:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:phase': {} } }, subresource: 'status' },
    ])
  })
})
