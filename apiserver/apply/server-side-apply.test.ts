// Server-side apply of Deployments and ConfigMaps with the schemas generated
// from upstream: managedFields as a real cluster writes them, conflicts in
// upstream's words, kubectl's move from client-side apply.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { updateManagedFields } from '../registry/managed-fields.ts'
import { StatusError } from '../status-error.ts'
import { applySchemaFor } from './openapi-schema.ts'
import { applyConfiguration, type ApplyRequest } from './server-side-apply.ts'
import { lastAppliedAnnotation } from './last-applied.ts'
import { deploymentStrategy } from '../registry/resources/apps/deployment-strategy.ts'

const now = new Date('2026-11-23T12:00:00Z')
const later = new Date('2026-11-23T12:05:00Z')

const deployments = { group: 'apps', version: 'v1', kind: 'Deployment' }
const request = (manager: string, options: Partial<ApplyRequest> = {}): ApplyRequest => ({
  ...deployments,
  namespace: 'default',
  name: 'web',
  manager,
  force: false,
  schema: applySchemaFor(deployments),
  defaults: (obj) => deploymentStrategy.defaults!(obj),
  now,
  ...options,
})

const deployment = (replicas: number, image = 'nginx:1.27') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] } },
  },
})

function thrown(fn: () => unknown): StatusError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError)
    return err as StatusError
  }
  throw new Error('expected an error')
}

/** An Update (kubectl scale, edit, a controller) of `obj` by `manager`. */
function updated(obj: KubeObject, manager: string, change: (o: KubeObject) => void, at = later): KubeObject {
  const next = structuredClone(obj)
  change(next)
  updateManagedFields(obj, next, { manager, apiVersion: 'apps/v1' }, at)
  return next
}

describe('server-side apply', () => {
  it('creates with the Apply entry upstream writes', () => {
    const obj = applyConfiguration(undefined, deployment(2), request('kubectl'))
    expect(obj.spec).toEqual(deployment(2).spec)
    expect(obj.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2026-11-23T12:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
                },
              },
            },
          },
        },
      },
    ])
  })

  it('finds the live port by its defaulted protocol, which stays unowned', () => {
    const created = applyConfiguration(undefined, deployment(2), request('kubectl'))
    deploymentStrategy.defaults!(created)
    const again = applyConfiguration(created, deployment(2, 'nginx:1.28'), request('kubectl', { now: later }))
    const containers = (again.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers
    expect(containers).toHaveLength(1)
    expect(containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.28', ports: [{ containerPort: 80, protocol: 'TCP' }] })
    expect(again.metadata.managedFields![0].fieldsV1).toEqual(created.metadata.managedFields![0].fieldsV1)
  })

  it('returns the live object itself when nothing changes', () => {
    const created = applyConfiguration(undefined, deployment(2), request('kubectl'))
    expect(applyConfiguration(created, deployment(2), request('kubectl', { now: later }))).toEqual(created)
  })

  it('re-applies a generated manifest (creationTimestamp: null, status: {}) without a change', () => {
    const generated = () => {
      const d = deployment(2) as ReturnType<typeof deployment> & { status?: object }
      ;(d.metadata as Record<string, unknown>).creationTimestamp = null
      ;(d.spec.template.metadata as Record<string, unknown>).creationTimestamp = null
      d.status = {}
      return d
    }
    const created = applyConfiguration(undefined, generated(), request('kubectl'))
    created.metadata.creationTimestamp = '2026-11-23T12:00:00Z'
    expect(created.spec).toEqual(deployment(2).spec)
    expect(applyConfiguration(created, generated(), request('kubectl', { now: later }))).toEqual(created)
  })

  it('reports a conflict with an Update manager in upstream words, and forces it', () => {
    const created = applyConfiguration(undefined, deployment(2), request('kubectl'))
    const scaled = updated(created, 'kubectl-scale', (o) => ((o.spec as { replicas: number }).replicas = 5))
    const err = thrown(() => applyConfiguration(scaled, deployment(3), request('kubectl')))
    expect(err.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-scale" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    })
    const forced = applyConfiguration(scaled, deployment(3), request('kubectl', { force: true, now: later }))
    expect((forced.spec as { replicas: number }).replicas).toBe(3)
    expect(forced.metadata.managedFields!.map((e) => e.manager)).toEqual(['kubectl'])
  })

  it('lists several conflicts by manager, appliers without a version', () => {
    const created = applyConfiguration(undefined, deployment(2), request('helm'))
    const edited = updated(created, 'kubectl-edit', (o) => {
      ;(o.spec as { replicas: number }).replicas = 4
      ;(o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image = 'nginx:1.29'
    })
    const err = thrown(() => applyConfiguration(edited, deployment(5, 'nginx:1.30'), request('kubectl')))
    expect(err.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    )
    const byApplier = thrown(() => applyConfiguration(created, deployment(5), request('argocd')))
    expect(byApplier.message).toBe('Apply failed with 1 conflict: conflict with "helm": .spec.replicas')
    expect(byApplier.status.details!.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "helm"', field: '.spec.replicas' }])
  })

  it('removes a label dropped from the configuration, keeps one another manager owns', () => {
    const cm = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels }, data: { a: '1' } })
    const req = (manager: string) => ({ ...request(manager), group: '', version: 'v1', kind: 'ConfigMap', name: 'c', schema: applySchemaFor({ group: '', version: 'v1', kind: 'ConfigMap' }) })
    const first = applyConfiguration(undefined, cm({ app: 'x', tier: 'fe', team: 't' }), req('a'))
    const labelled = updated(first, 'kubectl-label', (o) => (o.metadata.labels!.team = 'u'))
    const second = applyConfiguration(labelled, cm({ app: 'x' }), req('a'))
    expect(second.metadata.labels).toEqual({ app: 'x', team: 'u' })
    expect(second.data).toEqual({ a: '1' })
  })

  it('checks the configuration as upstream does', () => {
    expect(thrown(() => applyConfiguration(undefined, [], request('kubectl'))).message).toBe(
      'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}',
    )
    expect(thrown(() => applyConfiguration(undefined, { ...deployment(1), kind: 'StatefulSet' }, request('kubectl'))).message).toBe('invalid object type: apps/v1, Kind=StatefulSet')
    expect(thrown(() => applyConfiguration(undefined, { kind: 'Deployment' }, request('kubectl'))).message).toBe('invalid object type: /, Kind=Deployment')
    const withManaged = { ...deployment(1), metadata: { name: 'web', managedFields: [] } }
    expect(thrown(() => applyConfiguration(undefined, withManaged, request('kubectl'))).message).toBe('metadata.managedFields must be nil')
    const unknown = { ...deployment(1), spec: { ...deployment(1).spec, replica: 3 } }
    const err = thrown(() => applyConfiguration(undefined, unknown, request('kubectl')))
    expect(err.status).toMatchObject({ code: 400, message: 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema' })
  })

  it('clears a field the configuration sets to null, owning it', () => {
    const created = applyConfiguration(undefined, deployment(2), request('kubectl'))
    const config = deployment(2) as { spec: Record<string, unknown> }
    config.spec.replicas = null
    const next = applyConfiguration(created, config, request('kubectl'))
    expect(next.spec).not.toHaveProperty('replicas')
    expect(next.metadata.managedFields![0].fieldsV1).toHaveProperty(['f:spec', 'f:replicas'])
  })
})

describe('kubectl moving from client-side to server-side apply', () => {
  // What `kubectl apply` (client-side) leaves: the annotation and an Update entry owning everything it sent.
  function clientSideApplied(replicas: number): KubeObject {
    const manifest = deployment(replicas)
    const annotated = structuredClone(manifest) as KubeObject
    annotated.metadata.annotations = { [lastAppliedAnnotation]: `${JSON.stringify({ ...manifest, metadata: { ...manifest.metadata, annotations: {} } })}\n` }
    updateManagedFields(undefined, annotated, { manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1' }, now)
    return annotated
  }

  it('takes over the fields kubectl applied before, and rewrites the annotation', () => {
    const live = clientSideApplied(2)
    const next = applyConfiguration(live, deployment(3), request('kubectl', { now: later }))
    expect((next.spec as { replicas: number }).replicas).toBe(3)
    const annotation = next.metadata.annotations![lastAppliedAnnotation]
    expect(JSON.parse(annotation)).toEqual(deployment(3))
    expect(annotation.endsWith('}\n')).toBe(true)
    expect(annotation.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels"')).toBe(true)
    expect(next.metadata.managedFields!.map((e) => [e.manager, e.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-client-side-apply', 'Update'],
    ])
  })

  it('does so for the kubectl manager only', () => {
    const err = thrown(() => applyConfiguration(clientSideApplied(2), deployment(3), request('other')))
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas')
  })

  it('still conflicts on fields changed since the last client-side apply', () => {
    const scaled = updated(clientSideApplied(2), 'kubectl-client-side-apply', (o) => ((o.spec as { replicas: number }).replicas = 4))
    const err = thrown(() => applyConfiguration(scaled, deployment(3), request('kubectl')))
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas')
  })
})
