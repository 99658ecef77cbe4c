// The generated tables cover what the apiserver serves; re-run
// scripts/generate-protobuf-tables.ts when a kind is added to the registry.
import { describe, expect, it } from 'vitest'
import { builtinResources } from '../registry/resources/index.ts'
import { messages } from './generated/messages.ts'
import { findKind, findMessage, messageOf } from './message-table.ts'
import { isScalar } from './wire-decoder.ts'

describe('generated protobuf tables', () => {
  it.each(builtinResources.map((r) => ({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind })))(
    'have the served kind $apiVersion $kind',
    ({ apiVersion, kind }) => {
      expect(findKind(apiVersion, kind)?.kind).toBe(true)
    },
  )

  it('have the kinds kubectl sends that the registry does not serve yet', () => {
    expect(findKind('authentication.k8s.io/v1', 'SelfSubjectReview')).toBeDefined()
    expect(findKind('authentication.k8s.io/v1', 'TokenRequest')).toBeDefined()
    expect(findKind('policy/v1', 'Eviction')).toBeDefined()
  })

  it('resolve every message they reference', () => {
    const missing: string[] = []
    for (const name of Object.keys(messages)) {
      for (const field of messageOf(name).fields) {
        for (const type of field.map ? [field.map.key, field.map.value] : [field.type]) {
          if (!isScalar(type) && !findMessage(type)) missing.push(`${name}.${field.protoName}: ${type}`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it('keep upstream field facts: ObjectMeta as contract §13 quotes it', () => {
    const meta = messageOf('apis/meta/v1.ObjectMeta')
    const byName = Object.fromEntries(meta.fields.map((f) => [f.json, f.number]))
    expect(byName).toMatchObject({ name: 1, generateName: 2, namespace: 3, uid: 5, resourceVersion: 6, generation: 7, labels: 11, annotations: 12, ownerReferences: 13, finalizers: 14 })
    expect(meta.fields.find((f) => f.json === 'creationTimestamp')).toMatchObject({ omitzero: true, pointer: false })
    expect(meta.fields.find((f) => f.json === 'deletionTimestamp')).toMatchObject({ pointer: true })
  })
})
