// What the tree plugin asks of the API: the served resources (discovery),
// which one a kubectl-style kind argument names, and every object that
// could be a dependent (all listable resources of the namespace plus the
// cluster-scoped ones).
import type { KubeObject } from '../../shared/api-types.ts'
import type { Transport } from '../../shared/client/index.ts'

export interface ApiResource {
  group: string
  version: string
  name: string
  singularName: string
  kind: string
  namespaced: boolean
  shortNames: string[]
  verbs: string[]
}

interface ResourceList {
  resources: Array<{ name: string; singularName?: string; kind: string; namespaced: boolean; shortNames?: string[]; verbs?: string[] }>
}

function basePath(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`
}

/** Every top-level resource of every group's preferred version. */
export async function discover(transport: Transport): Promise<ApiResource[]> {
  const groupVersions: Array<{ group: string; version: string }> = [{ group: '', version: 'v1' }]
  const groups = await transport.json<{ groups: Array<{ name: string; preferredVersion?: { version: string }; versions: Array<{ version: string }> }> }>({ method: 'GET', path: '/apis' })
  for (const g of groups.groups) groupVersions.push({ group: g.name, version: g.preferredVersion?.version ?? g.versions[0].version })
  const lists = await Promise.all(groupVersions.map(async (gv) => ({ gv, list: await transport.json<ResourceList>({ method: 'GET', path: basePath(gv) }) })))
  return lists.flatMap(({ gv, list }) => list.resources
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({ ...gv, name: r.name, singularName: r.singularName || r.kind.toLowerCase(), kind: r.kind, namespaced: r.namespaced, shortNames: r.shortNames ?? [], verbs: r.verbs ?? [] })))
}

/** The resource a kubectl argument names: plural, singular, short name or kind, optionally `.group`. */
export function resolveResource(resources: readonly ApiResource[], arg: string): ApiResource | undefined {
  const lower = arg.toLowerCase()
  const dot = lower.indexOf('.')
  const name = dot < 0 ? lower : lower.slice(0, dot)
  const group = dot < 0 ? undefined : lower.slice(dot + 1)
  const matches = resources.filter((r) =>
    (group === undefined || r.group === group) &&
    (r.name === name || r.singularName === name || r.kind.toLowerCase() === name || r.shortNames.includes(name)))
  // kubectl prefers the core group, then apps, as its priority list does.
  return matches.find((r) => r.group === '') ?? matches.find((r) => r.group === 'apps') ?? matches[0]
}

/** The object itself, with kind and apiVersion filled in (lists leave them out of items). */
export async function getObject(transport: Transport, r: ApiResource, namespace: string, name: string): Promise<KubeObject> {
  const path = `${basePath(r)}${r.namespaced ? `/namespaces/${namespace}` : ''}/${r.name}/${name}`
  return transport.json<KubeObject>({ method: 'GET', path })
}

/** Every object of the namespace (or all namespaces) and every cluster-scoped one, from each listable resource. */
export async function listAll(transport: Transport, resources: readonly ApiResource[], namespace: string | undefined): Promise<KubeObject[]> {
  const listable = resources.filter((r) => r.verbs.includes('list') && r.kind !== 'Event')
  const lists = await Promise.all(listable.map(async (r) => {
    const path = `${basePath(r)}${r.namespaced && namespace ? `/namespaces/${namespace}` : ''}/${r.name}`
    try {
      const list = await transport.json<{ items: KubeObject[] }>({ method: 'GET', path })
      return list.items.map((item) => ({ ...item, kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version }))
    } catch {
      return [] // a resource we may not list is left out, as the plugin does
    }
  }))
  return lists.flat()
}
