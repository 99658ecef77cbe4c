// Discovery documents, generated from the registry: the legacy per-group
// documents (APIVersions, APIGroupList, APIGroup, APIResourceList) and the
// aggregated APIGroupDiscoveryList that kubectl prefers. kubectl recognises
// the aggregated form by its Content-Type alone.
import { apiVersionOf } from '../../shared/api-types.ts'
import type { Registry } from '../registry/registry.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { defaultVerbs } from '../registry/types.ts'

export interface SubresourceInfo {
  name: string
  kind: string
  group?: string
  version?: string
  verbs: string[]
}

const statusVerbs = ['get', 'patch', 'update']

export function subresourcesOf(def: ResourceDefinition): SubresourceInfo[] {
  const subs: SubresourceInfo[] = []
  if (def.group === '' && def.kind === 'Pod') {
    subs.push({ name: 'binding', kind: 'Binding', verbs: ['create'] })
    subs.push({ name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] })
    // Served by the kubelet through the apiserver's proxy (pod-proxy.ts).
    subs.push({ name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] })
    subs.push({ name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] })
    subs.push({ name: 'log', kind: 'Pod', verbs: ['get'] })
    subs.push({ name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] })
  }
  if (def.group === '' && def.kind === 'Node') subs.push({ name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] })
  if (def.group === '' && def.kind === 'Namespace') subs.push({ name: 'finalize', kind: 'Namespace', verbs: ['update'] })
  if (def.subresources?.scale) subs.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: statusVerbs })
  if (def.subresources?.status) subs.push({ name: 'status', kind: def.kind, verbs: statusVerbs })
  return subs.sort((a, b) => a.name.localeCompare(b.name))
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] }
}

function groupDoc(registry: Registry, group: string) {
  const versions = registry.versionsOf(group).map((version) => ({ groupVersion: `${group}/${version}`, version }))
  return { name: group, versions, preferredVersion: versions[0] }
}

export function apiGroupList(registry: Registry) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g !== '').map((g) => groupDoc(registry, g)) }
}

export function apiGroup(registry: Registry, group: string) {
  if (group === '' || !registry.groups().includes(group)) return undefined
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(registry, group) }
}

export function apiResourceList(registry: Registry, group: string, version: string) {
  const defs = registry.resourcesOf(group, version)
  if (defs.length === 0) return undefined
  const resources: Record<string, unknown>[] = []
  for (const def of defs) {
    const entry: Record<string, unknown> = { name: def.plural, singularName: def.singular, namespaced: def.namespaced, kind: def.kind, verbs: def.verbs ?? defaultVerbs }
    if (def.shortNames?.length) entry.shortNames = def.shortNames
    if (def.categories?.length) entry.categories = def.categories
    resources.push(entry)
    for (const sub of subresourcesOf(def)) {
      const s: Record<string, unknown> = { name: `${def.plural}/${sub.name}`, singularName: '', namespaced: def.namespaced }
      if (sub.group !== undefined) s.group = sub.group
      if (sub.version !== undefined) s.version = sub.version
      s.kind = sub.kind
      s.verbs = sub.verbs
      resources.push(s)
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources }
}

function discoveryVersion(registry: Registry, group: string, version: string) {
  return {
    version,
    resources: registry.resourcesOf(group, version).map((def) => {
      const r: Record<string, unknown> = {
        resource: def.plural,
        responseKind: { group: def.group, version: def.version, kind: def.kind },
        scope: def.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: def.singular,
        verbs: def.verbs ?? defaultVerbs,
      }
      if (def.shortNames?.length) r.shortNames = def.shortNames
      if (def.categories?.length) r.categories = def.categories
      const subs = subresourcesOf(def)
      if (subs.length) {
        r.subresources = subs.map((s) => ({
          subresource: s.name,
          responseKind: { group: s.group ?? def.group, version: s.version ?? def.version, kind: s.kind },
          verbs: s.verbs,
        }))
      }
      return r
    }),
    freshness: 'Current',
  }
}

/** The aggregated document for `/api` (core only) or `/apis` (every named group). */
export function aggregatedDiscovery(registry: Registry, core: boolean, version: 'v2' | 'v2beta1') {
  const groups = registry.groups().filter((g) => (core ? g === '' : g !== ''))
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((group) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: registry.versionsOf(group).map((v) => discoveryVersion(registry, group, v)),
    })),
  }
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`
}
