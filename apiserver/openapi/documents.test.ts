import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Registry } from '../registry/registry.ts'
import { builtinResources } from '../registry/resources/index.ts'
import { defineResource } from '../registry/types.ts'
import { OpenApiDocuments } from './documents.ts'

type Doc = any

function documents() {
  const registry = new Registry(builtinResources)
  return { registry, docs: new OpenApiDocuments(registry, 'v1.34.0-test') }
}

const widgets = defineResource({ group: 'stable.example.com', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true, strategy: {} })

describe('OpenAPI v3 documents', () => {
  const { docs } = documents()
  const index = JSON.parse(docs.index().json)
  const apps: Doc = JSON.parse(docs.groupVersion('apis/apps/v1')!.json)
  const core: Doc = JSON.parse(docs.groupVersion('api/v1')!.json)

  it('index every served group-version with the hash of its document', () => {
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/autoscaling/v2']))
    const doc = docs.groupVersion('apis/apps/v1')!
    expect(doc.etag).toBe(createHash('sha512').update(doc.json).digest('hex').toUpperCase())
    expect(index.paths['apis/apps/v1']).toEqual({ serverRelativeURL: `/openapi/v3/apis/apps/v1?hash=${doc.etag}` })
  })

  it('list the operations of each resource under upstream names', () => {
    const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put'])
    expect(item.get.operationId).toBe('readAppsV1NamespacedDeployment')
    expect(item.put.operationId).toBe('replaceAppsV1NamespacedDeployment')
    expect(item.parameters.map((p: Doc) => p.name)).toEqual(['name', 'namespace', 'pretty'])
    expect(item.parameters[0]).toEqual({ name: 'name', in: 'path', description: 'name of the Deployment', required: true, schema: { type: 'string', uniqueItems: true } })
    const collection = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments']
    expect([collection.get.operationId, collection.post.operationId, collection.delete.operationId]).toEqual([
      'listAppsV1NamespacedDeployment',
      'createAppsV1NamespacedDeployment',
      'deleteAppsV1CollectionNamespacedDeployment',
    ])
    expect(collection.get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentList' })
    expect(apps.paths['/apis/apps/v1/deployments'].get.operationId).toBe('listAppsV1DeploymentForAllNamespaces')
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' })
    expect(core.paths['/api/v1/nodes/{name}'].get.operationId).toBe('readCoreV1Node')
    expect(core.paths['/api/v1/namespaces/{namespace}/endpoints'].post.description).toBe('create Endpoints')
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}'].delete.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/io.k8s.api.core.v1.Pod')
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding'].post.operationId).toBe('createCoreV1NamespacedPodBinding')
  })

  it('give PATCH what kubectl looks for: the GVK and a fieldValidation parameter', () => {
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' })
    expect(patch['x-kubernetes-action']).toBe('patch')
    expect(patch.parameters.map((p: Doc) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force'])
    expect(Object.keys(patch.requestBody.content).sort()).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'])
  })

  it('limit operations to the verbs a resource serves', () => {
    const authz: Doc = JSON.parse(docs.groupVersion('apis/authorization.k8s.io/v1')!.json)
    expect(Object.keys(authz.paths)).toEqual(['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'])
    expect(Object.keys(authz.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'])).toEqual(['post', 'parameters'])
  })

  it('hold every schema they reach, in v3 form, with the GVK on kinds', () => {
    const schemas = apps.components.schemas
    expect(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }])
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.containers.items).toEqual({ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' })
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.template).toEqual({
      description: expect.stringContaining('Template describes the pods'),
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' }],
    })
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] })
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type).toBeUndefined()
    expect(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf).toEqual([{ type: 'string' }, { type: 'number' }])
    const refs = JSON.stringify(apps).match(/#\/components\/schemas\/[^"]+/g)!
    for (const ref of new Set(refs)) expect(schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined()
    expect(schemas['io.k8s.api.core.v1.Node']).toBeUndefined()
  })
})

describe('documents of a changing registry', () => {
  it('are rebuilt with a new hash, and a kind added at run time gets an open schema', () => {
    const { registry, docs } = documents()
    const before = docs.index().json
    registry.add(widgets)
    const after = JSON.parse(docs.index().json)
    expect(after).not.toEqual(JSON.parse(before))
    const widgetDoc: Doc = JSON.parse(docs.groupVersion('apis/stable.example.com/v1')!.json)
    const schema = widgetDoc.components.schemas['com.example.stable.v1.Widget']
    expect(schema['x-kubernetes-preserve-unknown-fields']).toBe(true)
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', version: 'v1', kind: 'Widget' }])
    expect(schema.properties.metadata.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }])
    expect(widgetDoc.components.schemas['com.example.stable.v1.WidgetList'].properties.items.items).toEqual({ $ref: '#/components/schemas/com.example.stable.v1.Widget' })
    expect(widgetDoc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined()
    expect(widgetDoc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/widgets/{name}'].patch['x-kubernetes-group-version-kind'].kind).toBe('Widget')
    registry.remove('stable.example.com', 'v1', 'widgets')
    expect(docs.groupVersion('apis/stable.example.com/v1')).toBeUndefined()
    expect(docs.index().json).toBe(before)
  })
})

describe('OpenAPI v2 document', () => {
  it('is Swagger 2.0 over the same operations and the upstream definitions', () => {
    const { docs } = documents()
    const swagger: Doc = JSON.parse(docs.swagger().json)
    expect(swagger.swagger).toBe('2.0')
    const patch = swagger.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch
    expect(patch.consumes).toContain('application/strategic-merge-patch+json')
    expect(patch.parameters[0]).toEqual({ in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } })
    expect(patch.parameters.map((p: Doc) => p.name)).toContain('fieldValidation')
    expect(patch.responses['200'].schema).toEqual({ $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' })
    expect(swagger.definitions['io.k8s.api.core.v1.Node']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Node' }])
  })
})
