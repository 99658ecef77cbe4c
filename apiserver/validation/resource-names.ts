// Rules for metadata.name, one per family of kinds (upstream's NameIsDNS*
// ValidateNameFuncs and path.ValidatePathSegmentName). `prefix` is true when
// checking a generateName, which may end in '-' since a suffix follows.
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from '../../shared/name-validation.ts'

export type NameRule = (name: string, prefix: boolean) => string[]

// Upstream replaces a trailing '-' of a prefix before checking, dropping the
// character before it as well (name[:len-2] + "a"); kept for identical messages.
function maskTrailingDash(name: string): string {
  return name.endsWith('-') ? `${name.slice(0, -2)}a` : name
}

/** Most kinds: pods, deployments, configmaps, nodes, ... */
export const nameIsDNSSubdomain: NameRule = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name)

/** Namespaces and StatefulSets: the name becomes part of DNS labels. */
export const nameIsDNSLabel: NameRule = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name)

/** Services: their name is an environment variable prefix and a DNS label that must start with a letter. */
export const nameIsDNS1035Label: NameRule = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name)

/** RBAC objects: any name that is a valid URL path segment. */
export const nameIsPathSegment: NameRule = (name, prefix) => {
  if (!prefix) {
    if (name === '.' || name === '..') return [`may not be '${name}'`]
  }
  const errs: string[] = []
  for (const illegal of ['/', '%']) {
    if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`)
  }
  return errs
}
