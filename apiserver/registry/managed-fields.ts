// metadata.managedFields for Update operations (create, update, patch), as
// upstream's FieldManager.Update records them, on the same model server-side
// apply uses (apiserver/apply): the writer owns what it added or changed, in
// FieldsV1 with map-list items by key and sets by value; every other manager,
// appliers included, loses those fields and the removed ones. Apply writes
// set their managedFields themselves (RestStore.apply).
import { isDeepStrictEqual } from 'node:util'
import type { KubeObject, ManagedFieldsEntry } from '../../shared/api-types.ts'
import type { ApplySchema, ApplyType } from '../apply/apply-type.ts'
import { childType } from '../apply/apply-type.ts'
import { createdFieldsV1 } from '../apply/created-fields.ts'
import { FieldSet } from '../apply/field-set.ts'
import { capUpdateManagers, decodeManagedFields, emptyManaged, encodeManagedFields, managerIdentifier, stripMetadata, type Managed } from '../apply/managers.ts'
import { applySchemaFor } from '../apply/openapi-schema.ts'
import type { PathElement } from '../apply/path-element.ts'
import { TypedValueError } from '../apply/path-element.ts'
import { resetFields } from '../apply/reset-fields.ts'
import { recordUpdate } from '../apply/updater.ts'
import type { JsonObject } from '../patch/json-value.ts'
import { timestamp } from './system-metadata.ts'

export interface WriteInfo {
  manager: string
  /** The group/version written, e.g. `apps/v1`. */
  apiVersion: string
  subresource?: string
}

/** Upstream's manager for what one write changed, before it is merged into the writer's entry. */
const currentOperation = managerIdentifier({ manager: 'current-operation', operation: 'Update' })

/** `managedFields: []` or `[{}]` in a write asks to clear them. */
function isReset(entries: ManagedFieldsEntry[] | undefined): boolean {
  if (!Array.isArray(entries)) return false
  return entries.length === 0 || (entries.length === 1 && Object.keys(entries[0] ?? {}).length === 0)
}

function decodeOrEmpty(entries: ManagedFieldsEntry[] | undefined): Managed | undefined {
  try {
    return decodeManagedFields(entries)
  } catch {
    return undefined
  }
}

/**
 * The ownership a write starts from: the managedFields the request carries
 * (clients may edit them, or clear them), else the stored ones. A
 * subresource write cannot change them.
 */
function baseOwnership(prev: KubeObject | undefined, next: KubeObject, subresource: string | undefined): Managed {
  const stored = () => decodeOrEmpty(prev?.metadata.managedFields) ?? emptyManaged()
  if (subresource) return stored()
  const requested = next.metadata.managedFields
  if (isReset(requested)) return emptyManaged()
  const decoded = decodeOrEmpty(requested)
  return decoded && decoded.fields.size > 0 ? decoded : stored()
}

function withoutManagedFields(obj: KubeObject | undefined): JsonObject {
  if (!obj) return {}
  const { managedFields: _m, ...metadata } = obj.metadata
  return { ...obj, metadata } as unknown as JsonObject
}

function schemaOf(obj: KubeObject): ApplySchema {
  const apiVersion = obj.apiVersion ?? ''
  const slash = apiVersion.indexOf('/')
  return applySchemaFor({ group: slash < 0 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind: obj.kind ?? '' })
}

/**
 * Sets next.metadata.managedFields for a write from `prev` (undefined on
 * create) to `next`: the writer's Update entry gains what changed (and its
 * time moves) only when the write changed something it can own.
 */
export function updateManagedFields(prev: KubeObject | undefined, next: KubeObject, info: WriteInfo, now: Date): void {
  const live = withoutManagedFields(prev)
  const after = withoutManagedFields(next)
  const requested = next.metadata.managedFields
  if (prev && isDeepStrictEqual(live, after)) {
    // Nothing changed that anyone could own: ownership stays as it starts.
    const keepStored = info.subresource !== undefined || requested === undefined || isDeepStrictEqual(requested, prev.metadata.managedFields)
    setEntries(next, keepStored ? prev.metadata.managedFields : encodeManagedFields(baseOwnership(prev, next, info.subresource)))
    return
  }
  const managed = baseOwnership(prev, next, info.subresource)
  const schema = schemaOf(next)
  if (!prev && managed.fields.size === 0 && !info.subresource) {
    setEntries(next, createdEntry(after, schema, info, now))
    return
  }
  const options = { schema, ignored: resetFields(info.subresource, live, after) }
  let fields
  try {
    fields = recordUpdate(live, after, info.apiVersion, managed.fields, currentOperation, options)
  } catch (err) {
    // A value the schema cannot place (a map-list item without its key): keep ownership as it was, as upstream's UpdateNoErrors.
    if (!(err instanceof TypedValueError)) throw err
    if (prev?.metadata.managedFields) next.metadata.managedFields = prev.metadata.managedFields
    else delete next.metadata.managedFields
    return
  }
  stripMetadata(fields, currentOperation)
  const changed = fields.get(currentOperation)
  fields.delete(currentOperation)
  const times = new Map(managed.times)
  if (changed) {
    const id = managerIdentifier({ manager: info.manager, operation: 'Update', apiVersion: info.apiVersion, subresource: info.subresource })
    const set = withoutZeroValueNodes(changed.set, schema.root, schema)
    const before = fields.get(id)
    fields.set(id, { set: before ? set.union(before.set) : set, apiVersion: info.apiVersion, applied: false })
    times.set(id, timestamp(now))
  }
  const result = { fields, times }
  capUpdateManagers(result)
  setEntries(next, encodeManagedFields(result))
}

/** The creator's entry, written directly (see created-fields.ts); none when it owns nothing. */
function createdEntry(obj: JsonObject, schema: ApplySchema, info: WriteInfo, now: Date): ManagedFieldsEntry[] | undefined {
  let fieldsV1
  try {
    fieldsV1 = createdFieldsV1(obj, schema, ['status'])
  } catch (err) {
    if (err instanceof TypedValueError) return undefined
    throw err
  }
  if (!fieldsV1) return undefined
  return [{ manager: info.manager || 'unknown', operation: 'Update', apiVersion: info.apiVersion, time: timestamp(now), fieldsType: 'FieldsV1', fieldsV1 }]
}

function setEntries(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries) obj.metadata.managedFields = entries
  else delete obj.metadata.managedFields
}

/**
 * Upstream compares Go objects, in which structs and required lists always
 * exist (as `{}` and null; a create starts from the kind's zero value): a
 * writer that fills one owns what lies below it but not the node itself, so
 * FieldsV1 shows `f:spec: {...}` without `.`. Maps, optional lists and list
 * items can be absent, and a writer that adds one owns it (`.`). Stored JSON
 * may lack an empty struct that Go would have, hence this filter.
 */
function withoutZeroValueNodes(set: FieldSet, t: ApplyType, schema: ApplySchema): FieldSet {
  const nodes = new FieldSet()
  collectZeroValueNodes(set, t, schema, [], nodes)
  return set.difference(nodes)
}

function collectZeroValueNodes(set: FieldSet, t: ApplyType, schema: ApplySchema, path: PathElement[], out: FieldSet): void {
  for (const { element, set: below } of set.childEntries()) {
    let ct: ApplyType = { type: 'any' }
    if ('field' in element) {
      ct = childType(t, element.field)
      const zeroValued = (ct.type === 'object' && ct.mapType !== 'atomic') || (ct.type === 'list' && t.type === 'object' && schema.fieldRequired(t, element.field))
      if (zeroValued && set.hasMember(element)) out.insert([...path, element])
    } else if (t.type === 'list') {
      ct = t.items ?? ct
    }
    collectZeroValueNodes(below, ct, schema, [...path, element], out)
  }
}
