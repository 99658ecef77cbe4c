// What the tree plugin asks of the API: the served resources (discovery),
// the object itself, and every object that could be one of its dependents
// (each listable resource of the namespace, plus the cluster-scoped ones).
import type { KubeObject } from '../../shared/api-types.ts'
import { ClientStatusError, type Transport } from '../../shared/client/index.ts'
import type { ApiResource } from './resource-resolution.ts'

interface APIGroupList {
  groups: Array<{ name: string; preferredVersion?: { groupVersion?: string; version: string }; versions: Array<{ version: string }> }>
}

interface APIResourceList {
  resources: Array<{ name: string; singularName?: string; kind: string; namespaced: boolean; shortNames?: string[]; verbs?: string[] }>
}

function basePath(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`
}

function apiVersionOf(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version
}

/**
 * Every top-level resource the server serves, core group first, then the
 * groups in the server's order. A resource served in several versions appears
 * once, in the group's preferred version (as kubectl's preferred-resources
 * discovery does), so listing it later yields each object once.
 * Subresources (`pods/log`) are left out.
 */
export async function discoverResources(transport: Transport): Promise<ApiResource[]> {
  const core = await transport.json<{ versions: string[] }>({ method: 'GET', path: '/api' })
  const groups = await transport.json<APIGroupList>({ method: 'GET', path: '/apis' })
  const groupVersions = [
    ...core.versions.map((version) => ({ group: '', version })),
    ...groups.groups.flatMap((g) => {
      const preferred = g.preferredVersion?.version ?? g.versions[0]?.version
      const others = g.versions.map((v) => v.version).filter((v) => v !== preferred)
      return [preferred, ...others].filter((v) => v !== undefined).map((version) => ({ group: g.name, version }))
    }),
  ]
  const lists = await Promise.all(groupVersions.map(async (gv) => ({ gv, list: await transport.json<APIResourceList>({ method: 'GET', path: basePath(gv) }) })))
  const seen = new Set<string>()
  const resources: ApiResource[] = []
  for (const { gv, list } of lists) {
    for (const r of list.resources) {
      if (r.name.includes('/') || seen.has(`${gv.group}/${r.name}`)) continue
      seen.add(`${gv.group}/${r.name}`)
      resources.push({
        ...gv, name: r.name, singularName: r.singularName || r.kind.toLowerCase(), kind: r.kind,
        namespaced: r.namespaced, shortNames: r.shortNames ?? [], verbs: r.verbs ?? [],
      })
    }
  }
  return resources
}

/** The object, with kind and apiVersion set from the resource in case the server leaves them out. */
export async function getObject(transport: Transport, r: ApiResource, namespace: string, name: string): Promise<KubeObject> {
  const path = `${basePath(r)}${r.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${r.name}/${encodeURIComponent(name)}`
  const obj = await transport.json<KubeObject>({ method: 'GET', path })
  return { ...obj, kind: obj.kind ?? r.kind, apiVersion: obj.apiVersion ?? apiVersionOf(r) }
}

/**
 * Every object of each listable resource: namespaced ones from `namespace`
 * (all namespaces when undefined), cluster-scoped ones from everywhere.
 * Items come back without kind and apiVersion; they are set from the resource.
 * A resource the server answers with an error Status (403 Forbidden, or 404
 * when it went away since discovery) is left out rather than losing the whole
 * tree; a connection failure still throws. Events are skipped: nothing owns
 * them, and a busy namespace has thousands.
 */
export async function listObjects(transport: Transport, resources: readonly ApiResource[], namespace: string | undefined): Promise<KubeObject[]> {
  const listable = resources.filter((r) => r.verbs.includes('list') && r.kind !== 'Event')
  const lists = await Promise.all(listable.map(async (r) => {
    const path = `${basePath(r)}${r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${r.name}`
    try {
      const list = await transport.json<{ items?: KubeObject[] }>({ method: 'GET', path })
      return (list.items ?? []).map((item) => ({ ...item, kind: r.kind, apiVersion: apiVersionOf(r) }))
    } catch (err) {
      if (err instanceof ClientStatusError) return []
      throw err
    }
  }))
  return lists.flat()
}
