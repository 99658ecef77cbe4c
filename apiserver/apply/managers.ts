// metadata.managedFields ⇄ ownership by manager, as upstream's fieldmanager
// encodes it: one entry per (manager, operation, subresource, and for
// Update the apiVersion), FieldsV1 sets, times, and the entry order kubectl
// shows (Apply before Update, then oldest first).
import type { ManagedFieldsEntry } from '../../shared/api-types.ts'
import type { JsonValue } from '../patch/json-value.ts'
import { FieldSet } from './field-set.ts'
import type { ManagedFields } from './updater.ts'

/** Ownership plus the time each manager last changed something. */
export interface Managed {
  fields: ManagedFields
  times: Map<string, string | undefined>
}

export interface ManagerInfo {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion?: string
  subresource?: string
}

/**
 * The identifier upstream keys managers by: the entry without fields, type
 * and time, as JSON (Go's field order); appliers leave out the apiVersion so
 * that they stay one manager across versions.
 */
export function managerIdentifier(info: ManagerInfo): string {
  const id: Record<string, string> = { manager: info.manager || 'unknown', operation: info.operation }
  if (info.operation === 'Update' && info.apiVersion) id.apiVersion = info.apiVersion
  if (info.subresource) id.subresource = info.subresource
  return JSON.stringify(id)
}

export function parseManagerIdentifier(id: string): ManagerInfo {
  return JSON.parse(id) as ManagerInfo
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() }
}

/** Decodes entries; throws on entries upstream refuses (unknown operation, missing apiVersion or fieldsType). */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const managed = emptyManaged()
  for (const [i, entry] of (entries ?? []).entries()) {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`')
    if (!entry.apiVersion) throw new Error('apiVersion must not be empty')
    if (entry.fieldsType !== 'FieldsV1') throw new Error(entry.fieldsType ? `invalid fieldsType "${entry.fieldsType}" in managed fields entry ${i}` : `missing fieldsType in managed fields entry ${i}`)
    const id = managerIdentifier({ manager: entry.manager ?? '', operation: entry.operation, apiVersion: entry.apiVersion, subresource: entry.subresource })
    managed.fields.set(id, { set: FieldSet.fromFieldsV1(entry.fieldsV1 as JsonValue | undefined), apiVersion: entry.apiVersion, applied: entry.operation === 'Apply' })
    managed.times.set(id, entry.time)
  }
  return managed
}

function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) : 0
}

/** Encodes ownership in upstream's order; undefined when nobody owns anything. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined
  const entries: ManagedFieldsEntry[] = []
  for (const [id, owned] of managed.fields) {
    const info = parseManagerIdentifier(id)
    const entry: ManagedFieldsEntry = { manager: info.manager, operation: owned.applied ? 'Apply' : 'Update', apiVersion: owned.apiVersion }
    const time = managed.times.get(id)
    if (time) entry.time = time
    entry.fieldsType = 'FieldsV1'
    entry.fieldsV1 = owned.set.toFieldsV1()
    if (info.subresource) entry.subresource = info.subresource
    entries.push(entry)
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return entries.sort(
    (p, q) =>
      cmp(p.operation!, q.operation!) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager!, q.manager!) ||
      cmp(p.apiVersion!, q.apiVersion!) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  )
}

/** Never owned by anyone: the object's identity and bookkeeping. */
const strippedFields = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [{ field: 'metadata' }, { field: f }]),
)

/** Removes identity and bookkeeping fields from `id`'s set, and `id` itself when nothing is left. */
export function stripMetadata(fields: ManagedFields, id: string): void {
  const owned = fields.get(id)
  if (!owned) return
  const set = owned.set.difference(strippedFields)
  if (set.isEmpty()) fields.delete(id)
  else fields.set(id, { ...owned, set })
}

/** Upstream keeps at most ten Update entries; the oldest merge into `ancient-changes`, one bucket per version. */
export const maxUpdateManagers = 10

export function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.fields].filter(([, owned]) => !owned.applied).map(([id]) => id)
  if (updaters.length <= maxUpdateManagers) return
  updaters.sort((a, b) => seconds(managed.times.get(a)) - seconds(managed.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0))
  const firstOfVersion = new Map<string, string>()
  let length = updaters.length
  for (let i = 0; i < updaters.length && length > maxUpdateManagers; i++) {
    const id = updaters[i]
    const owned = managed.fields.get(id)!
    const time = managed.times.get(id)
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: owned.apiVersion })
    const first = firstOfVersion.get(owned.apiVersion)
    if (first === undefined) {
      firstOfVersion.set(owned.apiVersion, id)
      continue
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!)
      managed.fields.delete(first)
    }
    managed.fields.set(bucket, { ...owned, set: owned.set.union(managed.fields.get(bucket)!.set) })
    managed.fields.delete(id)
    managed.times.set(bucket, time)
    length--
  }
}
