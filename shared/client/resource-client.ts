// One generic typed handle per group/version/plural: every verb the apiserver
// serves, addressed the way the apiserver routes them. A namespaced handle
// acts across all namespaces for list and watch; `.namespace(ns)` scopes it,
// and writes of an object default to the object's own metadata.namespace.
import type { KubeList, KubeObject, Status, WatchEvent } from '../api-types.ts'
import type { Transport } from './transport.ts'
import { parseWatchStream, watchEventError } from './watch-stream.ts'

export interface ResourceDescriptor {
  /** '' for the core group. */
  group: string
  version: string
  plural: string
  namespaced: boolean
}

export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
  continue?: string
  resourceVersion?: string
  resourceVersionMatch?: 'Exact' | 'NotOlderThan'
  /** Follow `continue` tokens until the last page and return one list of every item. @default false */
  allPages?: boolean
  signal?: AbortSignal
}

export interface WatchOptions {
  resourceVersion?: string
  labelSelector?: string
  fieldSelector?: string
  allowWatchBookmarks?: boolean
  timeoutSeconds?: number
  /** Aborting ends the stream quietly. */
  signal?: AbortSignal
  /** 'throw' turns an ERROR event into a ClientStatusError (e.g. 410 Expired) thrown by the iterator; 'yield' passes it on. @default 'throw' */
  errors?: 'throw' | 'yield'
}

export interface WriteOptions {
  dryRun?: boolean
  fieldManager?: string
  signal?: AbortSignal
}

export interface DeleteOptions {
  gracePeriodSeconds?: number
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'
  preconditions?: { uid?: string; resourceVersion?: string }
  dryRun?: boolean
  signal?: AbortSignal
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply'

export interface PatchOptions extends WriteOptions {
  /** Apply only: take fields other managers own. */
  force?: boolean
}

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
}

/** A stream of watch events on an open connection; `close()` (or leaving a for-await loop) ends it. */
export interface WatchStream<T> extends AsyncIterable<WatchEvent<T>> {
  close(): void
}

export interface SubresourceClient {
  get<R = KubeObject>(name: string, options?: { signal?: AbortSignal }): Promise<R>
  create<R = KubeObject>(name: string, body: unknown, options?: WriteOptions): Promise<R>
  update<R = KubeObject>(name: string, body: unknown, options?: WriteOptions): Promise<R>
}

export class ResourceClient<T extends KubeObject = KubeObject> {
  readonly descriptor: ResourceDescriptor
  readonly namespaceName: string | undefined
  readonly #transport: Transport

  constructor(transport: Transport, descriptor: ResourceDescriptor, namespace?: string) {
    this.#transport = transport
    this.descriptor = descriptor
    this.namespaceName = namespace
  }

  /** The same resource scoped to one namespace. */
  namespace(namespace: string): ResourceClient<T> {
    if (!this.descriptor.namespaced) throw new RangeError(`${this.descriptor.plural} is cluster-scoped; got namespace ${JSON.stringify(namespace)}`)
    return new ResourceClient<T>(this.#transport, this.descriptor, namespace)
  }

  /** The URL path of the collection, or of `name` and its `subresource`. */
  path(name?: string, subresource?: string, namespace = this.namespaceName): string {
    const { group, version, plural, namespaced } = this.descriptor
    let p = group === '' ? `/api/${version}` : `/apis/${group}/${version}`
    if (namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`
    else if (namespaced && name !== undefined) throw new RangeError(`${plural} is namespaced: call .namespace(ns) or set metadata.namespace to address ${JSON.stringify(name)}`)
    p += `/${plural}`
    if (name !== undefined) p += `/${encodeURIComponent(name)}`
    if (subresource) p += `/${subresource}`
    return p
  }

  get(name: string, options: { resourceVersion?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.#transport.json<T>({ method: 'GET', path: this.path(name), query: { resourceVersion: options.resourceVersion }, signal: options.signal })
  }

  async list(options: ListOptions = {}): Promise<KubeList<T>> {
    const query = {
      labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: options.limit,
      resourceVersion: options.resourceVersion, resourceVersionMatch: options.resourceVersionMatch,
    }
    const first = await this.#transport.json<KubeList<T>>({ method: 'GET', path: this.path(), query: { ...query, continue: options.continue }, signal: options.signal })
    if (!options.allPages) return first
    const items = [...first.items]
    let token = first.metadata.continue
    let last = first
    while (token) {
      // Later pages are served from the first page's snapshot; the token carries it.
      last = await this.#transport.json<KubeList<T>>({
        method: 'GET', path: this.path(), signal: options.signal,
        query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: options.limit, continue: token },
      })
      items.push(...last.items)
      token = last.metadata.continue
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion ?? last.metadata.resourceVersion }, items }
  }

  create(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#transport.json<T>({ method: 'POST', path: this.path(undefined, undefined, this.#namespaceOf(obj)), body: obj, query: writeQuery(options), signal: options.signal })
  }

  /** PUT; fails with 409 Conflict when metadata.resourceVersion is stale. */
  update(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#transport.json<T>({ method: 'PUT', path: this.path(nameOf(obj), undefined, this.#namespaceOf(obj)), body: obj, query: writeQuery(options), signal: options.signal })
  }

  /** PUT to the status subresource: the server keeps spec, takes status. */
  updateStatus(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#transport.json<T>({ method: 'PUT', path: this.path(nameOf(obj), 'status', this.#namespaceOf(obj)), body: obj, query: writeQuery(options), signal: options.signal })
  }

  /**
   * @param body a JSON Patch array for 'json', else a partial object
   * @param subresource e.g. 'status'
   */
  patch(name: string, body: unknown, type: PatchType, options: PatchOptions & { subresource?: string } = {}): Promise<T> {
    if (type === 'apply' && !options.fieldManager) throw new RangeError('patch type "apply" needs options.fieldManager')
    return this.#transport.json<T>({
      method: 'PATCH', path: this.path(name, options.subresource), body, contentType: patchContentTypes[type], signal: options.signal,
      query: { ...writeQuery(options), force: type === 'apply' && options.force ? true : undefined },
    })
  }

  /** Resolves with the object (still terminating, when it has finalizers or a grace period) or a Success Status. */
  delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    return this.#transport.json<T | Status>({ method: 'DELETE', path: this.path(name), body: deleteBody(options), signal: options.signal })
  }

  deleteCollection(options: Omit<ListOptions, 'allPages'> & DeleteOptions = {}): Promise<KubeList<T> | Status> {
    return this.#transport.json<KubeList<T> | Status>({
      method: 'DELETE', path: this.path(), body: deleteBody(options), signal: options.signal,
      query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: options.limit, continue: options.continue, resourceVersion: options.resourceVersion },
    })
  }

  /** Verbs on `<plural>/<name>/<subresource>`, e.g. `pods.namespace('ns').subresource('binding').create('p', binding)`. */
  subresource(subresource: string): SubresourceClient {
    const send = <R>(method: 'GET' | 'POST' | 'PUT', name: string, body: unknown, options: WriteOptions = {}) =>
      this.#transport.json<R>({ method, path: this.path(name, subresource), body, query: writeQuery(options), signal: options.signal })
    return {
      get: (name, options) => send('GET', name, undefined, options),
      create: (name, body, options) => send('POST', name, body, options),
      update: (name, body, options) => send('PUT', name, body, options),
    }
  }

  /**
   * Opens a watch; resolves once the server has answered, so events of later
   * writes are not missed. HTTP errors (e.g. 410) reject here; ERROR events
   * sent on the open stream follow `options.errors`.
   */
  async watch(options: WatchOptions = {}): Promise<WatchStream<T>> {
    const controller = new AbortController()
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal
    const res = await this.#transport.send({
      method: 'GET', path: this.path(), signal, stream: true,
      query: {
        watch: true, resourceVersion: options.resourceVersion, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
        allowWatchBookmarks: options.allowWatchBookmarks, timeoutSeconds: options.timeoutSeconds,
      },
    })
    const throwErrors = (options.errors ?? 'throw') === 'throw'
    const flow = this.#transport.flow
    const kind = this.descriptor.plural
    async function* events(): AsyncGenerator<WatchEvent<T>> {
      try {
        for await (const event of parseWatchStream<T>(res.body)) {
          if (flow !== undefined) flow.watchEvent(event.type, event.object, kind)
          if (event.type === 'ERROR' && throwErrors) throw watchEventError(event)
          yield event
        }
      } catch (err) {
        if (!signal.aborted) throw err
      } finally {
        controller.abort()
        res.body.destroy()
      }
    }
    const iterator = events()
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: () => controller.abort(),
    }
  }

  #namespaceOf(obj: T): string | undefined {
    return this.namespaceName ?? obj.metadata.namespace
  }
}

function nameOf(obj: KubeObject): string {
  if (!obj.metadata.name) throw new RangeError('object has no metadata.name')
  return obj.metadata.name
}

function writeQuery(options: WriteOptions): Record<string, string | undefined> {
  return { dryRun: options.dryRun ? 'All' : undefined, fieldManager: options.fieldManager }
}

function deleteBody(options: DeleteOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' }
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds
  if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy
  if (options.preconditions) body.preconditions = options.preconditions
  if (options.dryRun) body.dryRun = ['All']
  return body
}
