import { describe, expect, it } from 'vitest'
import type { FieldError } from './field-error.ts'
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts'
import { nameIsDNSSubdomain } from './resource-names.ts'

const rendered = (errors: FieldError[]) => errors.map((e) => `${e.field}: ${e.message}`)
const namespaced = { namespaced: true, validateName: nameIsDNSSubdomain }

describe('validateObjectMeta', () => {
  it('accepts a plain object', () => {
    expect(validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'web' } }, namespaced)).toEqual([])
  })

  it('requires a name or generateName, and a namespace', () => {
    expect(rendered(validateObjectMeta({}, namespaced))).toEqual(['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value'])
  })

  it('checks generateName as a prefix (trailing dash allowed)', () => {
    expect(validateObjectMeta({ name: 'web-x7k2p', generateName: 'web-', namespace: 'default' }, namespaced)).toEqual([])
    expect(rendered(validateObjectMeta({ name: 'webx', generateName: 'Web-', namespace: 'default' }, namespaced))[0]).toMatch(/^metadata\.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain/)
  })

  it('checks label values', () => {
    const errors = validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'has space' } }, namespaced)
    expect(errors[0].field).toBe('metadata.labels')
    expect(errors[0].message).toMatch(/^Invalid value: "has space": a valid label must be an empty string or consist of alphanumeric characters/)
  })

  it('checks owner references', () => {
    const ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '', controller: true },
    ]
    expect(rendered(validateObjectMeta({ name: 'web', namespace: 'default', ownerReferences }, namespaced))).toEqual([
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
      `metadata.ownerReferences: Invalid value: ${JSON.stringify(ownerReferences)}: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b`,
    ])
  })

  it('checks finalizers', () => {
    expect(rendered(validateObjectMeta({ name: 'web', namespace: 'default', finalizers: ['example.com/cleanup', 'mine', 'orphan', 'foregroundDeletion'] }, namespaced))).toEqual([
      'metadata.finalizers: Invalid value: ["example.com/cleanup","mine","orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
      'metadata.finalizers[1]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
    ])
  })
})

describe('validateObjectMetaUpdate', () => {
  const prev = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z', generation: 2 }

  it('accepts an unchanged identity', () => {
    expect(validateObjectMetaUpdate({ ...prev, labels: { a: 'b' } }, prev)).toEqual([])
  })

  it('keeps identity fields immutable', () => {
    expect(rendered(validateObjectMetaUpdate({ ...prev, namespace: 'other', uid: 'u2' }, prev))).toEqual([
      'metadata.namespace: Invalid value: "other": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ])
  })

  it('requires a resourceVersion and forbids a lower generation', () => {
    expect(rendered(validateObjectMetaUpdate({ ...prev, resourceVersion: '', generation: 1 }, prev))).toEqual([
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 1: must not be decremented',
    ])
  })

  it('forbids new finalizers on a deleting object', () => {
    const deleting = { ...prev, deletionTimestamp: '2026-01-02T00:00:00Z', finalizers: ['kubernetes'] }
    expect(rendered(validateObjectMetaUpdate({ ...deleting, finalizers: ['kubernetes', 'example.com/b', 'example.com/a'] }, deleting))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/a", "example.com/b"}',
    ])
  })
})
