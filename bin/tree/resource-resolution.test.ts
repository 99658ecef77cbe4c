import { describe, expect, it } from 'vitest'
import { parseTarget, qualifiedName, resolveResource, type ApiResource } from './resource-resolution.ts'

function r(group: string, version: string, name: string, kind: string, shortNames: string[] = []): ApiResource {
  return { group, version, name, singularName: kind.toLowerCase(), kind, namespaced: true, shortNames, verbs: ['get', 'list'] }
}

const resources = [
  r('', 'v1', 'pods', 'Pod', ['po']),
  r('', 'v1', 'events', 'Event', ['ev']),
  r('apps', 'v1', 'deployments', 'Deployment', ['deploy']),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', ['rs']),
  r('batch', 'v1', 'cronjobs', 'CronJob', ['cj']),
  r('events.k8s.io', 'v1', 'events', 'Event', ['ev']),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', ['ing']),
]

describe('resolveResource', () => {
  it.each([
    ['deployments', 'deployments.apps'],
    ['deployment', 'deployments.apps'],
    ['deploy', 'deployments.apps'],
    ['Deployment', 'deployments.apps'],
    ['DEPLOY', 'deployments.apps'],
    ['deployments.apps', 'deployments.apps'],
    ['deployment.v1.apps', 'deployments.apps'],
    ['cj', 'cronjobs.batch'],
    ['ingresses.networking.k8s.io', 'ingresses.networking.k8s.io'],
    ['ev', 'events'],
    ['events.events.k8s.io', 'events.events.k8s.io'],
  ])('%s names %s', (arg, want) => {
    expect(qualifiedName(resolveResource(resources, arg)!)).toBe(want)
  })

  it('names nothing for an unknown kind or a wrong group', () => {
    expect(resolveResource(resources, 'widgets')).toBeUndefined()
    expect(resolveResource(resources, 'deployments.batch')).toBeUndefined()
    expect(resolveResource(resources, 'deployments.v2.apps')).toBeUndefined()
  })
})

describe('parseTarget', () => {
  it('takes KIND NAME and KIND/NAME', () => {
    expect(parseTarget(['deploy', 'web'])).toEqual({ kind: 'deploy', name: 'web' })
    expect(parseTarget(['deploy/web'])).toEqual({ kind: 'deploy', name: 'web' })
  })

  it('refuses anything else', () => {
    expect(() => parseTarget([])).toThrow(RangeError)
    expect(() => parseTarget(['web'])).toThrow(/KIND\/NAME/)
    expect(() => parseTarget(['a', 'b', 'c'])).toThrow(/3 arguments/)
  })
})
