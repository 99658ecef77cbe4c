import { describe, expect, it } from 'vitest'
import { createFlow, rendered, updateFlow } from '../testing/strategy-flow.ts'
import type { Deployment } from './deployment-strategy.ts'
import { deployments } from './deployments.ts'

function deployment(spec: Deployment['spec']): Deployment {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec }
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } }

describe('deployment defaults', () => {
  const { obj, errors } = createFlow(deployments, deployment({ selector: { matchLabels: { app: 'web' } }, template }))

  it('is valid', () => expect(errors).toEqual([]))

  it('fills apps/v1 defaults and the template pod spec defaults', () => {
    expect(obj.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    })
    expect(obj.spec?.template?.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' })
    expect(obj.spec?.template?.spec?.containers?.[0].imagePullPolicy).toBe('IfNotPresent')
  })

  it('gives templates no pod-only defaults', () => {
    expect(obj.spec?.template?.spec?.enableServiceLinks).toBeUndefined()
    expect(obj.spec?.template?.spec?.tolerations).toBeUndefined()
  })

  it('starts at generation 1 with the empty status upstream serializes', () => {
    expect(obj.metadata.generation).toBe(1)
    expect(obj.status).toEqual({})
  })
})

describe('deployment validation', () => {
  it('requires a selector, and a missing one matches nothing', () => {
    expect(rendered(createFlow(deployments, deployment({ template })).errors)).toEqual([
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ])
  })

  it('reports a selector that does not match the template', () => {
    const { errors } = createFlow(deployments, deployment({ selector: { matchLabels: { app: 'api' } }, template }))
    expect(rendered(errors)).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'])
  })

  it('rejects an empty selector', () => {
    const { errors } = createFlow(deployments, deployment({ selector: {}, template }))
    expect(rendered(errors)).toEqual(['spec.selector: Invalid value: {}: empty selector is invalid for deployment'])
  })

  it('rejects restartPolicy Never in the template', () => {
    const never = { ...template, spec: { ...template.spec, restartPolicy: 'Never' } }
    const { errors } = createFlow(deployments, deployment({ selector: { matchLabels: { app: 'web' } }, template: never }))
    expect(rendered(errors)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'])
  })

  it('rejects maxUnavailable and maxSurge both 0', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }
    const { errors } = createFlow(deployments, deployment({ selector: { matchLabels: { app: 'web' } }, template, strategy }))
    expect(rendered(errors)).toEqual(['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'])
  })

  it('rejects negative replicas', () => {
    const { errors } = createFlow(deployments, deployment({ replicas: -1, selector: { matchLabels: { app: 'web' } }, template }))
    expect(rendered(errors)).toEqual(['spec.replicas: Invalid value: -1: must be greater than or equal to 0'])
  })
})

describe('deployment update', () => {
  const created = createFlow(deployments, deployment({ selector: { matchLabels: { app: 'web' } }, template })).obj
  created.status = { replicas: 1, observedGeneration: 1 }

  it('bumps generation on spec change and keeps status', () => {
    const { obj, errors } = updateFlow(deployments, created, (next) => {
      next.spec!.replicas = 3
      next.status = {}
    })
    expect(errors).toEqual([])
    expect(obj.metadata.generation).toBe(2)
    expect(obj.status).toEqual({ replicas: 1, observedGeneration: 1 })
  })

  it('bumps generation on annotation change, not on label change', () => {
    expect(updateFlow(deployments, created, (next) => void (next.metadata.annotations = { note: 'x' })).obj.metadata.generation).toBe(2)
    expect(updateFlow(deployments, created, (next) => void (next.metadata.labels = { team: 'a' })).obj.metadata.generation).toBe(1)
  })

  it('keeps the selector immutable', () => {
    const { errors } = updateFlow(deployments, created, (next) => {
      next.spec!.selector = { matchLabels: { app: 'web', tier: 'front' } }
      next.spec!.template!.metadata!.labels = { app: 'web', tier: 'front' }
    })
    expect(rendered(errors)).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: field is immutable'])
  })
})
