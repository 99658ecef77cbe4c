import { describe, expect, it } from 'vitest'
import { customDefinitionName, schemaFor, schemalessKind } from './kind-schema.ts'

const deployment = schemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' })!
const pod = schemaFor({ group: '', version: 'v1', kind: 'Pod' })!

describe('schemaFor', () => {
  it('finds served kinds by GVK and nothing else', () => {
    expect(deployment.definition).toBe('io.k8s.api.apps.v1.Deployment')
    expect(schemaFor({ group: 'apps', version: 'v1beta2', kind: 'Deployment' })).toBeUndefined()
    expect(schemaFor({ group: 'example.com', version: 'v1', kind: 'Widget' })).toBeUndefined()
  })

  it('steps into list elements implicitly', () => {
    expect(deployment.at('spec.template.spec.containers.image')?.type).toBe('scalar')
    expect(deployment.at(['spec', 'template', 'spec', 'containers'])?.items?.definition).toBe('io.k8s.api.core.v1.Container')
    expect(deployment.at('spec.nope')).toBeUndefined()
    expect(deployment.at('')).toBe(deployment.root)
  })

  it('answers list types and map keys from the upstream extensions', () => {
    expect(deployment.listType('spec.template.spec.containers')).toBe('map')
    expect(deployment.listMapKeys('spec.template.spec.containers')).toEqual(['name'])
    expect(deployment.listMapKeys('spec.template.spec.containers.ports')).toEqual(['containerPort', 'protocol'])
    expect(deployment.listMapKeys('spec.template.spec.containers.env')).toEqual(['name'])
    expect(pod.listType('spec.tolerations')).toBe('atomic')
    expect(pod.listType('metadata.finalizers')).toBe('set')
    expect(pod.listMapKeys('metadata.ownerReferences')).toEqual(['uid'])
    expect(pod.listType('spec.containers.args')).toBe('atomic')
    expect(pod.listType('spec.nodeName')).toBeUndefined()
  })

  it('answers map types: atomic structs and maps, granular by default', () => {
    expect(deployment.mapType('spec.selector')).toBe('atomic')
    expect(deployment.mapType('metadata.labels')).toBe('granular')
    expect(deployment.mapType('spec')).toBe('granular')
    expect(pod.mapType('spec.containers.resources.limits')).toBe('granular')
    expect(deployment.mapType('spec.replicas')).toBeUndefined()
  })

  it('keeps the strategic merge metadata', () => {
    const containers = pod.at('spec.containers')!
    expect(containers.patchStrategy).toBe('merge')
    expect(containers.patchMergeKey).toBe('name')
    expect(pod.at('spec.volumes')!.patchStrategy).toBe('merge,retainKeys')
  })

  it('marks open content as any', () => {
    expect(pod.at('metadata.managedFields.fieldsV1')?.type).toBe('any')
    expect(pod.at('metadata.managedFields.fieldsV1.f:spec.anything')?.type).toBe('any')
  })
})

describe('schemalessKind', () => {
  it('knows metadata and keeps everything else', () => {
    const widget = schemalessKind({ group: 'stable.example.com', version: 'v1', kind: 'Widget' })
    expect(widget.definition).toBe('com.example.stable.v1.Widget')
    expect(widget.root.preserveUnknownFields).toBe(true)
    expect(widget.listType('metadata.finalizers')).toBe('set')
    expect(customDefinitionName({ group: 'example.com', version: 'v1alpha1', kind: 'Gadget' })).toBe('com.example.v1alpha1.Gadget')
  })
})
