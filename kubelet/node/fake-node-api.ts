// An in-memory stand-in for the apiserver's nodes and leases, for unit tests:
// resourceVersions with 409 on stale writes, the strategic-merge rules the
// node agent relies on (conditions by type, `$patch: replace`, null deletes),
// failures injected per verb, and a log of every call with the clock's time.
import type { Clock } from '../../shared/clock.ts'
import { statusErrorFrom, type ClientStatusError } from '../../shared/client/index.ts'
import type { KubeObject } from '../../shared/api-types.ts'

export interface Call { verb: string; name: string; at: number; body?: unknown }

export function statusError(code: number, reason: string, message = reason): ClientStatusError {
  return statusErrorFrom(code, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message }))
}

type Store = Map<string, KubeObject>

export class FakeNodeApi {
  readonly calls: Call[] = []
  readonly nodeStore: Store = new Map()
  readonly leaseStore: Store = new Map()
  readonly #clock: Clock
  readonly #failures = new Map<string, Error[]>()
  #rv = 1
  #uid = 1

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** The next calls of `verb` (e.g. 'leases.update') throw these, in order. */
  fail(verb: string, ...errors: Error[]): void {
    this.#failures.set(verb, [...(this.#failures.get(verb) ?? []), ...errors])
  }

  callsOf(verb: string): Call[] {
    return this.calls.filter((c) => c.verb === verb)
  }

  #enter(verb: string, name: string, body?: unknown): void {
    this.calls.push({ verb, name, at: this.#clock.now(), body: body === undefined ? undefined : structuredClone(body) })
    const err = this.#failures.get(verb)?.shift()
    if (err) throw err
  }

  #store(kind: string, store: Store) {
    const write = (obj: KubeObject, prev?: KubeObject): KubeObject => {
      const next = structuredClone(obj)
      next.metadata.resourceVersion = String(++this.#rv)
      next.metadata.uid = prev?.metadata.uid ?? `uid-${this.#uid++}`
      next.metadata.creationTimestamp = prev?.metadata.creationTimestamp ?? new Date(this.#clock.now()).toISOString()
      store.set(next.metadata.name!, next)
      return structuredClone(next)
    }
    const get = async (name: string) => {
      this.#enter(`${kind}.get`, name)
      const obj = store.get(name)
      if (!obj) throw statusError(404, 'NotFound', `${kind} "${name}" not found`)
      return structuredClone(obj)
    }
    const create = async (obj: KubeObject) => {
      this.#enter(`${kind}.create`, obj.metadata.name!, obj)
      if (store.has(obj.metadata.name!)) throw statusError(409, 'AlreadyExists', `${kind} "${obj.metadata.name}" already exists`)
      return write(obj)
    }
    const update = async (obj: KubeObject) => {
      this.#enter(`${kind}.update`, obj.metadata.name!, obj)
      const prev = store.get(obj.metadata.name!)
      if (!prev) throw statusError(404, 'NotFound', `${kind} "${obj.metadata.name}" not found`)
      if (obj.metadata.resourceVersion !== prev.metadata.resourceVersion) throw statusError(409, 'Conflict', 'the object has been modified')
      return write(obj, prev)
    }
    const patch = async (name: string, body: unknown, _type: string, options: { subresource?: string } = {}) => {
      this.#enter(`${kind}.patch${options.subresource ? `/${options.subresource}` : ''}`, name, body)
      const prev = store.get(name)
      if (!prev) throw statusError(404, 'NotFound', `${kind} "${name}" not found`)
      const b = body as Record<string, unknown>
      const next = structuredClone(prev)
      if (options.subresource === 'status') next.status = merge(prev.status, b.status)
      else next.metadata = merge(prev.metadata, b.metadata) as KubeObject['metadata']
      return write(next, prev)
    }
    return { get, create, update, patch }
  }

  /** Shaped as the parts of Client the node agent uses. */
  client() {
    const nodes = this.#store('nodes', this.nodeStore)
    const leases = this.#store('leases', this.leaseStore)
    return { nodes, leases: { namespace: () => leases } } as never
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Strategic merge, as far as node status patches go. */
function merge(base: unknown, patch: unknown, key?: string): unknown {
  if (Array.isArray(patch)) {
    const items = patch.filter((i) => !(isMap(i) && i.$patch === 'replace'))
    if (items.length !== patch.length || key !== 'conditions' || !Array.isArray(base)) return structuredClone(items)
    const out = structuredClone(base) as Record<string, unknown>[]
    for (const item of items as Record<string, unknown>[]) {
      const i = out.findIndex((o) => o.type === item.type)
      if (i >= 0) out[i] = merge(out[i], item) as Record<string, unknown>
      else out.push(structuredClone(item))
    }
    return out
  }
  if (!isMap(patch)) return structuredClone(patch)
  const out: Record<string, unknown> = isMap(base) ? structuredClone(base) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = merge(out[k], v, k)
  }
  return out
}
