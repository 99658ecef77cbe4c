// What the apiserver serves, read the way client-go's discovery client reads
// it: GET /api and /apis for the group versions, then one APIResourceList per
// group version. The garbage collector and the namespace controller both act
// on "every resource that supports these verbs", so both start here.
//
// Contract: a group version whose list fails is reported in `failures` and
// left out; the rest is still returned (upstream's ErrGroupDiscoveryFailed is
// not fatal either). Subresources (`pods/status`) are never returned.
import type { ResourceDescriptor, Transport } from '../../../shared/client/index.ts'

export interface DiscoveredResource extends ResourceDescriptor {
  kind: string
  verbs: string[]
  /** True for the version the apiserver prefers for this group. */
  preferred: boolean
}

export interface DiscoveryResult {
  resources: DiscoveredResource[]
  /** `group/version` (or `v1` for core) → why its resource list could not be read. */
  failures: Map<string, string>
}

interface APIResource { name: string; kind: string; namespaced: boolean; verbs?: string[] }
interface APIGroup { name: string; versions: Array<{ groupVersion: string; version: string }>; preferredVersion?: { version: string } }

export function groupVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`
}

/** Reads every group version's resources; throws only when /api and /apis themselves fail. */
export async function discoverResources(transport: Pick<Transport, 'json'>, signal?: AbortSignal): Promise<DiscoveryResult> {
  const [core, named] = await Promise.all([
    transport.json<{ versions: string[] }>({ method: 'GET', path: '/api', signal }),
    transport.json<{ groups: APIGroup[] }>({ method: 'GET', path: '/apis', signal }),
  ])
  const wanted: Array<{ group: string; version: string; preferred: boolean }> = []
  for (const [i, version] of (core.versions ?? []).entries()) wanted.push({ group: '', version, preferred: i === 0 })
  for (const g of named.groups ?? []) {
    const preferredVersion = g.preferredVersion?.version ?? g.versions[0]?.version
    for (const v of g.versions ?? []) wanted.push({ group: g.name, version: v.version, preferred: v.version === preferredVersion })
  }
  const failures = new Map<string, string>()
  const lists = await Promise.all(wanted.map(async ({ group, version, preferred }) => {
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`
    try {
      const list = await transport.json<{ resources?: APIResource[] }>({ method: 'GET', path, signal })
      return (list.resources ?? [])
        .filter((r) => !r.name.includes('/'))
        .map((r): DiscoveredResource => ({ group, version, plural: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [], preferred }))
    } catch (err) {
      failures.set(groupVersionOf(group, version), err instanceof Error ? err.message : String(err))
      return []
    }
  }))
  return { resources: lists.flat(), failures }
}

/** The preferred version of each resource that supports every one of `verbs` (client-go's SupportsAllVerbs over ServerPreferredResources). */
export function preferredWithVerbs(resources: readonly DiscoveredResource[], verbs: readonly string[]): DiscoveredResource[] {
  return resources.filter((r) => r.preferred && verbs.every((v) => r.verbs.includes(v)))
}

/** `apps/v1` → { group: 'apps', version: 'v1' }; `v1` → core. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/')
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) }
}

/**
 * Maps an ownerReference's apiVersion and kind to the resource to GET
 * (client-go's RESTMapper, fed from discovery). A version the server does not
 * serve falls back to the group's preferred version of the same kind, as
 * objects are readable at any served version.
 */
export class RestMapper {
  readonly #byGvk = new Map<string, DiscoveredResource>()
  readonly #byGroupKind = new Map<string, DiscoveredResource>()

  constructor(resources: readonly DiscoveredResource[] = []) {
    this.replace(resources)
  }

  replace(resources: readonly DiscoveredResource[]): void {
    this.#byGvk.clear()
    this.#byGroupKind.clear()
    for (const r of resources) {
      this.#byGvk.set(`${groupVersionOf(r.group, r.version)}|${r.kind}`, r)
      if (r.preferred || !this.#byGroupKind.has(`${r.group}|${r.kind}`)) this.#byGroupKind.set(`${r.group}|${r.kind}`, r)
    }
  }

  /** The resource serving apiVersion/kind, or undefined when discovery never saw it. */
  resourceFor(apiVersion: string, kind: string): DiscoveredResource | undefined {
    const exact = this.#byGvk.get(`${apiVersion}|${kind}`)
    if (exact) return exact
    const byKind = this.#byGroupKind.get(`${parseApiVersion(apiVersion).group}|${kind}`)
    return byKind ? { ...byKind } : undefined
  }
}
