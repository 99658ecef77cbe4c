// REST verbs over every registered resource: one handler per verb, generic
// over the ResourceDefinition. Subresources with their own behaviour
// (binding, scale) live in their own modules.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject } from '../../shared/api-types.ts'
import { apiVersionOf } from '../../shared/api-types.ts'
import { StatusError, success } from '../status-error.ts'
import { StorageError } from '../storage/store.ts'
import type { Registry } from '../registry/registry.ts'
import { collectionKey } from '../registry/registry.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { defaultVerbs } from '../registry/types.ts'
import { groupResource, type RestStore, type WriteContext } from '../registry/rest-store.ts'
import { planDelete, protectedNamespaces, validateDeleteOptions, type DeleteOptions, isNamespace } from '../registry/deletion.ts'
import { managerFromUserAgent } from '../registry/system-metadata.ts'
import { applyPatch } from '../registry/apply-patch.ts'
import { bindPod } from '../registry/binding.ts'
import { readScale, scaleChange } from '../registry/scale.ts'
import { negotiate, wantsPretty, type OutputFormat } from './negotiation.ts'
import { decodeDocument, decodeObject, mediaType } from './request-body.ts'
import { compileSelection } from './selection.ts'
import { decodeContinue, encodeContinue } from './continue-token.ts'
import { listJson, sendBody } from './responses.ts'
import { parseIncludeObject, toTable } from './table.ts'
import { serveWatch, type WatchSettings } from './watch.ts'
import type { ResourcePath } from './request-path.ts'
import { setRequestInfo } from './request-log.ts'

type Query = Record<string, string | string[] | undefined>

export interface HandlerDeps {
  registry: Registry
  rest: RestStore
  watch: WatchSettings
  now?: () => Date
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value
}

function flag(value: string | string[] | undefined): boolean {
  const v = one(value)
  return v === 'true' || v === '1'
}

function int(query: Query, name: string): number | undefined {
  const v = one(query[name])
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw StatusError.badRequest(`invalid ${name} parameter: ${JSON.stringify(v)}`)
  return n
}

function writeContext(request: FastifyRequest, query: Query, now: Date): WriteContext {
  const dryRun = query.dryRun
  const values = Array.isArray(dryRun) ? dryRun : dryRun ? [dryRun] : []
  for (const v of values) if (v !== 'All') throw StatusError.badRequest(`Invalid dry run value "${v}": valid values are "All"`)
  const manager = one(query.fieldManager) ?? managerFromUserAgent(request.headers['user-agent'])
  if (manager.length > 128) throw StatusError.invalid('', 'PatchOptions', '', [{ type: 'FieldValueTooLong', field: 'fieldManager', message: 'Too long: may not be more than 128 bytes' }])
  return { manager, dryRun: values.length > 0, now }
}

export function verbOf(method: string, path: ResourcePath, query: Query): string {
  const named = path.name !== undefined
  switch (method) {
    case 'GET':
      if (path.legacyWatch || flag(query.watch)) return 'watch'
      return named ? 'get' : 'list'
    case 'POST':
      return 'create'
    case 'PUT':
      return 'update'
    case 'PATCH':
      return 'patch'
    case 'DELETE':
      return named ? 'delete' : 'deletecollection'
    default:
      return method.toLowerCase()
  }
}

export async function handleResource(deps: HandlerDeps, path: ResourcePath, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const query = (request.query ?? {}) as Query
  const def = deps.registry.lookup(path.group, path.version, path.resource!)
  if (!def) throw StatusError.pathNotFound()
  let name = path.name
  let verb = verbOf(request.method, path, query)
  // The legacy /watch/ prefix may address one object: watch it by name.
  let fieldSelector = one(query.fieldSelector)
  if (verb === 'watch' && name !== undefined) {
    fieldSelector = [fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',')
    name = undefined
  }
  const namespace = def.namespaced ? path.namespace : undefined
  if (!def.namespaced && path.namespace !== undefined) throw StatusError.pathNotFound()
  // Named or mutating requests on a namespaced kind need the namespace in the path.
  if (def.namespaced && namespace === undefined && verb !== 'list' && verb !== 'watch') throw StatusError.pathNotFound()
  setRequestInfo(request, { verb, resource: def.plural, subresource: path.subresource, namespace, name })

  const verbs = def.verbs ?? defaultVerbs
  const now = (deps.now ?? (() => new Date()))()
  const pretty = wantsPretty(query)

  if (path.subresource) return handleSubresource(deps, def, namespace, name!, path.subresource, verb, request, reply, query, now)
  if (!verbs.includes(verb) && !(verb === 'watch' && verbs.includes('watch'))) {
    throw StatusError.methodNotAllowed()
  }

  switch (verb) {
    case 'get': {
      const format = negotiate(request.headers.accept, { table: true, metadata: true })
      await waitForRevision(deps, one(query.resourceVersion))
      const stored = deps.rest.get(def, namespace, name!)
      return sendObject(reply, 200, def, stored.object, stored.json, format, pretty, query)
    }
    case 'list':
      return list(deps, def, namespace, request, reply, query, fieldSelector)
    case 'watch': {
      const format = negotiate(request.headers.accept, { table: true })
      const selection = compileSelection(def, one(query.labelSelector), fieldSelector)
      const sendInitialEvents = flag(query.sendInitialEvents)
      if (sendInitialEvents && one(query.resourceVersionMatch) !== 'NotOlderThan') {
        throw StatusError.invalid('', 'ListOptions', '', [
          { type: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' },
        ])
      }
      serveWatch(deps.rest.store, deps.watch, {
        def,
        prefix: collectionKey(def, namespace),
        selection,
        resourceVersion: one(query.resourceVersion),
        sendInitialEvents,
        allowBookmarks: flag(query.allowWatchBookmarks),
        timeoutSeconds: int(query, 'timeoutSeconds'),
        format,
        include: parseIncludeObject(one(query.includeObject)),
      }, request, reply)
      return reply
    }
    case 'create': {
      if (name !== undefined) throw StatusError.methodNotAllowed()
      const format = negotiate(request.headers.accept)
      const body = decodeObject(request.body as Buffer, request.headers['content-type']) as KubeObject
      checkTypeMeta(def, body)
      const ctx = writeContext(request, query, now)
      const stored = await deps.rest.create(def, namespace, body, ctx)
      return sendBody(reply, 201, ctx.dryRun ? stored.object : undefined, ctx.dryRun ? undefined : stored.json, format, pretty)
    }
    case 'update': {
      const format = negotiate(request.headers.accept)
      const body = decodeObject(request.body as Buffer, request.headers['content-type']) as KubeObject
      checkTypeMeta(def, body)
      const ctx = writeContext(request, query, now)
      const stored = await deps.rest.update(def, namespace, name!, () => body, ctx)
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    case 'patch': {
      const format = negotiate(request.headers.accept)
      const ctx = writeContext(request, query, now)
      const patchType = mediaType(request.headers['content-type'])
      const patch = decodeDocument(request.body as Buffer, patchType === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json')
      const stored = await deps.rest.update(def, namespace, name!, (current) => applyPatch(def, current, patchType, patch), ctx)
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    case 'delete':
      return remove(deps, def, namespace, name!, request, reply, query, now)
    case 'deletecollection':
      return removeCollection(deps, def, namespace, request, reply, query, now, fieldSelector)
  }
  throw StatusError.methodNotAllowed()
}

function checkTypeMeta(def: ResourceDefinition, body: KubeObject): void {
  const want = apiVersionOf(def.group, def.version)
  if (body.apiVersion !== undefined && body.apiVersion !== want && body.kind === def.kind) {
    throw StatusError.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`)
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw StatusError.badRequest(`${body.kind} in version "${def.version}" cannot be handled as a ${def.kind}: no kind "${body.kind}" is registered for version "${want}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`)
  }
}

function sendObject(reply: FastifyReply, code: number, def: ResourceDefinition, obj: KubeObject, json: string | undefined, format: OutputFormat, pretty: boolean, query: Query): FastifyReply {
  if (format.type === 'table') {
    const table = toTable(def, [obj], { include: parseIncludeObject(one(query.includeObject)), version: format.version, resourceVersion: obj.metadata.resourceVersion })
    return sendBody(reply, code, table, undefined, { type: 'json' }, pretty)
  }
  if (format.type === 'metadata') {
    const meta = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${format.version}`, metadata: obj.metadata }
    return sendBody(reply, code, meta, undefined, { type: 'json' }, pretty)
  }
  return sendBody(reply, code, json ? undefined : obj, json, format, pretty)
}

const maxWaitForRevisionMs = 3000

/** A read at a resourceVersion newer than ours waits briefly for it, then times out (504), as upstream. */
async function waitForRevision(deps: HandlerDeps, rvText: string | undefined): Promise<void> {
  if (!rvText || rvText === '0') return
  const want = Number(rvText)
  if (!Number.isInteger(want) || want < 0) throw StatusError.badRequest(`invalid resource version: ${rvText}`)
  const store = deps.rest.store
  const deadline = Date.now() + maxWaitForRevisionMs
  while (store.revision < want) {
    if (Date.now() > deadline) {
      const status = { kind: 'Status' as const, apiVersion: 'v1' as const, metadata: {}, status: 'Failure' as const, message: `Too large resource version: ${want}, current: ${store.revision}`, reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }, code: 504 }
      throw new StatusError(status)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function list(deps: HandlerDeps, def: ResourceDefinition, namespace: string | undefined, request: FastifyRequest, reply: FastifyReply, query: Query, fieldSelector: string | undefined) {
  const format = negotiate(request.headers.accept, { table: true, metadata: true })
  const selection = compileSelection(def, one(query.labelSelector), fieldSelector)
  const store = deps.rest.store
  const rv = one(query.resourceVersion)
  const match = one(query.resourceVersionMatch)
  if (match !== undefined && match !== '' && match !== 'NotOlderThan' && match !== 'Exact') {
    throw StatusError.invalid('', 'ListOptions', '', [{ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""` }])
  }
  if (match && !rv) {
    throw StatusError.invalid('', 'ListOptions', '', [{ type: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' }])
  }
  await waitForRevision(deps, rv)
  const limit = int(query, 'limit')
  const prefix = collectionKey(def, namespace)
  const cont = one(query.continue)
  let startAfter: string | undefined
  // Continued pages, and exact reads, see the state at one revision.
  let atRevision = match === 'Exact' ? Number(rv) : undefined
  if (cont) {
    const token = decodeContinue(cont, prefix, store.oldestWatchableRevision)
    startAfter = token.startAfter
    atRevision = token.revision
  }
  let page
  try {
    page = store.list(prefix, {
      startAfter,
      atRevision,
      limit: limit && limit > 0 ? limit : undefined,
      filter: selection.everything ? undefined : (s) => selection.matches(s.object),
    })
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Expired') throw StatusError.expired(`too old resource version: ${atRevision} (${err.oldestRevision})`)
    throw err
  }
  const revision = page.revision
  const metadata: Record<string, unknown> = { resourceVersion: String(revision) }
  if (page.more && page.items.length > 0) {
    metadata.continue = encodeContinue(revision, page.items[page.items.length - 1].key)
    if (selection.everything && page.remaining !== undefined) metadata.remainingItemCount = page.remaining
  }
  const pretty = wantsPretty(query)
  if (format.type === 'table') {
    const table = toTable(def, page.items.map((s) => s.object), {
      include: parseIncludeObject(one(query.includeObject)),
      version: format.version,
      resourceVersion: String(revision),
      continueToken: metadata.continue as string | undefined,
      remaining: metadata.remainingItemCount as number | undefined,
    })
    return sendBody(reply, 200, table, undefined, { type: 'json' }, pretty)
  }
  if (format.type === 'metadata') {
    const body = { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${format.version}`, metadata, items: page.items.map((s) => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${format.version}`, metadata: s.object.metadata })) }
    return sendBody(reply, 200, body, undefined, { type: 'json' }, pretty)
  }
  const text = listJson(apiVersionOf(def.group, def.version), `${def.kind}List`, metadata, page.items.map((s) => s.json))
  return sendBody(reply, 200, undefined, text, format, pretty)
}

function deleteOptionsOf(request: FastifyRequest, query: Query): DeleteOptions {
  const body = request.body as Buffer | undefined
  let options: DeleteOptions = {}
  if (body && body.length > 0) {
    const decoded = decodeDocument(body, request.headers['content-type'] || 'application/json')
    if (decoded && typeof decoded === 'object' && !Array.isArray(decoded)) options = decoded as DeleteOptions
  }
  const grace = int(query, 'gracePeriodSeconds')
  if (grace !== undefined) options.gracePeriodSeconds = grace
  const policy = one(query.propagationPolicy)
  if (policy) options.propagationPolicy = policy as DeleteOptions['propagationPolicy']
  if (one(query.orphanDependents) !== undefined) options.orphanDependents = flag(query.orphanDependents)
  validateDeleteOptions(options)
  return options
}

async function remove(deps: HandlerDeps, def: ResourceDefinition, namespace: string | undefined, name: string, request: FastifyRequest, reply: FastifyReply, query: Query, now: Date) {
  const format = negotiate(request.headers.accept)
  const options = deleteOptionsOf(request, query)
  const ctx = writeContext(request, query, now)
  if (options.dryRun?.includes('All')) ctx.dryRun = true
  if (isNamespace(def) && protectedNamespaces.has(name)) {
    throw StatusError.forbidden(groupResource(def), name, 'this namespace may not be deleted')
  }
  const { stored, deleted } = await deps.rest.delete(def, namespace, name, planDelete(def, options), ctx)
  // A lingering object (finalizers, grace period) is returned with 202 Accepted only
  // when the finalizers came from the request; upstream returns 200 with the object here.
  void deleted
  return sendBody(reply, 200, ctx.dryRun ? stored.object : undefined, ctx.dryRun ? undefined : stored.json, format, wantsPretty(query))
}

async function removeCollection(deps: HandlerDeps, def: ResourceDefinition, namespace: string | undefined, request: FastifyRequest, reply: FastifyReply, query: Query, now: Date, fieldSelector: string | undefined) {
  if (!(def.verbs ?? defaultVerbs).includes('deletecollection')) throw StatusError.methodNotAllowed()
  const format = negotiate(request.headers.accept)
  const selection = compileSelection(def, one(query.labelSelector), fieldSelector)
  const options = deleteOptionsOf(request, query)
  const ctx = writeContext(request, query, now)
  const page = deps.rest.store.list(collectionKey(def, namespace), { filter: selection.everything ? undefined : (s) => selection.matches(s.object) })
  const deleted: KubeObject[] = []
  for (const item of page.items) {
    try {
      const { stored } = await deps.rest.delete(def, item.object.metadata.namespace, item.object.metadata.name!, planDelete(def, options), ctx)
      deleted.push(stored.object)
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err
    }
  }
  const body = { kind: `${def.kind}List`, apiVersion: apiVersionOf(def.group, def.version), metadata: { resourceVersion: String(deps.rest.store.revision) }, items: deleted }
  return sendBody(reply, 200, body, undefined, format, wantsPretty(query))
}

async function handleSubresource(
  deps: HandlerDeps,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  subresource: string,
  verb: string,
  request: FastifyRequest,
  reply: FastifyReply,
  query: Query,
  now: Date,
) {
  const pretty = wantsPretty(query)
  const format = negotiate(request.headers.accept)
  if (subresource === 'status' && def.subresources?.status) {
    if (verb === 'get') {
      const stored = deps.rest.get(def, namespace, name)
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    const ctx = writeContext(request, query, now)
    if (verb === 'update') {
      const body = decodeObject(request.body as Buffer, request.headers['content-type']) as KubeObject
      checkTypeMeta(def, body)
      const stored = await deps.rest.update(def, namespace, name, () => body, ctx, 'status')
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    if (verb === 'patch') {
      const patchType = mediaType(request.headers['content-type'])
      const patch = decodeDocument(request.body as Buffer, patchType === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json')
      const stored = await deps.rest.update(def, namespace, name, (current) => applyPatch(def, current, patchType, patch), ctx, 'status')
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    throw StatusError.methodNotAllowed()
  }
  if (subresource === 'finalize' && isNamespace(def) && verb === 'update') {
    // Namespace finalize: only spec.finalizers may change.
    const body = decodeObject(request.body as Buffer, request.headers['content-type']) as KubeObject
    const ctx = writeContext(request, query, now)
    const stored = await deps.rest.update(def, namespace, name, (current) => ({ ...current, spec: { ...(current.spec as object), finalizers: (body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] } }), ctx)
    return sendBody(reply, 200, undefined, stored.json, format, pretty)
  }
  if (subresource === 'scale' && def.subresources?.scale) {
    const scale = def.subresources.scale
    if (verb === 'get') return sendBody(reply, 200, readScale(def, scale, deps.rest.get(def, namespace, name).object), undefined, format, pretty)
    const ctx = writeContext(request, query, now)
    if (verb === 'update' || verb === 'patch') {
      const patchType = mediaType(request.headers['content-type'])
      const body = verb === 'update' ? decodeObject(request.body as Buffer, request.headers['content-type']) : decodeDocument(request.body as Buffer, patchType === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json')
      const stored = await deps.rest.update(def, namespace, name, scaleChange(def, scale, verb, patchType, body), ctx)
      return sendBody(reply, 200, readScale(def, scale, stored.object), undefined, format, pretty)
    }
    throw StatusError.methodNotAllowed()
  }
  if (subresource === 'binding' && def.group === '' && def.kind === 'Pod' && verb === 'create') {
    const body = decodeObject(request.body as Buffer, request.headers['content-type'])
    const ctx = writeContext(request, query, now)
    await bindPod(deps.rest, def, namespace!, name, body as KubeObject, ctx)
    return sendBody(reply, 201, success(undefined, 201), undefined, format, pretty)
  }
  throw StatusError.pathNotFound()
}
