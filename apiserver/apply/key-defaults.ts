// Defaults of map-list key fields. Upstream identifies a map-list item that
// omits a key field by the field's schema default: a container port without
// `protocol` is the TCP port, the same item as the live (defaulted) one, and
// it stays that item when unowned fields are pruned from it. The generated
// schemas do not carry defaults, so the kind's own defaulting tells them: in a
// defaulted copy of the configuration, the key fields an item omitted hold
// their defaults. What it learns is added to the schema for this request.
import type { KubeObject } from '../../shared/api-types.ts'
import type { JsonValue } from '../patch/json-value.ts'
import { getMember, isJsonObject } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'
import { childType, isAtomicList, isAtomicMap, shapeOf } from './apply-type.ts'

type Learned = Map<ApplyType, Map<string, JsonValue>>

/**
 * `schema`, with defaults for the key fields that items of `config` omit,
 * as `defaults` fills them. Without defaulting (or when it fails on a partial
 * configuration) only the schema's own defaults apply.
 */
export function withKeyDefaults(schema: ApplySchema, config: JsonValue, defaults: ((obj: KubeObject) => void) | undefined): ApplySchema {
  if (!defaults || !isJsonObject(config)) return schema
  const defaulted = structuredClone(config)
  try {
    defaults(defaulted as unknown as KubeObject)
  } catch {
    return schema
  }
  const learned: Learned = new Map()
  learn(config, defaulted, schema.root, schema, learned)
  if (learned.size === 0) return schema
  return {
    root: schema.root,
    fieldDefault: (t, field) => schema.fieldDefault(t, field) ?? learned.get(t)?.get(field),
    fieldRequired: (t, field) => schema.fieldRequired(t, field),
  }
}

function learn(value: JsonValue, twin: JsonValue | undefined, t: ApplyType, schema: ApplySchema, learned: Learned): void {
  const shape = shapeOf(t, value)
  if (shape === 'map') {
    if (!isJsonObject(value) || !isJsonObject(twin) || isAtomicMap(t)) return
    for (const [key, v] of Object.entries(value)) learn(v, getMember(twin, key), childType(t, key), schema, learned)
    return
  }
  if (shape !== 'list' || !Array.isArray(value) || !Array.isArray(twin) || twin.length !== value.length || isAtomicList(t)) return
  const itemType = t.items ?? { type: 'any' }
  value.forEach((item, i) => {
    const twinItem = twin[i]
    if (t.listType === 'map' && isJsonObject(item) && isJsonObject(twinItem)) {
      for (const key of t.listMapKeys ?? []) {
        const def = getMember(twinItem, key)
        if (getMember(item, key) !== undefined || def === undefined || schema.fieldDefault(itemType, key) !== undefined) continue
        let fields = learned.get(itemType)
        if (!fields) learned.set(itemType, (fields = new Map()))
        fields.set(key, def)
      }
    }
    learn(item, twinItem, itemType, schema, learned)
  })
}
