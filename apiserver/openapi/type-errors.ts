// The first value whose JSON type the kind's schema does not allow, worded as
// Go's encoding/json reports it when kube-apiserver decodes the body:
//   json: cannot unmarshal number into Go struct field ConfigMap.data of type map[string]string
// Such a body is refused (400) rather than stored, so no client ever has to
// decode an object its types cannot hold. null is accepted anywhere, as Go does.
import type { SchemaNode } from './kind-schema.ts'

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'boolean') return 'bool'
  return typeof value === 'object' ? 'object' : typeof value
}

/** `io.k8s.api.core.v1.PodSpec` → `v1.PodSpec`, as Go prints a type with its package. */
function goName(definition: string): string {
  const parts = definition.split('.')
  return parts.slice(-2).join('.')
}

function goType(node: SchemaNode): string {
  if (node.definition && node.type !== 'scalar') return goName(node.definition)
  switch (node.type) {
    case 'list':
      return `[]${goType(node.items!)}`
    case 'map':
      return `map[string]${goType(node.values!)}`
    case 'scalar':
      if (node.scalarType === 'quantity') return 'resource.Quantity'
      if (node.scalarType === 'int-or-string') return 'intstr.IntOrString'
      if (node.scalarType === 'boolean') return 'bool'
      if (node.scalarType === 'number') return 'float64'
      return node.scalarType ?? 'string'
    default:
      return 'interface {}'
  }
}

function accepts(node: SchemaNode, value: unknown): boolean {
  switch (node.type) {
    case 'object':
    case 'map':
      return typeof value === 'object' && !Array.isArray(value)
    case 'list':
      return Array.isArray(value)
    case 'scalar':
      switch (node.scalarType) {
        case 'string':
          return typeof value === 'string'
        case 'int32':
        case 'int64':
          return typeof value === 'number' && Number.isInteger(value)
        case 'number':
          return typeof value === 'number'
        case 'boolean':
          return typeof value === 'boolean'
        case 'int-or-string':
        case 'quantity':
          return typeof value === 'number' || typeof value === 'string'
        default:
          return typeof value !== 'object'
      }
    default:
      return true
  }
}

/** Go's message for the first ill-typed value in `value` (a whole object of the kind `root` describes), if any. */
export function firstTypeError(root: SchemaNode, value: unknown, kind: string): string | undefined {
  return check(root, value, kind, '')
}

function check(node: SchemaNode, value: unknown, struct: string, path: string): string | undefined {
  if (value === null || value === undefined || node.type === 'any') return undefined
  if (!accepts(node, value)) {
    const what = typeof value === 'number' && !Number.isInteger(value) ? `number ${value}` : jsonKind(value)
    return `json: cannot unmarshal ${what} into Go struct field ${struct}.${path} of type ${goType(node)}`
  }
  if (node.type === 'list') {
    for (const item of value as unknown[]) {
      const err = check(node.items!, item, node.items!.definition && node.items!.type === 'object' ? shortName(node.items!.definition) : struct, path)
      if (err) return err
    }
    return undefined
  }
  if (node.type === 'map') {
    for (const item of Object.values(value as Record<string, unknown>)) {
      const err = check(node.values!, item, struct, path)
      if (err) return err
    }
    return undefined
  }
  if (node.type !== 'object') return undefined
  const inner = node.definition ? shortName(node.definition) : struct
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const child = node.properties!.get(key) ?? node.values
    if (!child) continue
    const err = check(child, item, inner, path ? `${path}.${key}` : key)
    if (err) return err
  }
  return undefined
}

function shortName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1)
}
