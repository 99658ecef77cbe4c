// Field ownership across writes, as structured-merge-diff's merge.Updater:
//
// - update: after any write, every other manager loses the fields the write
//   changed (and those it removed); without `force`, an Apply that would take
//   a field another manager owns is refused with the conflicts instead.
// - Update operations then own what they changed, besides what they owned.
// - Apply operations own exactly their configuration's fields; fields they
//   applied last time and omit now are removed from the object unless
//   another manager (or the new configuration) still owns them.
import { isDeepStrictEqual } from 'node:util'
import type { JsonValue } from '../patch/json-value.ts'
import type { ApplySchema } from './apply-type.ts'
import type { Comparison } from './compare.ts'
import { compare, excludeFields } from './compare.ts'
import { FieldSet } from './field-set.ts'
import { merge } from './merge.ts'
import type { Path } from './path-element.ts'
import { removeItems } from './remove-items.ts'
import { toFieldSet } from './to-field-set.ts'

/** What one manager owns, at which API version, and whether through Apply. */
export interface VersionedSet {
  readonly set: FieldSet
  readonly apiVersion: string
  readonly applied: boolean
}

/** Managers by identifier (see managers.ts). */
export type ManagedFields = Map<string, VersionedSet>

export interface Conflict {
  /** The identifier of the manager that owns the field. */
  readonly manager: string
  readonly path: Path
}

/** Apply would take fields other managers own with other values. */
export class ApplyConflicts extends Error {
  readonly conflicts: readonly Conflict[]
  constructor(conflicts: readonly Conflict[]) {
    super(`Apply failed with ${conflicts.length} conflicts`)
    this.conflicts = conflicts
  }
}

export interface UpdaterOptions {
  schema: ApplySchema
  /** Fields no manager owns through this endpoint (status on the main resource, all but status on /status). */
  ignored: FieldSet
}

/** Takes what `oldObject` → `newObject` changed from every manager but `workflow`. */
function updateManagers(oldObject: JsonValue, newObject: JsonValue, version: string, managers: ManagedFields, workflow: string, force: boolean, options: UpdaterOptions): Comparison {
  const comparison = excludeFields(compare(oldObject, newObject, options.schema), options.ignored)
  const changed = comparison.modified.union(comparison.added)
  const conflicts = new Map<string, FieldSet>()
  for (const [manager, owned] of managers) {
    if (manager === workflow) continue
    const taken = owned.set.intersection(changed)
    if (!taken.isEmpty()) conflicts.set(manager, taken)
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = []
    for (const [manager, set] of conflicts) for (const path of set.paths()) list.push({ manager, path })
    throw new ApplyConflicts(list)
  }
  for (const [manager, owned] of [...managers]) {
    if (manager === workflow) continue
    let set = owned.set
    const taken = conflicts.get(manager)
    if (taken) set = set.difference(taken)
    if (!comparison.removed.isEmpty()) set = set.difference(comparison.removed)
    if (set !== owned.set) managers.set(manager, { ...owned, set })
  }
  for (const [manager, owned] of [...managers]) if (owned.set.isEmpty()) managers.delete(manager)
  return comparison
}

/** Records an Update by `manager` from `liveObject` to `newObject`; returns the new ownership. */
export function recordUpdate(liveObject: JsonValue, newObject: JsonValue, version: string, managed: ManagedFields, manager: string, options: UpdaterOptions): ManagedFields {
  const managers = new Map(managed)
  const comparison = updateManagers(liveObject, newObject, version, managers, manager, true, options)
  const previous = managers.get(manager)?.set ?? new FieldSet()
  const set = previous.difference(comparison.removed).union(comparison.modified).union(comparison.added).recursiveDifference(options.ignored)
  if (set.isEmpty()) managers.delete(manager)
  else managers.set(manager, { set, apiVersion: version, applied: false })
  return managers
}

export interface ApplyResult {
  /** The merged object; undefined when it equals the live object. */
  object: JsonValue | undefined
  managed: ManagedFields
}

/**
 * Applies `config` as `manager`'s whole intent: merges it into `liveObject`,
 * removes what the manager applied before and nobody owns any more, and
 * moves ownership; throws ApplyConflicts unless `force`.
 */
export function recordApply(liveObject: JsonValue, config: JsonValue, version: string, managed: ManagedFields, manager: string, force: boolean, options: UpdaterOptions): ApplyResult {
  const managers = new Map(managed)
  let merged: JsonValue = merge(liveObject, config, options.schema) ?? {}
  const lastSet = managers.get(manager)
  const set = toFieldSet(config, options.schema, { strict: true }).recursiveDifference(options.ignored)
  managers.set(manager, { set, apiVersion: version, applied: true })
  merged = prune(merged, managers, lastSet, options.schema)
  updateManagers(liveObject, merged, version, managers, manager, force, options)
  return { object: isDeepStrictEqual(liveObject, merged) ? undefined : merged, managed: managers }
}

/**
 * Removes what the applier owned before and omits now, unless a manager
 * (this one included, through its new configuration) still owns it.
 * Declared struct fields count as owned when anything below them is, so
 * pruning a field never takes its owned siblings' parent with it.
 */
function prune(merged: JsonValue, managers: ManagedFields, lastSet: VersionedSet | undefined, schema: ApplySchema): JsonValue {
  if (!lastSet || lastSet.set.isEmpty()) return merged
  const root = schema.root
  const last = lastSet.set.ensureNamedFieldsAreMembers(root)
  let managed = new FieldSet()
  for (const owned of managers.values()) managed = managed.union(owned.set)
  const mergedSet = toFieldSet(merged, schema).ensureNamedFieldsAreMembers(root)
  // What removing everything last owned would take away, beyond what is still owned.
  const pruned1 = removeItems(merged, last, schema)
  const prunedSet1 = toFieldSet(pruned1, schema).ensureNamedFieldsAreMembers(root)
  const pruned2 = removeItems(merged, mergedSet.difference(prunedSet1.union(managed.ensureNamedFieldsAreMembers(root))), schema)
  // Of what that took away, only what the applier owned last time goes.
  const prunedSet2 = toFieldSet(pruned2, schema).ensureNamedFieldsAreMembers(root)
  return removeItems(merged, mergedSet.difference(prunedSet2).intersection(last), schema)
}
