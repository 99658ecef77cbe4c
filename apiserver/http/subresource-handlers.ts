// Subresources with their own behaviour: status, scale, binding, eviction, finalize.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject } from '../../shared/api-types.ts'
import { StatusError, success } from '../status-error.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { isNamespace } from '../registry/deletion.ts'
import { applyPatch } from '../registry/apply-patch.ts'
import { applyPatchType, checkPatchOptions } from '../apply/patch-options.ts'
import { bindPod } from '../registry/binding.ts'
import { evictPod } from '../registry/eviction.ts'
import { readScale, scaleChange } from '../registry/scale.ts'
import { negotiate, wantsPretty } from './negotiation.ts'
import { checkTypeMeta, decodeDocument, decodeObject, mediaType } from './request-body.ts'
import { sendBody } from './responses.ts'
import { type Query, one, writeContext } from './query-params.ts'
import type { HandlerDeps } from './resource-handlers.ts'
import { addWarnings, jsonText, parseFieldValidation, validatePatchedObject, validateRequestObject } from '../openapi/field-validation.ts'

export async function handleSubresource(
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
      const fieldValidation = parseFieldValidation(one(query.fieldValidation), 'UpdateOptions')
      const body = decodeObject(request.body as Buffer, request.headers['content-type']) as KubeObject
      checkTypeMeta(def, body)
      addWarnings(reply, validateRequestObject(def, fieldValidation, body, jsonText(request.body, request.headers['content-type'])))
      const stored = await deps.rest.update(def, namespace, name, () => body, ctx, 'status')
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    if (verb === 'patch') {
      const patchType = mediaType(request.headers['content-type'])
      const fieldValidation = parseFieldValidation(one(query.fieldValidation), 'PatchOptions')
      const patch = decodeDocument(request.body as Buffer, patchType === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json')
      const force = checkPatchOptions(patchType, { fieldManager: one(query.fieldManager), force: one(query.force) })
      if (patchType === applyPatchType) {
        const { stored } = await deps.rest.apply(def, namespace, name, patch, ctx, { force, subresource: 'status' })
        return sendBody(reply, 200, undefined, stored.json, format, pretty)
      }
      let warnings: string[] = []
      const stored = await deps.rest.update(def, namespace, name, (current) => {
        const next = applyPatch(def, current, patchType, patch)
        warnings = validatePatchedObject(def, fieldValidation, next, patchType, patch, jsonText(request.body, request.headers['content-type']))
        return next
      }, ctx, 'status')
      addWarnings(reply, warnings)
      return sendBody(reply, 200, undefined, stored.json, format, pretty)
    }
    throw StatusError.methodNotAllowed()
  }
  if (subresource === 'finalize' && isNamespace(def) && verb === 'update') {
    // Namespace finalize: only spec.finalizers may change. A 'system' write, as a
    // plain update would have the namespace strategy put the old spec back.
    const body = decodeObject(request.body as Buffer, request.headers['content-type']) as KubeObject
    const ctx = writeContext(request, query, now)
    const stored = await deps.rest.update(def, namespace, name, (current) => ({ ...current, spec: { ...(current.spec as object), finalizers: (body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] } }), ctx, 'system')
    return sendBody(reply, 200, undefined, stored.json, format, pretty)
  }
  if (subresource === 'scale' && def.subresources?.scale) {
    const scale = def.subresources.scale
    if (verb === 'get') return sendBody(reply, 200, readScale(def, scale, deps.rest.get(def, namespace, name).object), undefined, format, pretty)
    const ctx = writeContext(request, query, now)
    if (verb === 'update' || verb === 'patch') {
      const patchType = mediaType(request.headers['content-type'])
      const body = verb === 'update' ? decodeObject(request.body as Buffer, request.headers['content-type']) : decodeDocument(request.body as Buffer, patchType === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json')
      const stored = await deps.rest.update(def, namespace, name, scaleChange(def, scale, verb, patchType, body), ctx, 'scale')
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
  if (subresource === 'eviction' && def.group === '' && def.kind === 'Pod' && verb === 'create') {
    const pdbs = deps.registry.byKind('policy', 'PodDisruptionBudget')
    if (!pdbs) throw StatusError.pathNotFound()
    const body = decodeObject(request.body as Buffer, request.headers['content-type'], 'Eviction')
    const ctx = writeContext(request, query, now)
    const status = await evictPod(deps.rest, { pods: def, podDisruptionBudgets: pdbs }, namespace!, name, body as KubeObject, ctx)
    return sendBody(reply, status.code, status, undefined, format, pretty)
  }
  throw StatusError.pathNotFound()
}
