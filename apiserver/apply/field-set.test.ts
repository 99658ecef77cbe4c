import { describe, expect, it } from 'vitest'
import { FieldSet } from './field-set.ts'
import { parseElement, pathString, serializeElement, type Path } from './path-element.ts'
import { mapList, scalarType, struct, stringMap } from './apply-type.ts'

const f = (field: string) => ({ field })
const k = (...fields: [string, string | number][]) => ({ key: fields })

describe('FieldsV1', () => {
  // managedFields of `kubectl apply --server-side` of a one-container pod on a real cluster.
  const upstream = {
    'f:metadata': { 'f:labels': { 'f:run': {} } },
    'f:spec': {
      'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } },
      'f:dnsPolicy': {},
      'f:restartPolicy': {},
    },
  }

  it('reads and writes upstream sets unchanged, `.` included', () => {
    const set = FieldSet.fromFieldsV1(upstream)
    expect(set.has([f('spec'), f('containers'), k(['name', 'nginx'])])).toBe(true)
    expect(set.has([f('spec'), f('containers'), k(['name', 'nginx']), f('image')])).toBe(true)
    expect(set.has([f('spec'), f('containers')])).toBe(false)
    expect(JSON.stringify(set.toFieldsV1())).toBe(JSON.stringify(upstream))
  })

  it('sorts fields, then keys, then values, and key fields by name', () => {
    const set = FieldSet.of(
      [f('list'), { value: 'b' }],
      [f('list'), { value: 'a' }],
      [f('ports'), { key: [['containerPort', 80], ['protocol', 'TCP']] }, f('containerPort')],
      [f('a')],
      [f('list'), { value: 10 }],
    )
    expect(JSON.stringify(set.toFieldsV1())).toBe(
      '{"f:a":{},"f:list":{"v:10":{},"v:\\"a\\"":{},"v:\\"b\\"":{}},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{"f:containerPort":{}}}}',
    )
    expect(parseElement('k:{"protocol":"TCP","containerPort":80}')).toMatchObject({ key: [['containerPort', 80], ['protocol', 'TCP']] })
    expect(serializeElement(parseElement('k:{"protocol":"TCP","containerPort":80}'))).toBe('k:{"containerPort":80,"protocol":"TCP"}')
    expect(serializeElement({ value: '<a&b>' })).toBe('v:"\\u003ca\\u0026b\\u003e"')
  })

  it('prints paths as conflict messages do', () => {
    const path: Path = [f('spec'), f('template'), f('spec'), f('containers'), k(['name', 'nginx']), f('ports'), k(['containerPort', 80], ['protocol', 'TCP'])]
    expect(pathString(path)).toBe('.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]')
    expect(pathString([f('metadata'), f('finalizers'), { value: 'x' }])).toBe('.metadata.finalizers[="x"]')
  })

  it('lists member paths members-first, as upstream iterates a set', () => {
    const set = FieldSet.of([f('spec'), f('template'), f('x')], [f('spec'), f('replicas')], [f('metadata'), f('labels'), f('app')])
    expect(set.paths().map(pathString)).toEqual(['.metadata.labels.app', '.spec.replicas', '.spec.template.x'])
  })
})

describe('FieldSet operations', () => {
  const a = FieldSet.of([f('a'), f('b')], [f('a'), f('c')], [f('d')])

  it('difference removes members only; recursive difference removes what lies below them', () => {
    const parent = FieldSet.of([f('a')])
    expect(a.difference(parent).toFieldsV1()).toEqual(a.toFieldsV1())
    expect(a.recursiveDifference(parent).toFieldsV1()).toEqual({ 'f:d': {} })
    expect(a.difference(FieldSet.of([f('a'), f('b')])).toFieldsV1()).toEqual({ 'f:a': { 'f:c': {} }, 'f:d': {} })
  })

  it('unions and intersects', () => {
    const b = FieldSet.of([f('a'), f('b')], [f('e')])
    expect(a.intersection(b).toFieldsV1()).toEqual({ 'f:a': { 'f:b': {} } })
    expect(a.union(b).toFieldsV1()).toEqual({ 'f:a': { 'f:b': {}, 'f:c': {} }, 'f:d': {}, 'f:e': {} })
    expect(new FieldSet().union(new FieldSet()).isEmpty()).toBe(true)
  })

  it('makes declared struct fields members, not map entries or list items', () => {
    const t = struct({ spec: struct({ labels: stringMap(), items: mapList(['name'], struct({ name: scalarType, deep: struct({ x: scalarType }) })) }) })
    const set = FieldSet.of([f('spec'), f('labels'), f('app')], [f('spec'), f('items'), k(['name', 'a']), f('deep'), f('x')])
    const ensured = set.ensureNamedFieldsAreMembers(t)
    expect(ensured.has([f('spec')])).toBe(true)
    expect(ensured.has([f('spec'), f('labels')])).toBe(true)
    expect(ensured.has([f('spec'), f('items')])).toBe(true)
    expect(ensured.has([f('spec'), f('items'), k(['name', 'a'])])).toBe(false)
    expect(ensured.has([f('spec'), f('items'), k(['name', 'a']), f('deep')])).toBe(true)
  })
})
