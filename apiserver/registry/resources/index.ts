// Every built-in resource the apiserver serves. (Placeholder: being filled in.)
import type { ResourceDefinition } from '../types.ts'
import { defineResource } from '../types.ts'

export const builtinResources: ResourceDefinition[] = [
  defineResource({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], strategy: {} }),
  defineResource({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], strategy: {}, subresources: { status: true } }),
  defineResource({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], strategy: {}, subresources: { status: true } }),
]
export const builtinPriorityClasses: import('../../../shared/api-types.ts').KubeObject[] = []
