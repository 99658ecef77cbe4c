import { describe, expect, it } from 'vitest'
import type { KubeObject, ManagedFieldsEntry } from '../../shared/api-types.ts'
import { updateManagedFields } from './managed-fields.ts'

const now = new Date('2026-11-23T12:00:00Z')
const later = new Date('2026-11-23T12:01:00Z')
const info = (manager: string, apiVersion = 'v1', subresource?: string) => ({ manager, apiVersion, subresource })
const fieldsOf = (obj: KubeObject) => obj.metadata.managedFields!.map((e) => [e.manager, e.operation, e.fieldsV1])

function created(obj: KubeObject, manager: string, apiVersion = 'v1'): KubeObject {
  updateManagedFields(undefined, obj, info(manager, apiVersion), now)
  return obj
}

function written(prev: KubeObject, manager: string, change: (o: KubeObject) => void, options: { subresource?: string; at?: Date } = {}): KubeObject {
  const next = structuredClone(prev)
  change(next)
  updateManagedFields(prev, next, info(manager, prev.apiVersion, options.subresource), options.at ?? later)
  return next
}

const configMap = (): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', labels: { app: 'web' } }, data: { a: '1', b: '2' } })

describe('managedFields of Update operations', () => {
  it('gives the creator every field, with `.` on the maps it created, as kubectl create shows', () => {
    expect(created(configMap(), 'kubectl-create').metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-11-23T12:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
      },
    ])
  })

  it('marks created list items and optional lists, not structs or required lists', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }] } },
      },
    }
    expect(created(deployment, 'kubectl-create', 'apps/v1').metadata.managedFields![0].fieldsV1).toEqual({
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                'f:resources': {},
              },
            },
          },
        },
      },
    })
  })

  it('moves changed fields to the next writer and leaves unchanged writes alone', () => {
    const next = written(created(configMap(), 'kubectl-create'), 'kubectl-patch', (o) => {
      ;(o.data as Record<string, string>).b = '3'
      o.metadata.labels!.tier = 'fe'
    })
    expect(fieldsOf(next)).toEqual([
      ['kubectl-create', 'Update', { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } }],
      ['kubectl-patch', 'Update', { 'f:data': { 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:tier': {} } } }],
    ])
    const same = written(next, 'kubectl-patch', () => {}, { at: new Date('2026-11-23T13:00:00Z') })
    expect(same.metadata.managedFields).toEqual(next.metadata.managedFields)
  })

  it('takes fields from appliers too, and drops removed fields from every manager', () => {
    const applied = configMap()
    applied.metadata.managedFields = [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-11-23T11:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } } },
    ]
    const next = written(applied, 'kubectl-edit', (o) => {
      ;(o.data as Record<string, string>).a = '9'
      delete (o.data as Record<string, string>).b
    })
    expect(fieldsOf(next)).toEqual([
      ['kubectl', 'Apply', { 'f:metadata': { 'f:labels': { 'f:app': {} } } }],
      ['kubectl-edit', 'Update', { 'f:data': { 'f:a': {} } }],
    ])
  })

  it('records status writers separately, with the subresource, and ignores spec changes there', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n' } }
    const next = written(pod, 'kubelet', (o) => (o.status = { phase: 'Running' }), { subresource: 'status' })
    expect(next.metadata.managedFields).toEqual([
      { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-11-23T12:01:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:phase': {} } }, subresource: 'status' },
    ])
  })

  it('takes managedFields the request carries, and clears them on [] or [{}]', () => {
    const base = created(configMap(), 'kubectl-create')
    const edited: ManagedFieldsEntry[] = [{ manager: 'someone', operation: 'Update', apiVersion: 'v1', time: '2026-11-23T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }]
    expect(written(base, 'kubectl-edit', (o) => (o.metadata.managedFields = edited)).metadata.managedFields).toEqual(edited)
    expect(written(base, 'x', (o) => (o.metadata.managedFields = [])).metadata.managedFields).toBeUndefined()
    expect(written(base, 'x', (o) => (o.metadata.managedFields = [{}])).metadata.managedFields).toBeUndefined()
  })

  it('keeps at most ten Update entries, merging the oldest into ancient-changes', () => {
    let obj = created({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k0: '0' } }, 'm0')
    for (let i = 1; i <= 11; i++) obj = written(obj, `m${i}`, (o) => ((o.data as Record<string, string>)[`k${i}`] = String(i)), { at: new Date(now.getTime() + i * 1000) })
    const managers = obj.metadata.managedFields!.map((e) => e.manager)
    expect(managers).toHaveLength(10)
    expect(managers[0]).toBe('ancient-changes')
    expect(obj.metadata.managedFields![0].fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } })
  })
})
