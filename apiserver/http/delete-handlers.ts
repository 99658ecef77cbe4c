// DELETE of one object and of a collection, with DeleteOptions from the body
// (as kubectl sends them) or the query (as other clients may).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject } from '../../shared/api-types.ts'
import { apiVersionOf } from '../../shared/api-types.ts'
import { StatusError, success } from '../status-error.ts'
import { collectionKey } from '../registry/registry.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { defaultVerbs } from '../registry/types.ts'
import { groupResource } from '../registry/rest-store.ts'
import { planDelete, protectedNamespaces, validateDeleteOptions, type DeleteOptions, isNamespace } from '../registry/deletion.ts'
import { negotiate, wantsPretty } from './negotiation.ts'
import { decodeDocument } from './request-body.ts'
import { compileSelection } from './selection.ts'
import { sendBody } from './responses.ts'
import { deleteReturnsObject } from '../openapi/definitions.ts'
import { type Query, one, flag, int, writeContext } from './query-params.ts'
import type { HandlerDeps } from './resource-handlers.ts'

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

export async function remove(deps: HandlerDeps, def: ResourceDefinition, namespace: string | undefined, name: string, request: FastifyRequest, reply: FastifyReply, query: Query, now: Date) {
  const format = negotiate(request.headers.accept)
  const options = deleteOptionsOf(request, query)
  const ctx = writeContext(request, query, now)
  if (options.dryRun?.includes('All')) ctx.dryRun = true
  if (isNamespace(def) && protectedNamespaces.has(name)) {
    throw StatusError.forbidden(groupResource(def), name, 'this namespace may not be deleted')
  }
  const { stored, deleted } = await deps.rest.delete(def, namespace, name, planDelete(def, options), ctx)
  // An object that lingers (finalizers, grace period) comes back as it now is; one that
  // is gone is answered with a Success Status, except for the kinds upstream returns.
  if (deleted && !deleteReturnsObject(def)) {
    // Upstream leaves `code` out of this Status.
    const { code: _code, ...status } = success({ name, ...(def.group ? { group: def.group } : {}), kind: def.plural, uid: stored.object.metadata.uid })
    return sendBody(reply, 200, status, undefined, format, wantsPretty(query))
  }
  return sendBody(reply, 200, ctx.dryRun ? stored.object : undefined, ctx.dryRun ? undefined : stored.json, format, wantsPretty(query))
}

export async function removeCollection(deps: HandlerDeps, def: ResourceDefinition, namespace: string | undefined, request: FastifyRequest, reply: FastifyReply, query: Query, now: Date, fieldSelector: string | undefined) {
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
