// The apply schema of a served kind, from the same generated upstream
// definitions the OpenAPI documents serve: the compiled schema graph of
// apiserver/openapi is an ApplyType node for node (list types, map keys, map
// types, structs and string maps); field defaults and required fields are
// read from the definition a node stands for. Kinds without a generated
// definition are handled as schemaless (deduced from their content).
import type { GroupVersionKind } from '../openapi/definitions.ts'
import { generatedDefinitions } from '../openapi/definitions.ts'
import type { SchemaNode } from '../openapi/kind-schema.ts'
import { schemaFor } from '../openapi/kind-schema.ts'
import type { JsonValue } from '../patch/json-value.ts'
import type { ApplySchema, ApplyType } from './apply-type.ts'
import { deducedSchema } from './apply-type.ts'

function fieldDefault(t: ApplyType, field: string): JsonValue | undefined {
  const definition = (t as SchemaNode).definition
  if (!definition) return undefined
  const property = generatedDefinitions().definitions[definition]?.properties?.[field]
  return property?.default as JsonValue | undefined
}

const requiredFields = new Map<string, ReadonlySet<string>>()

function fieldRequired(t: ApplyType, field: string): boolean {
  const definition = (t as SchemaNode).definition
  if (!definition) return false
  let required = requiredFields.get(definition)
  if (!required) {
    required = new Set(generatedDefinitions().definitions[definition]?.required ?? [])
    requiredFields.set(definition, required)
  }
  return required.has(field)
}

const schemas = new Map<string, ApplySchema>()

export function applySchemaFor(gvk: GroupVersionKind): ApplySchema {
  const key = `${gvk.group}/${gvk.version}/${gvk.kind}`
  let schema = schemas.get(key)
  if (!schema) {
    const kind = schemaFor(gvk)
    const root: ApplyType | undefined = kind?.root
    schema = root ? { root, fieldDefault, fieldRequired } : deducedSchema
    schemas.set(key, schema)
  }
  return schema
}
