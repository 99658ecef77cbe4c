import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../shared/api-types.ts'
import { openStore } from '../storage/open-store.ts'
import type { Store } from '../storage/store.ts'
import { StatusError } from '../status-error.ts'
import { canIgnorePDB, decrementBudget, evictPod, matchingBudgets } from './eviction.ts'
import { Registry } from './registry.ts'
import { builtinResources } from './resources/index.ts'
import { RestStore, type WriteContext } from './rest-store.ts'

const registry = new Registry(builtinResources)
const pods = registry.byKind('', 'Pod')!
const pdbs = registry.byKind('policy', 'PodDisruptionBudget')!
const namespaces = registry.byKind('', 'Namespace')!
const now = new Date('2026-11-23T12:00:00Z')

function ctx(dryRun = false): WriteContext {
  return { manager: 'test', dryRun, now }
}

function pdb(name: string, status: Record<string, unknown>, selector: unknown = { matchLabels: { app: 'web' } }): KubeObject {
  return { metadata: { name, namespace: 'default', generation: 1 }, spec: { minAvailable: 1, selector }, status: { observedGeneration: 1, ...status } }
}

async function refusal(promise: Promise<unknown>): Promise<StatusError> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(StatusError)
  return err as StatusError
}

describe('eviction decisions', () => {
  it('ignores budgets for pods that are not running or already terminating', () => {
    expect(canIgnorePDB({ metadata: {}, status: { phase: 'Pending' } })).toBe(true)
    expect(canIgnorePDB({ metadata: {}, status: { phase: 'Succeeded' } })).toBe(true)
    expect(canIgnorePDB({ metadata: { deletionTimestamp: now.toISOString() }, status: { phase: 'Running' } })).toBe(true)
    expect(canIgnorePDB({ metadata: {}, status: { phase: 'Running' } })).toBe(false)
  })

  it('matches budgets by selector; an empty or broken selector matches nothing', () => {
    const pod = { metadata: { name: 'p', namespace: 'default', labels: { app: 'web' } } }
    const budgets = [pdb('yes', {}), pdb('empty', {}, {}), pdb('none', {}, undefined), pdb('other', {}, { matchLabels: { app: 'db' } }), pdb('broken', {}, { matchExpressions: [{ key: 'app', operator: 'Bogus' }] })]
    budgets[2]!.spec = { minAvailable: 1 }
    expect(matchingBudgets(budgets, pod).map((b) => b.metadata.name)).toEqual(['yes'])
  })

  it('decrements an allowing budget and records the pod', () => {
    const next = decrementBudget(pdb('b', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1 }), 'p', now, false)
    expect(next.status).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { p: '2026-11-23T12:00:00Z' } })
    expect(next.status?.conditions).toEqual([{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2026-11-23T12:00:00Z' }])
  })

  it('refuses with 429 when no disruption is allowed, or the status is behind the spec', () => {
    let err: StatusError | undefined
    try {
      decrementBudget(pdb('b', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1 }), 'p', now, false)
    } catch (e) {
      err = e as StatusError
    }
    expect(err?.status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget b needs 1 healthy pods and has 1 currently' }] },
    })
    const stale = pdb('b', { disruptionsAllowed: 3 })
    stale.metadata.generation = 2
    expect(() => decrementBudget(stale, 'p', now, false)).toThrow(StatusError)
    expect(() => decrementBudget(pdb('b', { disruptionsAllowed: -1 }), 'p', now, false)).toThrow('poddisruptionbudget.policy "b" is forbidden: pdb disruptions allowed is negative')
  })
})

describe('evictPod', () => {
  let store: Store
  let rest: RestStore
  beforeEach(async () => {
    store = await openStore({ kind: 'memory' })
    rest = new RestStore(store)
    await rest.create(namespaces, undefined, { metadata: { name: 'default' } }, ctx())
  })
  afterEach(() => store.close())

  const defs = { pods, podDisruptionBudgets: pdbs }
  const eviction = (name: string, deleteOptions?: unknown): KubeObject => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) })
  const runningPod = async (name: string, ready = true) => {
    await rest.create(pods, 'default', { metadata: { name, labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } }, ctx())
    await rest.update(pods, 'default', name, (p) => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }), ctx(), 'status')
  }
  const addBudget = async (name: string, status: Record<string, unknown>) => {
    await rest.create(pdbs, 'default', { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }, ctx())
    await rest.update(pdbs, 'default', name, (p) => ({ ...p, status: { observedGeneration: 1, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1, disruptionsAllowed: 0, ...status } }), ctx(), 'status')
  }
  const podState = (name: string) => store.get(`/registry/pods/default/${name}`)?.object

  it('deletes a pod no budget covers (gracefully, honouring deleteOptions)', async () => {
    await runningPod('p')
    expect(await evictPod(rest, defs, 'default', 'p', eviction('p'), ctx())).toMatchObject({ status: 'Success', code: 201 })
    expect(podState('p')?.metadata.deletionGracePeriodSeconds).toBe(30)
    await runningPod('q')
    await evictPod(rest, defs, 'default', 'q', eviction('q', { gracePeriodSeconds: 0 }), ctx())
    expect(podState('q')).toBeUndefined()
  })

  it('refuses with 429 while the budget allows nothing, then decrements it and deletes', async () => {
    await runningPod('p')
    await addBudget('budget', { disruptionsAllowed: 0 })
    const err = await refusal(evictPod(rest, defs, 'default', 'p', eviction('p'), ctx()))
    expect(err.status.code).toBe(429)
    expect(err.status.details?.causes?.[0]?.message).toBe('The disruption budget budget needs 1 healthy pods and has 1 currently')
    expect(podState('p')?.metadata.deletionTimestamp).toBeUndefined()

    await rest.update(pdbs, 'default', 'budget', (p) => ({ ...p, status: { ...(p.status as object), disruptionsAllowed: 1, currentHealthy: 2 } }), ctx(), 'status')
    await evictPod(rest, defs, 'default', 'p', eviction('p'), ctx())
    expect(podState('p')?.metadata.deletionTimestamp).toBeDefined()
    const budget = store.get('/registry/policy/poddisruptionbudgets/default/budget')!.object
    expect(budget.status).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { p: '2026-11-23T12:00:00Z' } })
  })

  it('dry run checks the budget but changes nothing', async () => {
    await runningPod('p')
    await addBudget('budget', { disruptionsAllowed: 1, currentHealthy: 2 })
    await evictPod(rest, defs, 'default', 'p', eviction('p', { dryRun: ['All'] }), ctx())
    expect(podState('p')?.metadata.deletionTimestamp).toBeUndefined()
    expect(store.get('/registry/policy/poddisruptionbudgets/default/budget')!.object.status).toMatchObject({ disruptionsAllowed: 1 })
  })

  it('lets an unready pod go when the budget is met, without spending a disruption', async () => {
    await runningPod('p', false)
    await addBudget('budget', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1 })
    await evictPod(rest, defs, 'default', 'p', eviction('p'), ctx())
    expect(podState('p')?.metadata.deletionTimestamp).toBeDefined()
  })

  it('deletes a pending pod whatever the budget says', async () => {
    await rest.create(pods, 'default', { metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ctx())
    await addBudget('budget', { disruptionsAllowed: 0 })
    await evictPod(rest, defs, 'default', 'p', eviction('p'), ctx())
    expect(podState('p')).toBeUndefined()
  })

  it('answers 500 for two budgets, 404 for a missing pod, 400 for a name mismatch', async () => {
    await runningPod('p')
    await addBudget('one', { disruptionsAllowed: 1 })
    await addBudget('two', { disruptionsAllowed: 1 })
    expect(await evictPod(rest, defs, 'default', 'p', eviction('p'), ctx())).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500,
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    })
    expect((await refusal(evictPod(rest, defs, 'default', 'nope', eviction('nope'), ctx()))).status.code).toBe(404)
    const mismatch = await refusal(evictPod(rest, defs, 'default', 'p', eviction('other'), ctx()))
    expect(mismatch.status).toMatchObject({ code: 400, message: 'name in URL does not match name in Eviction object' })
  })
})
