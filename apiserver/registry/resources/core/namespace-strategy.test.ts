import { describe, expect, it } from 'vitest'
import { createFlow, rendered, updateFlow } from '../testing/strategy-flow.ts'
import type { Namespace } from './namespace-strategy.ts'
import { namespaces } from './namespaces.ts'

function namespace(name: string, extra: Partial<Namespace> = {}): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, ...extra }
}

describe('namespace create', () => {
  const { obj, errors } = createFlow(namespaces, namespace('team-a', { status: { phase: 'Terminating' } }))

  it('is valid', () => expect(errors).toEqual([]))

  it('is Active with the kubernetes finalizer and the name label', () => {
    expect(obj.status).toEqual({ phase: 'Active' })
    expect(obj.spec).toEqual({ finalizers: ['kubernetes'] })
    expect(obj.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' })
  })

  it('requires a DNS-1123 label name', () => {
    const { errors: dotted } = createFlow(namespaces, namespace('team.a'))
    expect(rendered(dotted)).toEqual(['metadata.name: Invalid value: "team.a": must not contain dots'])
  })

  it('rejects a namespace on a cluster-scoped object', () => {
    const { errors: scoped } = createFlow(namespaces, { ...namespace('x'), metadata: { name: 'x', namespace: 'default' } })
    expect(rendered(scoped)).toEqual(['metadata.namespace: Forbidden: not allowed on this type'])
  })

  it('rejects a non-standard unqualified spec finalizer', () => {
    const { errors: bad } = createFlow(namespaces, namespace('x', { spec: { finalizers: ['custom'] } }))
    expect(rendered(bad)).toEqual(['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified'])
  })
})

describe('namespace update', () => {
  const created = createFlow(namespaces, namespace('team-a')).obj

  it('keeps spec.finalizers, status and the name label', () => {
    const { obj, errors } = updateFlow(namespaces, created, (next) => {
      next.spec = { finalizers: [] }
      next.status = { phase: 'Terminating' }
      next.metadata.labels = { team: 'a' }
    })
    expect(errors).toEqual([])
    expect(obj.spec?.finalizers).toEqual(['kubernetes'])
    expect(obj.status?.phase).toBe('Active')
    expect(obj.metadata.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'team-a' })
  })

  it('checks the phase on status writes', () => {
    const next = structuredClone(created)
    next.status = { phase: 'Terminating' }
    expect(rendered(namespaces.strategy.validateStatusUpdate?.(next, created) ?? [])).toEqual([
      "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
    ])
  })

  it('selects by status.phase', () => {
    expect(namespaces.fieldSelectors?.['status.phase']?.(created)).toBe('Active')
  })
})
