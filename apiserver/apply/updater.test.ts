// The ownership engine on a small hand-made schema: list types, conflicts,
// force, shared ownership and removal of dropped fields.
import { describe, expect, it } from 'vitest'
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { anyType, atomicList, mapList, scalarType, setList, stringMap, struct, type ApplySchema, type ApplyType } from './apply-type.ts'
import { FieldSet } from './field-set.ts'
import { pathString } from './path-element.ts'
import { ApplyConflicts, recordApply, recordUpdate, type ManagedFields } from './updater.ts'

const port = struct({ containerPort: scalarType, protocol: scalarType, name: scalarType })
const container = struct({
  name: scalarType,
  image: scalarType,
  args: atomicList(),
  ports: mapList(['containerPort', 'protocol'], port),
})
const root: ApplyType = struct({
  apiVersion: scalarType,
  kind: scalarType,
  metadata: struct({ name: scalarType, labels: stringMap(), finalizers: setList() }),
  spec: struct({
    replicas: scalarType,
    selector: struct({ matchLabels: stringMap() }, { atomic: true }),
    containers: mapList(['name'], container),
    config: anyType,
  }),
  status: struct({ replicas: scalarType }),
})
const schema: ApplySchema = { root, fieldDefault: (t, field) => (t === port && field === 'protocol' ? 'TCP' : undefined), fieldRequired: () => false }
const options = { schema, ignored: FieldSet.of([{ field: 'status' }]) }

const apply = (live: JsonValue, config: JsonValue, managed: ManagedFields, manager: string, force = false) => recordApply(live, config, 'v1', managed, manager, force, options)
const update = (live: JsonValue, next: JsonValue, managed: ManagedFields, manager: string) => recordUpdate(live, next, 'v1', managed, manager, options)
const owned = (managed: ManagedFields, manager: string) => managed.get(manager)?.set.toFieldsV1()

describe('apply', () => {
  const config = {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 2, containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] },
  }

  it('owns exactly the configuration, map-list items by key (with the key default), structs without `.`', () => {
    const { object, managed } = apply({}, config, new Map(), 'a')
    expect(object).toEqual(config)
    expect(owned(managed, 'a')).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:name': {} },
      'f:spec': {
        'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } },
        'f:replicas': {},
      },
    })
  })

  it('refuses to take a field another manager set to another value, and takes it when forced', () => {
    const first = apply({}, config, new Map(), 'a')
    const live = first.object!
    const scaled = structuredClone(live) as JsonObject
    ;(scaled.spec as JsonObject).replicas = 5
    const managed = update(live, scaled, first.managed, 'scaler')
    expect(owned(managed, 'scaler')).toEqual({ 'f:spec': { 'f:replicas': {} } })
    expect(owned(managed, 'a')).not.toHaveProperty(['f:spec', 'f:replicas'])

    const err = (() => {
      try {
        apply(scaled, config, managed, 'a')
      } catch (e) {
        return e
      }
    })() as ApplyConflicts
    expect(err).toBeInstanceOf(ApplyConflicts)
    expect(err.conflicts.map((c) => [c.manager, pathString(c.path)])).toEqual([['scaler', '.spec.replicas']])

    const forced = apply(scaled, config, managed, 'a', true)
    expect((forced.object as JsonObject).spec).toMatchObject({ replicas: 2 })
    expect(forced.managed.has('scaler')).toBe(false)
    expect(owned(forced.managed, 'a')).toHaveProperty(['f:spec', 'f:replicas'])
  })

  it('shares fields applied with the same value, without conflict', () => {
    const first = apply({}, config, new Map(), 'a')
    const second = apply(first.object!, { metadata: { name: 'web' }, spec: { replicas: 2 } }, first.managed, 'b')
    expect(second.object).toBeUndefined()
    expect(owned(second.managed, 'b')).toEqual({ 'f:metadata': { 'f:name': {} }, 'f:spec': { 'f:replicas': {} } })
    expect(owned(second.managed, 'a')).toHaveProperty(['f:spec', 'f:replicas'])
  })

  it('removes what the applier dropped unless someone else owns it', () => {
    const first = apply({}, { metadata: { labels: { app: 'web', tier: 'fe', team: 'x' } } }, new Map(), 'a')
    const shared = apply(first.object!, { metadata: { labels: { team: 'x' } } }, first.managed, 'b')
    const second = apply(first.object!, { metadata: { labels: { app: 'web' } } }, shared.managed, 'a')
    expect((second.object as JsonObject).metadata).toEqual({ labels: { app: 'web', team: 'x' } })
    expect(owned(second.managed, 'a')).toEqual({ 'f:metadata': { 'f:labels': { 'f:app': {} } } })
  })

  it('removes a dropped list item and an emptied struct field', () => {
    const two: JsonValue = { spec: { containers: [{ name: 'c', image: 'x' }, { name: 'd', image: 'y', args: ['1'] }] } }
    const first = apply({}, two, new Map(), 'a')
    const second = apply(first.object!, { spec: { containers: [{ name: 'c', image: 'x' }] } }, first.managed, 'a')
    expect(second.object).toEqual({ spec: { containers: [{ name: 'c', image: 'x' }] } })
    const third = apply(second.object!, { metadata: { name: 'web' } }, second.managed, 'a')
    expect(third.object).toEqual({ metadata: { name: 'web' } })
  })

  it('keeps fields nobody owns (defaults, other writers without managed fields)', () => {
    const live = { spec: { replicas: 1, containers: [{ name: 'c', image: 'x', terminationMessagePath: '/dev/termination-log' }] } }
    const first = apply(live, { spec: { containers: [{ name: 'c', image: 'y' }] } }, new Map(), 'a')
    const second = apply(first.object!, { spec: { containers: [{ name: 'c' }] } }, first.managed, 'a')
    expect(second.object).toEqual({ spec: { replicas: 1, containers: [{ name: 'c', terminationMessagePath: '/dev/termination-log' }] } })
  })

  it('merges map lists by key: configuration order, live-only items in their place', () => {
    const live = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }] } }
    const { object } = apply(live, { spec: { containers: [{ name: 'c', image: '3' }, { name: 'a', image: '4' }] } }, new Map(), 'x')
    expect((object as JsonObject).spec).toEqual({ containers: [{ name: 'c', image: '3' }, { name: 'a', image: '4' }, { name: 'b', image: '2' }] })
  })

  it('unions sets, replaces atomic lists and atomic structs', () => {
    const live = { metadata: { finalizers: ['x'] }, spec: { selector: { matchLabels: { a: '1', b: '2' } }, containers: [{ name: 'c', args: ['1', '2'] }] } }
    const { object, managed } = apply(live, { metadata: { finalizers: ['y'] }, spec: { selector: { matchLabels: { a: '1' } }, containers: [{ name: 'c', args: ['3'] }] } }, new Map(), 'x')
    expect(object).toEqual({ metadata: { finalizers: ['x', 'y'] }, spec: { selector: { matchLabels: { a: '1' } }, containers: [{ name: 'c', args: ['3'] }] } })
    expect(owned(managed, 'x')).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"y"': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:name': {} } }, 'f:selector': {} },
    })
  })

  it('owns map entries of untyped content, with `.` on nested maps', () => {
    const { managed } = apply({}, { spec: { config: { a: { b: 1 }, c: [1] } } }, new Map(), 'x')
    expect(owned(managed, 'x')).toEqual({ 'f:spec': { 'f:config': { 'f:a': { '.': {}, 'f:b': {} }, 'f:c': {} } } })
  })

  it('does not own status through the main resource', () => {
    const { object, managed } = apply({}, { spec: { replicas: 1 }, status: { replicas: 3 } }, new Map(), 'x')
    expect(object).toEqual({ spec: { replicas: 1 }, status: { replicas: 3 } })
    expect(owned(managed, 'x')).toEqual({ 'f:spec': { 'f:replicas': {} } })
  })
})

describe('update', () => {
  it('owns what it added or changed, with `.` on new items and maps, and takes it from appliers', () => {
    const first = recordApply({}, { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }, 'v1', new Map(), 'a', false, options)
    const live = first.object!
    const next = { metadata: { labels: { app: 'web2', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'x' }, { name: 'd', image: 'y' }] } }
    const managed = update(live, next, first.managed, 'u')
    expect(owned(managed, 'u')).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"d"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    })
    expect(owned(managed, 'a')).toEqual({ 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } })
  })

  it('drops removed fields from every manager, and managers left with nothing', () => {
    const first = recordApply({}, { metadata: { labels: { app: 'web' } } }, 'v1', new Map(), 'a', false, options)
    const managed = update(first.object!, { metadata: {} }, first.managed, 'u')
    expect(managed.size).toBe(0)
  })
})
