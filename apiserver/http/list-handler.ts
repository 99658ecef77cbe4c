// LIST: selectors, pagination with continue tokens, resourceVersion and
// resourceVersionMatch, in JSON, YAML, Table or metadata-only form.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { apiVersionOf } from '../../shared/api-types.ts'
import { StatusError } from '../status-error.ts'
import { StorageError } from '../storage/store.ts'
import { collectionKey } from '../registry/registry.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import { negotiate, wantsPretty } from './negotiation.ts'
import { compileSelection } from './selection.ts'
import { decodeContinue, encodeContinue } from './continue-token.ts'
import { jsonContentType, listJson, listStream, sendBody } from './responses.ts'

/** Lists longer than this are streamed in chunks rather than sent as one string. */
const streamListsFrom = 500
import { parseIncludeObject, toTable } from './table.ts'
import { type Query, one, int } from './query-params.ts'
import type { HandlerDeps } from './resource-handlers.ts'

const maxWaitForRevisionMs = 3000

/** A read at a resourceVersion newer than ours waits briefly for it, then times out (504), as upstream. */
export async function waitForRevision(deps: HandlerDeps, rvText: string | undefined): Promise<void> {
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

export async function list(deps: HandlerDeps, def: ResourceDefinition, namespace: string | undefined, request: FastifyRequest, reply: FastifyReply, query: Query, fieldSelector: string | undefined) {
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
  const items = page.items.map((s) => s.json)
  if (format.type === 'json' && !pretty && items.length > streamListsFrom) {
    return reply.code(200).header('content-type', jsonContentType).send(listStream(apiVersionOf(def.group, def.version), `${def.kind}List`, metadata, items))
  }
  return sendBody(reply, 200, undefined, listJson(apiVersionOf(def.group, def.version), `${def.kind}List`, metadata, items), format, pretty)
}
