import { describe, expect, it } from 'vitest'
import { builtinResources } from '../registry/resources/index.ts'
import { definitionClosure, definitionNameFor, generatedDefinitions, refName } from './definitions.ts'

describe('generated definitions', () => {
  const { definitions, source, parameters } = generatedDefinitions()

  it('name their upstream source', () => {
    expect(source.kubernetes).toMatch(/^1\.\d+$/)
    expect(source.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each(builtinResources.map((d) => [`${d.group || 'core'}/${d.version} ${d.kind}`, d] as const))('have a schema for %s', (_, def) => {
    const name = definitionNameFor({ group: def.group, version: def.version, kind: def.kind })
    expect(name).toBeDefined()
    const schema = definitions[name!]
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: def.group, version: def.version, kind: def.kind }])
    expect(schema.description).toBeTruthy()
    expect(Object.keys(schema.properties!)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']))
  })

  it('have the kinds of the served subresources and the meta kinds operations use', () => {
    expect(definitionNameFor({ group: 'autoscaling', version: 'v1', kind: 'Scale' })).toBe('io.k8s.api.autoscaling.v1.Scale')
    expect(definitionNameFor({ group: 'policy', version: 'v1', kind: 'Eviction' })).toBe('io.k8s.api.policy.v1.Eviction')
    expect(definitionNameFor({ group: '', version: 'v1', kind: 'Binding' })).toBe('io.k8s.api.core.v1.Binding')
    for (const meta of ['Status', 'DeleteOptions', 'Patch', 'WatchEvent', 'ObjectMeta', 'Time']) {
      expect(definitions[`io.k8s.apimachinery.pkg.apis.meta.v1.${meta}`]).toBeDefined()
    }
    expect(definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toBeDefined()
    expect(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' })
  })

  it('resolve every reference they make', () => {
    const names = Object.keys(definitions)
    const missing: string[] = []
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit)
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === '$ref' && typeof v === 'string' && !definitions[refName(v)]) missing.push(v)
          else visit(v)
        }
      }
    }
    visit(definitions)
    expect(missing).toEqual([])
    expect(definitionClosure(names)).toHaveLength(names.length)
  })

  it('keep the upstream extensions strategic merge and server-side apply read', () => {
    const containers = definitions['io.k8s.api.core.v1.PodSpec'].properties!.containers
    expect(containers).toMatchObject({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    })
    expect(definitions['io.k8s.api.core.v1.Container'].properties!.ports['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol'])
    expect(definitions['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type']).toBe('atomic')
  })

  it('carry the upstream wording of the query parameters', () => {
    expect(parameters.fieldValidation.description).toMatch(/^fieldValidation instructs the server/)
    expect(parameters['fieldManager@patch'].description).toMatch(/required for apply requests/)
    expect(parameters.fieldManager.description).not.toMatch(/required for apply requests/)
  })
})
