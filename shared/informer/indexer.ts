// The informer's local cache: objects keyed by namespace/name, plus named
// indexes. An index function maps an object to the keys it is filed under
// (client-go's IndexFunc); `byIndex(name, value)` answers from the index
// without scanning every object.
import type { KubeObject } from '../api-types.ts'

/** Maps an object to the index values it is filed under; [] files it nowhere. Must be pure. */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[]

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
export function keyOf(obj: KubeObject): string {
  const { namespace, name = '' } = obj.metadata
  return namespace ? `${namespace}/${name}` : name
}

/** Files objects under their namespace. */
export const byNamespace: IndexFunc = (obj) => (obj.metadata.namespace ? [obj.metadata.namespace] : [])

/** Files pods under spec.nodeName, once bound. */
export const byNodeName: IndexFunc = (obj) => {
  const nodeName = (obj.spec as { nodeName?: unknown } | undefined)?.nodeName
  return typeof nodeName === 'string' && nodeName ? [nodeName] : []
}

/** Files objects under the uid of their controller ownerReference (the one with controller: true). */
export const byOwnerUid: IndexFunc = (obj) => {
  const owner = obj.metadata.ownerReferences?.find((ref) => ref.controller)
  return owner?.uid ? [owner.uid] : []
}

/** Files objects under the value of label `key`; objects without it are not filed. */
export function byLabel(key: string): IndexFunc {
  return (obj) => {
    const value = obj.metadata.labels?.[key]
    return value === undefined ? [] : [value]
  }
}

/** Indexes every informer has. `label:<key>` indexes are added on first use. */
export const builtinIndexers: Readonly<Record<string, IndexFunc>> = {
  namespace: byNamespace,
  nodeName: byNodeName,
  ownerUid: byOwnerUid,
}

const labelIndexPrefix = 'label:'

export class Indexer<T extends KubeObject = KubeObject> {
  readonly #items = new Map<string, T>()
  readonly #indexers = new Map<string, IndexFunc<T>>()
  /** index name → index value → keys filed there. */
  readonly #indices = new Map<string, Map<string, Set<string>>>()

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    for (const [name, fn] of Object.entries(indexers)) this.addIndexer(name, fn)
  }

  /** Adds an index and files the objects already cached. Throws RangeError if `name` is taken. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.#indexers.has(name)) throw new RangeError(`index ${JSON.stringify(name)} already exists`)
    this.#indexers.set(name, fn)
    const index = new Map<string, Set<string>>()
    this.#indices.set(name, index)
    for (const [key, obj] of this.#items) file(index, fn(obj), key)
  }

  hasIndexer(name: string): boolean {
    return this.#indexers.has(name)
  }

  get(key: string): T | undefined {
    return this.#items.get(key)
  }

  list(): T[] {
    return [...this.#items.values()]
  }

  keys(): string[] {
    return [...this.#items.keys()]
  }

  get size(): number {
    return this.#items.size
  }

  set(obj: T): void {
    const key = keyOf(obj)
    const old = this.#items.get(key)
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name)!
      if (old) unfile(index, fn(old), key)
      file(index, fn(obj), key)
    }
    this.#items.set(key, obj)
  }

  delete(key: string): T | undefined {
    const old = this.#items.get(key)
    if (!old) return undefined
    for (const [name, fn] of this.#indexers) unfile(this.#indices.get(name)!, fn(old), key)
    this.#items.delete(key)
    return old
  }

  /**
   * The objects filed under `value` in index `name`. A `label:<key>` index is
   * created on first use; any other unknown name throws RangeError.
   */
  byIndex(name: string, value: string): T[] {
    if (!this.#indexers.has(name)) {
      if (!name.startsWith(labelIndexPrefix)) throw new RangeError(`no index named ${JSON.stringify(name)}`)
      this.addIndexer(name, byLabel(name.slice(labelIndexPrefix.length)) as IndexFunc<T>)
    }
    const keys = this.#indices.get(name)!.get(value)
    return keys ? [...keys].map((key) => this.#items.get(key)!) : []
  }
}

function file(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value)
    if (!keys) index.set(value, (keys = new Set()))
    keys.add(key)
  }
}

function unfile(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    const keys = index.get(value)
    if (!keys) continue
    keys.delete(key)
    if (keys.size === 0) index.delete(value)
  }
}
