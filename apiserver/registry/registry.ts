// The set of served resources, looked up by the URL's group/version/plural.
// Kinds may be added while the server runs (CustomResourceDefinitions), so
// discovery and OpenAPI read the registry on each request and listen for changes.
import type { ResourceDefinition } from './types.ts'
import { apiVersionOf } from '../../shared/api-types.ts'

export class Registry {
  private readonly byPath = new Map<string, ResourceDefinition>()
  private readonly ordered: ResourceDefinition[] = []
  private readonly listeners: Array<() => void> = []

  constructor(resources: ResourceDefinition[] = []) {
    for (const def of resources) this.add(def)
  }

  add(def: ResourceDefinition): void {
    const path = `${apiVersionOf(def.group, def.version)}/${def.plural}`
    if (this.byPath.has(path)) throw new Error(`resource ${path} is registered twice`)
    this.byPath.set(path, def)
    this.ordered.push(def)
    for (const listener of this.listeners) listener()
  }

  remove(group: string, version: string, plural: string): void {
    const path = `${apiVersionOf(group, version)}/${plural}`
    const def = this.byPath.get(path)
    if (!def) return
    this.byPath.delete(path)
    this.ordered.splice(this.ordered.indexOf(def), 1)
    for (const listener of this.listeners) listener()
  }

  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byPath.get(`${apiVersionOf(group, version)}/${plural}`)
  }

  /** The served kind for a group and kind, in any version (first registered wins). */
  byKind(group: string, kind: string): ResourceDefinition | undefined {
    return this.ordered.find((d) => d.group === group && d.kind === kind)
  }

  all(): readonly ResourceDefinition[] {
    return this.ordered
  }

  /** Group names in registration order, core ('') first when present. */
  groups(): string[] {
    return [...new Set(this.ordered.map((d) => d.group))]
  }

  versionsOf(group: string): string[] {
    return [...new Set(this.ordered.filter((d) => d.group === group).map((d) => d.version))]
  }

  resourcesOf(group: string, version: string): ResourceDefinition[] {
    return this.ordered.filter((d) => d.group === group && d.version === version)
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener)
  }
}

/** `/registry/<group>/<plural>/<namespace>/<name>`; the core group has no group segment. */
export function storageKey(def: ResourceDefinition, namespace: string | undefined, name: string): string {
  return collectionKey(def, namespace) + name
}

/** The key prefix of a collection: every object of the kind, or those in one namespace. */
export function collectionKey(def: ResourceDefinition, namespace: string | undefined): string {
  const base = def.group === '' ? `/registry/${def.plural}/` : `/registry/${def.group}/${def.plural}/`
  return def.namespaced && namespace ? `${base}${namespace}/` : base
}
