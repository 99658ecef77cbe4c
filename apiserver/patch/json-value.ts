// The JSON data model the patch functions work on: what JSON.parse returns.
// Member access goes through these helpers because a patch may carry a key
// named "__proto__"; plain `obj[key] = v` would change the prototype instead
// of adding a member.

export type JsonPrimitive = string | number | boolean | null
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The member's value, or undefined when the object has no such own member. */
export function getMember(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined
}

export function setMember(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  else obj[key] = value
}

export function deleteMember(obj: JsonObject, key: string): void {
  if (Object.hasOwn(obj, key)) delete obj[key]
}

/** Structural equality: member order is ignored, array order is not. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
  if (!isJsonObject(a) || !isJsonObject(b)) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
}
