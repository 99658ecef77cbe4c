// Comparing API objects the way upstream's apiequality.Semantic.DeepEqual
// does after a JSON round trip: an absent field, null, [] and {} all mean
// "not set", so a client that sends `tolerations: []` has not changed a pod
// whose stored spec has none.

function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true
  if (Array.isArray(value)) return value.length === 0
  if (typeof value === 'object') return Object.keys(value as object).length === 0
  return false
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isUnset(a) && isUnset(b)) return true
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => semanticEqual(item, b[i]))
  }
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = new Set([...Object.keys(left), ...Object.keys(right)])
  for (const key of keys) {
    if (!semanticEqual(left[key], right[key])) return false
  }
  return true
}

/**
 * Paths (`spec.containers[0].ports`) where two values differ semantically,
 * deepest first-found; used to say what a forbidden update touched, where
 * upstream prints a Go cmp.Diff.
 */
export function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (semanticEqual(a, b)) return []
  const bothArrays = Array.isArray(a) && Array.isArray(b)
  const bothObjects = !bothArrays && a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)
  if (bothArrays && (a as unknown[]).length === (b as unknown[]).length) {
    return (a as unknown[]).flatMap((item, i) => differingPaths(item, (b as unknown[])[i], `${path}[${i}]`))
  }
  if (bothObjects) {
    const left = a as Record<string, unknown>
    const right = b as Record<string, unknown>
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()
    return keys.flatMap((key) => differingPaths(left[key], right[key], path ? `${path}.${key}` : key))
  }
  return [path]
}
