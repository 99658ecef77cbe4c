// RestStore.apply: server-side apply through the one write flow (strategy,
// validation, guarded write), creating when the object is missing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { openStore } from '../storage/open-store.ts'
import type { Store } from '../storage/store.ts'
import { StatusError } from '../status-error.ts'
import { RestStore, type WriteContext } from './rest-store.ts'
import { deployments } from './resources/apps/deployments.ts'
import { namespaces } from './resources/core/namespaces.ts'

function ctx(manager: string, options: Partial<WriteContext> = {}): WriteContext {
  return { manager, dryRun: false, now: new Date('2026-11-23T12:00:00Z'), ...options }
}

const intent = (replicas: number, image = 'nginx:1.27') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] } },
  },
})

describe('RestStore.apply', () => {
  let store: Store
  let rest: RestStore
  beforeEach(async () => {
    store = await openStore({ kind: 'memory' })
    rest = new RestStore(store)
    await rest.create(namespaces, undefined, { metadata: { name: 'default' } }, ctx('test'))
  })
  afterEach(() => store.close())

  it('creates a missing object with the strategy run and the Apply entry kept', async () => {
    const { stored, created } = await rest.apply(deployments, 'default', 'web', intent(2), ctx('kubectl'), { force: false })
    expect(created).toBe(true)
    const obj = stored.object as KubeObject & { spec: Record<string, unknown> }
    expect(obj.metadata).toMatchObject({ name: 'web', namespace: 'default', generation: 1 })
    expect(obj.spec).toMatchObject({ replicas: 2, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate' } })
    expect(obj.metadata.managedFields!.map((e) => [e.manager, e.operation])).toEqual([['kubectl', 'Apply']])
  })

  it('keeps the resourceVersion when an apply changes nothing, and writes when only ownership changes', async () => {
    const first = await rest.apply(deployments, 'default', 'web', intent(2), ctx('kubectl'), { force: false })
    const again = await rest.apply(deployments, 'default', 'web', intent(2), ctx('kubectl'), { force: false })
    expect(again.created).toBe(false)
    expect(again.stored.object.metadata.resourceVersion).toBe(first.stored.object.metadata.resourceVersion)
    const shared = await rest.apply(deployments, 'default', 'web', { ...intent(2), spec: { replicas: 2 } }, ctx('other'), { force: false })
    expect(Number(shared.stored.object.metadata.resourceVersion)).toBeGreaterThan(Number(first.stored.object.metadata.resourceVersion))
    // An apply that changed nothing gets no time, so it sorts first, as upstream's.
    expect(shared.stored.object.metadata.managedFields!.map((e) => [e.manager, e.time])).toEqual([
      ['other', undefined],
      ['kubectl', '2026-11-23T12:00:00Z'],
    ])
  })

  it('refuses a conflicting apply with 409 and stores nothing; force takes the field', async () => {
    await rest.apply(deployments, 'default', 'web', intent(2), ctx('kubectl'), { force: false })
    const before = rest.get(deployments, 'default', 'web').object.metadata.resourceVersion
    const err = await rest.apply(deployments, 'default', 'web', intent(5), ctx('helm'), { force: false }).then(() => undefined, (e) => e)
    expect(err).toBeInstanceOf(StatusError)
    expect((err as StatusError).status).toMatchObject({ code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas' })
    expect(rest.get(deployments, 'default', 'web').object.metadata.resourceVersion).toBe(before)
    const forced = await rest.apply(deployments, 'default', 'web', intent(5), ctx('helm'), { force: true })
    expect((forced.stored.object.spec as { replicas: number }).replicas).toBe(5)
  })

  it('records an Update that changes an applied field as taking it from the applier', async () => {
    await rest.apply(deployments, 'default', 'web', intent(2), ctx('kubectl'), { force: false })
    const stored = await rest.update(deployments, 'default', 'web', (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 7 } }), ctx('kubectl-edit'))
    const entries = stored.object.metadata.managedFields!
    expect(entries.map((e) => [e.manager, e.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-edit', 'Update'],
    ])
    expect(entries[0].fieldsV1).not.toHaveProperty(['f:spec', 'f:replicas'])
    expect(entries[1].fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } })
  })

  it('checks the name and validates the result like any write', async () => {
    const wrongName = await rest.apply(deployments, 'default', 'other', intent(2), ctx('kubectl'), { force: false }).then(() => undefined, (e) => e)
    expect((wrongName as StatusError).message).toBe('the name of the object (web) does not match the name on the URL (other)')
    const invalid = await rest.apply(deployments, 'default', 'web', intent(-1), ctx('kubectl'), { force: false }).then(() => undefined, (e) => e)
    expect((invalid as StatusError).status).toMatchObject({ code: 422, reason: 'Invalid' })
  })

  it('stores nothing on a dry run', async () => {
    const { created, stored } = await rest.apply(deployments, 'default', 'web', intent(2), ctx('kubectl', { dryRun: true }), { force: false })
    expect(created).toBe(true)
    expect(stored.object.metadata.name).toBe('web')
    expect(() => rest.get(deployments, 'default', 'web')).toThrow(StatusError)
  })
})
