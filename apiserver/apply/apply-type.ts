// What server-side apply needs to know about a kind's structure, as
// structured-merge-diff reads it from the upstream OpenAPI schemas: which
// values are structs (named fields), string maps or lists, how lists merge
// (`x-kubernetes-list-type` atomic, set or map with `x-kubernetes-list-map-keys`)
// and which maps and structs are atomic (`x-kubernetes-map-type`).
//
// The shape is that of the OpenAPI module's compiled schema nodes, so that
// module's graph is an ApplyType as it is (see openapi-schema.ts); tests build
// small ones with the constructors below.
import type { JsonValue } from '../patch/json-value.ts'

/**
 * One node of a kind's type graph. Graphs may be cyclic (JSONSchemaProps);
 * walkers only follow them along a value.
 *
 * - `object`: a struct; `properties` are its declared fields, `values` (rare)
 *   the type of keys that are not declared;
 * - `map`: string keys, every value of type `values`;
 * - `list`: every element of type `items`, merged by `listType`;
 * - `scalar`: strings, numbers, booleans (also int-or-string, quantities, times);
 * - `any`: content the schema leaves open; handled as structured-merge-diff's
 *   "deduced" type: maps merge key by key, lists are atomic.
 */
export interface ApplyType {
  readonly type: 'object' | 'map' | 'list' | 'scalar' | 'any'
  readonly properties?: ReadonlyMap<string, ApplyType>
  readonly values?: ApplyType
  readonly items?: ApplyType
  /** Lists: atomic (replaced whole), set (of scalars), map (items identified by `listMapKeys`). */
  readonly listType?: 'atomic' | 'set' | 'map'
  readonly listMapKeys?: readonly string[]
  /** Objects and maps: `atomic` ones are replaced and owned whole. */
  readonly mapType?: 'granular' | 'atomic'
  /** Objects: fields the schema does not declare are kept rather than refused. */
  readonly preserveUnknownFields?: boolean
}

/** A kind's type and the field defaults structured-merge-diff reads from the schema. */
export interface ApplySchema {
  readonly root: ApplyType
  /**
   * The schema default of field `field` of objects of type `type`. Only the
   * keys of map lists need it: an item that omits a key field is identified
   * by the key's default (a port without `protocol` is the `TCP` port).
   */
  fieldDefault(type: ApplyType, field: string): JsonValue | undefined
  /**
   * Whether `field` is required in objects of type `type`. Upstream's Go
   * types always serialize required lists (as null when empty), so an Update
   * that creates one does not own the list node itself; see managed-fields.
   */
  fieldRequired(type: ApplyType, field: string): boolean
}

export const anyType: ApplyType = { type: 'any' }
export const scalarType: ApplyType = { type: 'scalar' }

/** A schema that knows nothing: every value is deduced from its content. */
export const deducedSchema: ApplySchema = { root: anyType, fieldDefault: () => undefined, fieldRequired: () => false }

/** The type of `key`'s value in an object or map of type `t`; undeclared keys are `any`. */
export function childType(t: ApplyType, key: string): ApplyType {
  if (t.type === 'object') return t.properties?.get(key) ?? t.values ?? anyType
  if (t.type === 'map') return t.values ?? anyType
  return anyType
}

/** A declared field of a struct, as opposed to a map entry. */
export function isNamedField(t: ApplyType, key: string): boolean {
  return t.type === 'object' && (t.properties?.has(key) ?? false)
}

/**
 * How a value of type `t` is walked. `any` is decided by the value itself:
 * a JSON object is a granular map of `any`, an array an atomic list.
 */
export type Shape = 'map' | 'list' | 'scalar'

export function shapeOf(t: ApplyType, value: JsonValue | undefined): Shape {
  if (t.type === 'object' || t.type === 'map') return 'map'
  if (t.type === 'list') return 'list'
  if (t.type === 'scalar') return 'scalar'
  if (Array.isArray(value)) return 'list'
  if (value !== null && typeof value === 'object') return 'map'
  return 'scalar'
}

/** Lists that are one leaf: atomic ones, and those of `any` type. */
export function isAtomicList(t: ApplyType): boolean {
  return t.type !== 'list' || (t.listType ?? 'atomic') === 'atomic'
}

export function isAtomicMap(t: ApplyType): boolean {
  return (t.type === 'object' || t.type === 'map') && t.mapType === 'atomic'
}

// Constructors for hand-made schemas (tests, kinds without a generated schema).

export function struct(fields: Record<string, ApplyType>, options: { atomic?: boolean } = {}): ApplyType {
  return { type: 'object', properties: new Map(Object.entries(fields)), mapType: options.atomic ? 'atomic' : 'granular' }
}

export function stringMap(values: ApplyType = scalarType, options: { atomic?: boolean } = {}): ApplyType {
  return { type: 'map', values, mapType: options.atomic ? 'atomic' : 'granular' }
}

export function mapList(keys: readonly string[], items: ApplyType): ApplyType {
  return { type: 'list', listType: 'map', listMapKeys: keys, items }
}

export function setList(items: ApplyType = scalarType): ApplyType {
  return { type: 'list', listType: 'set', items }
}

export function atomicList(items: ApplyType = scalarType): ApplyType {
  return { type: 'list', listType: 'atomic', items }
}
