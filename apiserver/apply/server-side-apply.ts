// Server-side apply of one configuration to one object (PATCH with
// application/apply-patch+yaml), as upstream's FieldManager.Apply chain:
// check the configuration's type, merge it as the manager's whole intent,
// move field ownership (409 on conflicts unless forced, with kubectl's
// client-side-apply fields taken over), and encode managedFields. The
// caller (RestStore.apply) runs it inside the store's update, then the kind's
// strategy as for any write.
import { isDeepStrictEqual } from 'node:util'
import { apiVersionOf, type KubeObject } from '../../shared/api-types.ts'
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { isJsonObject } from '../patch/json-value.ts'
import { timestamp } from '../registry/system-metadata.ts'
import { StatusError } from '../status-error.ts'
import { goJsonKind } from '../patch/go-format.ts'
import type { ApplySchema } from './apply-type.ts'
import { applyConflictError } from './conflict.ts'
import { withKeyDefaults } from './key-defaults.ts'
import { fieldsFromLastApplied, kubectlManager, syncLastApplied } from './last-applied.ts'
import { decodeManagedFields, emptyManaged, encodeManagedFields, managerIdentifier, stripMetadata, type Managed } from './managers.ts'
import { removeAppliedNulls } from './merge.ts'
import { TypedValueError } from './path-element.ts'
import { resetFields } from './reset-fields.ts'
import { ApplyConflicts, recordApply, type ApplyResult } from './updater.ts'

export interface ApplyRequest {
  group: string
  version: string
  kind: string
  namespace?: string
  /** The name on the URL. */
  name: string
  /** The fieldManager query parameter; required for apply. */
  manager: string
  /** `force=true`: take conflicting fields instead of failing. */
  force: boolean
  subresource?: 'status'
  schema: ApplySchema
  /** The kind's defaulting, which tells which item a map-list item that omits a key field is. */
  defaults?: (obj: KubeObject) => void
  now: Date
}

/** `apps/v1, Kind=Deployment`, as Go prints a GroupVersionKind. */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : ''
  const slash = av.indexOf('/')
  const [group, version] = slash < 0 ? ['', av] : [av.slice(0, slash), av.slice(slash + 1)]
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`
}

/** Checks that `body` can be an applied configuration of the request's kind; returns it typed. */
export function checkConfiguration(body: unknown, req: ApplyRequest): JsonObject {
  if (!isJsonObject(body)) {
    throw StatusError.badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goJsonKind(body)} into Go value of type map[string]interface {}`)
  }
  if (body.apiVersion !== apiVersionOf(req.group, req.version) || body.kind !== req.kind) {
    throw StatusError.badRequest(`invalid object type: ${gvkString(body.apiVersion, body.kind)}`)
  }
  const meta = body.metadata
  if (isJsonObject(meta) && Array.isArray(meta.managedFields)) throw StatusError.badRequest('metadata.managedFields must be nil')
  return body
}

/**
 * The object after `req.manager` applies `body` to `live` (undefined: the
 * object does not exist yet), with managedFields set; equal to `live` when
 * the apply changes nothing at all. Neither argument is modified.
 */
export function applyConfiguration(live: KubeObject | undefined, body: unknown, req: ApplyRequest): KubeObject {
  const original = checkConfiguration(body, req)
  const config = structuredClone(original)
  withoutIdentityNulls(config)
  const apiVersion = apiVersionOf(req.group, req.version)
  const schema = withKeyDefaults(req.schema, config, req.defaults)

  const liveObject: JsonObject = live ? (structuredClone(live) as unknown as JsonObject) : {}
  if (isJsonObject(liveObject.metadata)) delete liveObject.metadata.managedFields
  let managed: Managed
  try {
    managed = live ? decodeManagedFields(live.metadata.managedFields) : emptyManaged()
  } catch (err) {
    throw StatusError.internal(`failed to decode managed fields: ${(err as Error).message}`)
  }
  const id = managerIdentifier({ manager: req.manager, operation: 'Apply', subresource: req.subresource })
  const options = { schema, ignored: resetFields(req.subresource, liveObject, config) }
  const apply = (force: boolean) => asClientError(req, () => recordApply(liveObject, config, apiVersion, managed.fields, id, force, options))

  let result: ApplyResult
  try {
    result = apply(req.force)
  } catch (err) {
    if (!(err instanceof ApplyConflicts)) throw err
    // kubectl taking over from its own client-side apply: fields the annotation holds are not conflicts.
    const allowed = req.manager === kubectlManager ? fieldsFromLastApplied(liveObject, apiVersion, schema, req.defaults) : undefined
    if (!allowed) throw applyConflictError(err.conflicts)
    const remaining = err.conflicts.filter((c) => !allowed.has(c.path))
    if (remaining.length > 0) throw applyConflictError(remaining)
    result = apply(true)
  }

  stripMetadata(result.managed, id)
  const merged = (result.object ?? structuredClone(liveObject)) as JsonObject
  removeAppliedNulls(merged, config, schema)
  // An apply that leaves the object as it was keeps its time (and, unless ownership moved, the resourceVersion).
  const changed = !isDeepStrictEqual(merged, liveObject)
  if (req.manager === kubectlManager) syncLastApplied(merged, original)
  const times = new Map(managed.times)
  if (changed) times.set(id, timestamp(req.now))
  const obj = merged as unknown as KubeObject
  if (!isJsonObject(obj.metadata as JsonValue)) obj.metadata = {}
  const entries = encodeManagedFields({ fields: result.managed, times })
  if (entries) obj.metadata.managedFields = entries
  else delete obj.metadata.managedFields
  return obj
}

/**
 * Server-owned identity fields a configuration sets to null (`creationTimestamp:
 * null` in generated manifests) mean nothing: dropped before merging, so that
 * they do not count as a change.
 */
function withoutIdentityNulls(config: JsonObject): void {
  const meta = config.metadata
  if (!isJsonObject(meta)) return
  for (const field of ['creationTimestamp', 'uid', 'resourceVersion', 'generation', 'selfLink', 'deletionTimestamp']) if (meta[field] === null) delete meta[field]
}

/** Runs a step on typed values: a value that does not fit the schema is the client's error. */
function asClientError<T>(req: ApplyRequest, step: () => T): T {
  try {
    return step()
  } catch (err) {
    if (!(err instanceof TypedValueError)) throw err
    const where = `${req.namespace ?? ''}/${req.name}; ${gvkString(apiVersionOf(req.group, req.version), req.kind)}`
    throw StatusError.badRequest(`failed to create typed patch object (${where}): ${err.message}`)
  }
}
