// Fields a write cannot own through the endpoint it goes to, as upstream's
// strategies declare them (GetResetFields): the main resource resets status,
// the status subresource everything but status. They are left out of every
// manager's set and of the conflicts.
import type { JsonValue } from '../patch/json-value.ts'
import { isJsonObject } from '../patch/json-value.ts'
import { FieldSet } from './field-set.ts'

export function resetFields(subresource: string | undefined, ...objects: (JsonValue | undefined)[]): FieldSet {
  if (subresource !== 'status') return FieldSet.of([{ field: 'status' }])
  const set = new FieldSet()
  for (const obj of objects) {
    if (!isJsonObject(obj)) continue
    for (const key of Object.keys(obj)) if (key !== 'status') set.insert([{ field: key }])
  }
  return set
}
