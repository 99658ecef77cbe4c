// The entry point components use: `createClient({ server, kubeconfig, userAgent })`
// gives one connection pool, a generic `resource()` handle and typed handles
// for the kinds components touch most (a table, not generated code).
import pkg from '../../package.json' with { type: 'json' }
import type { KubeObject } from '../api-types.ts'
import { loadKubeconfig, type ConnectionConfig } from './kubeconfig.ts'
import { ResourceClient, type ResourceDescriptor } from './resource-client.ts'
import type { RetryOptions } from './retry-policy.ts'
import { createTransport, type Transport } from './transport.ts'

export const kubelingVersion: string = pkg.version

/**
 * `kubeling-scheduler/0.1.0` for component 'scheduler'; with an instance,
 * `kubeling-kubelet/0.1.0 (node-1)`, so the apiserver's flow names the node.
 * The field manager stays the product (`kubeling-kubelet`).
 */
export function userAgentFor(component: string, instance?: string): string {
  return `kubeling-${component}/${kubelingVersion}${instance ? ` (${instance})` : ''}`
}

export interface ClientOptions {
  /** The apiserver URL (`--server`); overrides the kubeconfig's cluster server. */
  server?: string
  /** Path to a kubeconfig (`--kubeconfig`); its current context supplies server, TLS and credentials. */
  kubeconfig?: string
  /** Context to use instead of the kubeconfig's current-context. */
  context?: string
  /** Sent on every request, e.g. `userAgentFor('scheduler')`. */
  userAgent: string
  /** Bearer token; overrides the kubeconfig's. */
  token?: string
  retry?: RetryOptions
  /** Keep-alive connections in the pool. @default 10 */
  connections?: number
}

/** The handles every component reaches for; anything else goes through `resource()`. */
export const commonResources = {
  namespaces: { group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  nodes: { group: '', version: 'v1', plural: 'nodes', namespaced: false },
  pods: { group: '', version: 'v1', plural: 'pods', namespaced: true },
  services: { group: '', version: 'v1', plural: 'services', namespaced: true },
  endpoints: { group: '', version: 'v1', plural: 'endpoints', namespaced: true },
  configMaps: { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  secrets: { group: '', version: 'v1', plural: 'secrets', namespaced: true },
  serviceAccounts: { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true },
  events: { group: '', version: 'v1', plural: 'events', namespaced: true },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  replicaSets: { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true },
  daemonSets: { group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  statefulSets: { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  jobs: { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true },
  cronJobs: { group: 'batch', version: 'v1', plural: 'cronjobs', namespaced: true },
  endpointSlices: { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true },
} as const satisfies Record<string, ResourceDescriptor>

export type Client = {
  readonly server: string
  readonly transport: Transport
  resource<T extends KubeObject = KubeObject>(descriptor: ResourceDescriptor): ResourceClient<T>
  /** Closes the pool; open watches end. */
  close(): Promise<void>
} & { readonly [K in keyof typeof commonResources]: ResourceClient }

export function createClient(options: ClientOptions): Client {
  const fromFile: Partial<ConnectionConfig> = options.kubeconfig ? loadKubeconfig(options.kubeconfig, options.context) : {}
  const server = options.server ?? fromFile.server
  if (!server) throw new RangeError('createClient needs options.server or options.kubeconfig')
  const transport = createTransport({
    ...fromFile, server, token: options.token ?? fromFile.token,
    userAgent: options.userAgent, retry: options.retry, connections: options.connections,
  })
  const resource = <T extends KubeObject = KubeObject>(descriptor: ResourceDescriptor) => new ResourceClient<T>(transport, descriptor)
  const handles = Object.fromEntries(Object.entries(commonResources).map(([key, d]) => [key, resource(d)])) as { [K in keyof typeof commonResources]: ResourceClient }
  return { ...handles, server, transport, resource, close: () => transport.close() }
}
