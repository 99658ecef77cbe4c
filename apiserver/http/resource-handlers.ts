// REST verbs over every registered resource: one handler per verb, generic
// over the ResourceDefinition. Lists, deletes and subresources live in
// their own modules.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import type { Registry } from '../registry/registry.ts'
import { collectionKey } from '../registry/registry.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { defaultVerbs } from '../registry/types.ts'
import type { RestStore } from '../registry/rest-store.ts'
import { applyPatch } from '../registry/apply-patch.ts'
import { applyPatchType, checkPatchOptions } from '../apply/patch-options.ts'
import { negotiate, wantsPretty, type OutputFormat } from './negotiation.ts'
import { checkTypeMeta, decodeDocument, decodeObject, mediaType } from './request-body.ts'
import { compileSelection } from './selection.ts'
import { sendBody } from './responses.ts'
import { parseIncludeObject, toTable } from './table.ts'
import { serveWatch, type WatchSettings } from './watch.ts'
import type { ResourcePath } from './request-path.ts'
import { setRequestInfo } from './request-log.ts'
import { type Query, one, flag, int, writeContext } from './query-params.ts'
import { list, waitForRevision } from './list-handler.ts'
import { remove, removeCollection } from './delete-handlers.ts'
import { handleSubresource } from './subresource-handlers.ts'
import { addWarnings, jsonText, parseFieldValidation, validatePatchedObject, validateRequestObject } from '../openapi/field-validation.ts'

export interface HandlerDeps {
  registry: Registry
  rest: RestStore
  watch: WatchSettings
  now?: () => Date
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
      const rv = one(query.resourceVersion)
      if (rv && !/^\d+$/.test(rv)) throw StatusError.badRequest(`invalid resource version: ${rv}`)
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
      const fieldValidation = parseFieldValidation(one(query.fieldValidation), 'CreateOptions')
      const body = decodeObject(request.body as Buffer, request.headers['content-type'], def.kind) as KubeObject
      checkTypeMeta(def, body)
      addWarnings(reply, validateRequestObject(def, fieldValidation, body, jsonText(request.body, request.headers['content-type'])))
      const ctx = writeContext(request, query, now)
      const stored = await deps.rest.create(def, namespace, body, ctx)
      addWarnings(reply, ctx.warnings)
      return sendBody(reply, 201, ctx.dryRun ? stored.object : undefined, ctx.dryRun ? undefined : stored.json, format, pretty)
    }
    case 'update': {
      const format = negotiate(request.headers.accept)
      const fieldValidation = parseFieldValidation(one(query.fieldValidation), 'UpdateOptions')
      const body = decodeObject(request.body as Buffer, request.headers['content-type']) as KubeObject
      checkTypeMeta(def, body)
      addWarnings(reply, validateRequestObject(def, fieldValidation, body, jsonText(request.body, request.headers['content-type'])))
      const ctx = writeContext(request, query, now)
      const stored = await deps.rest.update(def, namespace, name!, () => body, ctx)
      addWarnings(reply, ctx.warnings)
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    case 'patch': {
      const format = negotiate(request.headers.accept)
      const ctx = writeContext(request, query, now)
      const patchType = mediaType(request.headers['content-type'])
      const fieldValidation = parseFieldValidation(one(query.fieldValidation), 'PatchOptions')
      const patch = decodeDocument(request.body as Buffer, patchType === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json')
      const force = checkPatchOptions(patchType, { fieldManager: one(query.fieldManager), force: one(query.force) })
      if (patchType === applyPatchType) {
        const { stored, created } = await deps.rest.apply(def, namespace, name!, patch, ctx, { force })
        addWarnings(reply, ctx.warnings)
        return sendBody(reply, created ? 201 : 200, undefined, stored.json, format, pretty)
      }
      let warnings: string[] = []
      const stored = await deps.rest.update(def, namespace, name!, (current) => {
        const next = applyPatch(def, current, patchType, patch)
        warnings = validatePatchedObject(def, fieldValidation, next, patchType, patch, jsonText(request.body, request.headers['content-type']))
        return next
      }, ctx)
      addWarnings(reply, [...warnings, ...(ctx.warnings ?? [])])
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    case 'delete':
      return remove(deps, def, namespace, name!, request, reply, query, now)
    case 'deletecollection':
      return removeCollection(deps, def, namespace, request, reply, query, now, fieldSelector)
  }
  throw StatusError.methodNotAllowed()
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
