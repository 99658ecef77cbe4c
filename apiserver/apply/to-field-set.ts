// The fields a value sets, as structured-merge-diff's ToFieldSet: every
// scalar, every atomic list or map as one leaf, every map-list or set item
// (the item itself too, so FieldsV1 shows `.` beside its fields), every map
// entry; a declared struct field only when its value is empty or null.
import type { JsonValue } from '../patch/json-value.ts'
import { isJsonObject } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'
import { childType, isAtomicList, isAtomicMap, isNamedField, shapeOf } from './apply-type.ts'
import { FieldSet } from './field-set.ts'
import type { PathElement } from './path-element.ts'
import { listItemElement, serializeElement, TypedValueError } from './path-element.ts'

export interface ToFieldSetOptions {
  /** Refuse fields a struct does not declare, as upstream refuses them in an applied configuration. */
  strict?: boolean
}

export function toFieldSet(value: JsonValue, schema: ApplySchema, options: ToFieldSetOptions = {}): FieldSet {
  const set = new FieldSet()
  walk(value, schema.root, [], set, schema, options.strict ?? false)
  return set
}

function walk(value: JsonValue, t: ApplyType, path: PathElement[], set: FieldSet, schema: ApplySchema, strict: boolean): void {
  const shape = shapeOf(t, value)
  if (shape === 'scalar') {
    set.insert(path)
    return
  }
  if (shape === 'list') {
    if (isAtomicList(t) || (value !== null && !Array.isArray(value))) {
      set.insert(path)
      return
    }
    if (value === null) return
    const items = value as JsonValue[]
    const elements = items.map((item) => listItemElement(t, item, schema, path))
    // An item that appears twice is owned as a whole, without its fields.
    const seen = new Set<string>()
    const duplicates = new Set<string>()
    for (const pe of elements) {
      const k = serializeElement(pe)
      if (seen.has(k)) {
        if (!duplicates.has(k)) set.insert([...path, pe])
        duplicates.add(k)
      } else seen.add(k)
    }
    items.forEach((item, i) => {
      if (duplicates.has(serializeElement(elements[i]))) return
      const itemPath = [...path, elements[i]]
      walk(item, t.items ?? { type: 'any' }, itemPath, set, schema, strict)
      set.insert(itemPath)
    })
    return
  }
  if (isAtomicMap(t) || (value !== null && !isJsonObject(value))) {
    set.insert(path)
    return
  }
  if (value === null) return
  for (const [key, v] of Object.entries(value)) {
    if (strict && t.type === 'object' && !isNamedField(t, key) && !t.values && !t.preserveUnknownFields) {
      throw new TypedValueError([...path, { field: key }], 'field not declared in schema')
    }
    const fieldPath = [...path, { field: key }]
    walk(v, childType(t, key), fieldPath, set, schema, strict)
    if (v === null || (isJsonObject(v) && Object.keys(v).length === 0) || !isNamedField(t, key)) set.insert(fieldPath)
  }
}
