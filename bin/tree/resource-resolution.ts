// Which served resource a kubectl-style argument names, and the KIND NAME
// or KIND/NAME arguments themselves.

/** One top-level resource from discovery. */
export interface ApiResource {
  group: string
  version: string
  /** The plural, as in the URL: `deployments`. */
  name: string
  singularName: string
  kind: string
  namespaced: boolean
  shortNames: string[]
  verbs: string[]
}

/** `deployments.apps` for `apps`, `pods` for the core group: how kubectl names a resource in errors. */
export function qualifiedName(r: Pick<ApiResource, 'name' | 'group'>): string {
  return r.group ? `${r.name}.${r.group}` : r.name
}

/**
 * The resource `arg` names, as kubectl resolves it: plural, singular, short
 * name or kind, any case, optionally qualified as `name.group` or
 * `name.version.group`. Of several matches the first in discovery order wins
 * (the core group comes first, then the groups in the server's order), as
 * kubectl's priority mapper does: `events` is core's, not events.k8s.io's.
 */
export function resolveResource(resources: readonly ApiResource[], arg: string): ApiResource | undefined {
  const lower = arg.toLowerCase()
  const [name, ...rest] = lower.split('.')
  const matchesName = (r: ApiResource) =>
    r.name === name || r.singularName === name || r.kind.toLowerCase() === name || r.shortNames.includes(name)
  if (rest.length >= 2) {
    // `deployments.v1.apps` names a version; `ingresses.networking.k8s.io` does not, so try both.
    const [version, ...group] = rest
    const found = resources.find((r) => matchesName(r) && r.version === version && r.group === group.join('.'))
    if (found) return found
  }
  const group = rest.length ? rest.join('.') : undefined
  return resources.find((r) => matchesName(r) && (group === undefined || r.group === group))
}

export interface Target {
  kind: string
  name: string
}

/** `KIND NAME` or `KIND/NAME`, as the community plugin takes them. */
export function parseTarget(args: readonly string[]): Target {
  if (args.length === 1) {
    const slash = args[0].indexOf('/')
    if (slash > 0 && slash < args[0].length - 1) return { kind: args[0].slice(0, slash), name: args[0].slice(slash + 1) }
    throw new RangeError(`specify the object as KIND NAME or KIND/NAME, got ${JSON.stringify(args[0])}`)
  }
  if (args.length === 2 && args[0] && args[1]) return { kind: args[0], name: args[1] }
  throw new RangeError(`expected KIND NAME or KIND/NAME, got ${args.length} arguments`)
}
