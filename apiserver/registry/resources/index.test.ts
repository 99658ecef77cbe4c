import { describe, expect, it } from 'vitest'
import { builtinPriorityClasses, builtinResources } from './index.ts'

const find = (group: string, plural: string) => builtinResources.find((d) => d.group === group && d.plural === plural)

describe('builtinResources', () => {
  it('declares each group/version/plural once', () => {
    const keys = builtinResources.map((d) => `${d.group}/${d.version}/${d.plural}`)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('gives each short name to one resource per group', () => {
    const seen = new Map<string, string>()
    for (const def of builtinResources) {
      for (const short of def.shortNames ?? []) {
        const key = `${def.group}/${short}`
        expect(seen.get(key), key).toBeUndefined()
        seen.set(key, def.plural)
      }
    }
  })

  it('puts the workloads in the "all" category, as kubectl get all expects', () => {
    const all = builtinResources.filter((d) => d.categories?.includes('all')).map((d) => d.plural).sort()
    expect(all).toEqual(['cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets'])
  })

  it('declares scale where upstream serves it', () => {
    const scalable = builtinResources.filter((d) => d.subresources?.scale).map((d) => d.plural).sort()
    expect(scalable).toEqual(['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets'])
    expect(find('apps', 'deployments')?.subresources?.scale).toEqual({ specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' })
  })

  it('matches upstream discovery for a few well-known resources', () => {
    expect(find('', 'pods')).toMatchObject({ kind: 'Pod', singular: 'pod', shortNames: ['po'], namespaced: true, subresources: { status: true } })
    expect(find('', 'namespaces')).toMatchObject({ namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })
    expect(find('', 'endpoints')).toMatchObject({ singular: 'endpoints', shortNames: ['ep'] })
    expect(find('authorization.k8s.io', 'selfsubjectaccessreviews')).toMatchObject({ verbs: ['create'], namespaced: false })
    expect(find('rbac.authorization.k8s.io', 'clusterrolebindings')).toMatchObject({ namespaced: false })
  })

  it('validates names per kind', () => {
    expect(find('', 'services')?.validateName?.('1abc', false)).toHaveLength(1)
    expect(find('rbac.authorization.k8s.io', 'clusterroles')?.validateName?.('system:node', false)).toEqual([])
    expect(find('', 'namespaces')?.validateName?.('a.b', false)).toEqual(['must not contain dots'])
  })

  it('exports the system priority classes', () => {
    expect(builtinPriorityClasses.map((pc) => [pc.metadata.name, pc.value])).toEqual([
      ['system-node-critical', 2000001000],
      ['system-cluster-critical', 2000000000],
    ])
  })
})
