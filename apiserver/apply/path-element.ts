// One step of a field path, as structured-merge-diff names it: a struct field
// or map key (`f:name`), a map-list item by its key fields
// (`k:{"containerPort":80,"protocol":"TCP"}`), a set item by its value
// (`v:"foregroundDeletion"`), or a list index (`i:0`). The serialized form is
// the key FieldsV1 uses; the printed form (`.spec`, `[name="c"]`) is the one
// conflict messages use.
import type { JsonObject, JsonValue } from '../patch/json-value.ts'
import { getMember, isJsonObject } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'

export type KeyField = readonly [name: string, value: JsonValue]

/** Key and value elements may carry their serialized form (`id`), computed once when they are made. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: readonly KeyField[]; readonly id?: string }
  | { readonly value: JsonValue; readonly id?: string }
  | { readonly index: number }

export type Path = readonly PathElement[]

/** A value that does not fit the schema, or a list item that cannot be identified. */
export class TypedValueError extends Error {
  readonly path: Path
  readonly reason: string
  constructor(path: Path, reason: string) {
    super(`${pathString(path)}: ${reason}`)
    this.path = path
    this.reason = reason
  }
}

/**
 * JSON as Go's encoding/json writes it: `<`, `>`, `&` and the two JavaScript
 * line separators are escaped, so serialized keys match kube-apiserver's byte
 * for byte.
 */
const htmlUnsafe = /[<>&\u2028\u2029]/g

export function goJson(value: JsonValue): string {
  const json = JSON.stringify(value)
  htmlUnsafe.lastIndex = 0
  if (!htmlUnsafe.test(json)) return json
  return json.replace(htmlUnsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The FieldsV1 key of an element. */
export function serializeElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`
  if ('index' in pe) return `i:${pe.index}`
  return pe.id ?? serializeValueElement(pe)
}

function serializeValueElement(pe: { readonly key: readonly KeyField[] } | { readonly value: JsonValue }): string {
  return 'key' in pe ? `k:{${pe.key.map(([name, v]) => `${goJson(name)}:${goJson(v)}`).join(',')}}` : `v:${goJson(pe.value)}`
}

/** A key element, with its serialized form. */
export function keyElement(fields: readonly KeyField[]): PathElement {
  return { key: fields, id: serializeValueElement({ key: fields }) }
}

/** A value element, with its serialized form. */
export function valueElement(value: JsonValue): PathElement {
  return { value, id: serializeValueElement({ value }) }
}

/** Parses a FieldsV1 key; throws on anything else. */
export function parseElement(s: string): PathElement {
  if (s.length < 2 || s[1] !== ':') throw new Error(`invalid path element: ${s}`)
  const body = s.slice(2)
  switch (s[0]) {
    case 'f':
      return { field: body }
    case 'v':
      return valueElement(JSON.parse(body) as JsonValue)
    case 'k': {
      const obj = JSON.parse(body) as unknown
      if (!isJsonObject(obj)) throw new Error(`invalid key path element: ${s}`)
      return keyElement(sortKey(Object.entries(obj)))
    }
    case 'i': {
      const index = Number(body)
      if (!Number.isInteger(index)) throw new Error(`invalid index path element: ${s}`)
      return { index }
    }
  }
  throw new Error(`unknown path element type: ${s}`)
}

function sortKey(fields: KeyField[]): KeyField[] {
  return fields.sort(([a], [b]) => compareStrings(a, b))
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function typeRank(v: JsonValue): number {
  if (typeof v === 'number') return 0
  if (typeof v === 'string') return 1
  if (typeof v === 'boolean') return 2
  if (Array.isArray(v)) return 3
  if (v === null) return 5
  return 4
}

/** structured-merge-diff's total order of values: numbers, strings, booleans, lists, maps, null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra - rb
  if (typeof a === 'number') return a < (b as number) ? -1 : a > (b as number) ? 1 : 0
  if (typeof a === 'string') return compareStrings(a, b as string)
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1
  if (Array.isArray(a)) {
    const bl = b as JsonValue[]
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i], bl[i])
      if (c !== 0) return c
    }
    return a.length - bl.length
  }
  if (a === null) return 0
  const ak = Object.keys(a).sort(compareStrings)
  const bo = b as JsonObject
  const bk = Object.keys(bo).sort(compareStrings)
  for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
    const c = compareStrings(ak[i], bk[i]) || compareValues(a[ak[i]], bo[bk[i]])
    if (c !== 0) return c
  }
  return ak.length - bk.length
}

function elementRank(pe: PathElement): number {
  return 'field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3
}

/** The order FieldsV1 and conflict lists use: fields, then keys, values, indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ra = elementRank(a)
  const rb = elementRank(b)
  if (ra !== rb) return ra - rb
  if ('field' in a) return compareStrings(a.field, (b as { field: string }).field)
  if ('key' in a) {
    const bk = (b as { key: readonly KeyField[] }).key
    for (let i = 0; i < Math.min(a.key.length, bk.length); i++) {
      const c = compareStrings(a.key[i][0], bk[i][0]) || compareValues(a.key[i][1], bk[i][1])
      if (c !== 0) return c
    }
    return a.key.length - bk.length
  }
  if ('value' in a) return compareValues(a.value, (b as { value: JsonValue }).value)
  return a.index - (b as { index: number }).index
}

/** Go's value.ToString: strings quoted, maps as `k=v` pairs. */
function valueString(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join('')
  return String(v)
}

export function elementString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`
  if ('key' in pe) return `[${pe.key.map(([name, v]) => `${name}=${valueString(v)}`).join(',')}]`
  if ('value' in pe) return `[=${valueString(pe.value)}]`
  return `[${pe.index}]`
}

/** `.spec.template.spec.containers[name="nginx"].image`, as conflict messages print a path. */
export function pathString(path: Path): string {
  return path.map(elementString).join('')
}

/**
 * The element naming `item` in a list of type `list`: its key fields for a
 * map list (a missing key takes the field's schema default, or is left out),
 * its value for a set.
 */
export function listItemElement(list: ApplyType, item: JsonValue, schema: ApplySchema, where: Path | (() => Path)): PathElement {
  const path = () => (typeof where === 'function' ? where() : where)
  if (list.listType === 'map' && (list.listMapKeys?.length ?? 0) > 0) {
    if (item === null) throw new TypedValueError(path(), 'associative list with keys may not have a null element')
    if (!isJsonObject(item)) throw new TypedValueError(path(), 'associative list with keys may not have non-map elements')
    const keys = list.listMapKeys!
    const fields: KeyField[] = []
    for (const name of keys) {
      const v = getMember(item, name)
      if (v !== undefined) fields.push([name, v])
      else {
        const def = schema.fieldDefault(list.items ?? { type: 'any' }, name)
        if (def !== undefined) fields.push([name, def])
      }
    }
    if (fields.length === 0) {
      throw new TypedValueError(path(), `associative list with keys has an element that omits all key fields ${goQuotedList(keys)} (and doesn't have default values for any key fields)`)
    }
    return keyElement(sortKey(fields))
  }
  if (list.listType === 'set' || list.listType === 'map') {
    if (item === null) throw new TypedValueError(path(), "associative list without keys has an element that's an explicit null")
    if (Array.isArray(item)) throw new TypedValueError(path(), 'not supported: associative list with lists as elements')
    if (typeof item === 'object') throw new TypedValueError(path(), "associative list without keys has an element that's a map type")
    return valueElement(item)
  }
  throw new TypedValueError(path(), 'invalid indexing of non-associative list')
}

/** Go's `%q` of a []string: `["containerPort" "protocol"]`. */
function goQuotedList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(' ')}]`
}
