// Small, valid manifests for end-to-end tests.
import type { Json } from './api-client.ts'

export function configMap(name: string, data: Record<string, string> = {}, metadata: Json = {}): Json {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...metadata }, data }
}

export function pod(name: string, options: { labels?: Record<string, string>; containers?: Json[] } = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(options.labels ? { labels: options.labels } : {}) },
    spec: { containers: options.containers ?? [{ name: 'c', image: 'nginx:1.27' }] },
  }
}

export function deployment(name: string, options: { replicas?: number; containers?: Json[] } = {}): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: options.containers ?? [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  }
}

/** Collection paths. */
export const paths = {
  configMaps: (ns: string) => `/api/v1/namespaces/${ns}/configmaps`,
  configMap: (ns: string, name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`,
  pods: (ns: string) => `/api/v1/namespaces/${ns}/pods`,
  pod: (ns: string, name: string) => `/api/v1/namespaces/${ns}/pods/${name}`,
  deployments: (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  deployment: (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
  namespace: (name: string) => `/api/v1/namespaces/${name}`,
}
