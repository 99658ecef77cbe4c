// Renders decoded JSON the way Go's fmt and encoding/json name it, so patch
// error messages read like kube-apiserver's (`map[name:c] does not contain
// declared merge key: name`, `json: cannot unmarshal object into ...`).

/** Go's `%v` of a value decoded into interface{}: maps print with sorted keys. */
export function formatGoValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>'
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `map[${entries.map(([k, v]) => `${k}:${formatGoValue(v)}`).join(' ')}]`
  }
  return String(value)
}

/** reflect.TypeOf(v).String() for a decoded JSON value, as in `expected a X, but received a Y`. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '%!s(<nil>)'
  if (Array.isArray(value)) return '[]interface {}'
  if (typeof value === 'object') return 'map[string]interface {}'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64'
  if (typeof value === 'boolean') return 'bool'
  return 'string'
}

/** The JSON kind encoding/json names in an UnmarshalTypeError (`cannot unmarshal <kind> into ...`). */
export function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'object'
  if (typeof value === 'boolean') return 'bool'
  return typeof value
}
