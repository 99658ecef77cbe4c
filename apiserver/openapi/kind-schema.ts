// The structure of a kind as the generated upstream schemas describe it,
// compiled once into a graph of nodes: which fields an object has, which
// values are lists or maps, and how lists and maps merge (list-type, map keys,
// map-type, patch strategy). Field validation walks it; server-side apply asks
// it for list semantics:
//
//   const deployment = schemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' })
//   deployment.listType('spec.template.spec.containers')      // 'map'
//   deployment.listMapKeys('spec.template.spec.containers.ports') // ['containerPort', 'protocol']
//   deployment.mapType('spec.selector')                         // 'atomic'
//
// Paths are dotted field names; list elements are stepped into implicitly
// (`containers.ports` is the ports of a container), so a path names a field
// wherever it sits.
import { definitionNameFor, generatedDefinitions, refName, type GroupVersionKind, type Schema } from './definitions.ts'

export type ListType = 'atomic' | 'set' | 'map'
export type MapType = 'granular' | 'atomic'

/**
 * - `object`: a struct with named `properties`;
 * - `map`: string keys, every value a `values` node;
 * - `list`: every element an `items` node;
 * - `scalar`: string, number, boolean, int-or-string, quantity, time;
 * - `any`: content the schema leaves open (RawExtension, FieldsV1, preserved unknown fields).
 */
export type NodeType = 'object' | 'map' | 'list' | 'scalar' | 'any'

export interface SchemaNode {
  readonly type: NodeType
  /** The upstream definition this node is, when it is one (`io.k8s.api.core.v1.Container`). */
  readonly definition?: string
  readonly properties?: ReadonlyMap<string, SchemaNode>
  readonly values?: SchemaNode
  readonly items?: SchemaNode
  /** Lists: `x-kubernetes-list-type`; lists without one are atomic, as in upstream's structured merge. */
  readonly listType?: ListType
  readonly listMapKeys?: readonly string[]
  /** Objects and maps: `x-kubernetes-map-type`, granular unless the schema says atomic. */
  readonly mapType?: MapType
  /** Strategic merge: `x-kubernetes-patch-strategy` (`merge`, `retainKeys`, `merge,retainKeys`). */
  readonly patchStrategy?: string
  readonly patchMergeKey?: string
  /** Unknown fields are kept (`x-kubernetes-preserve-unknown-fields`). */
  readonly preserveUnknownFields: boolean
  /** Scalars: the JSON values the field takes (Go's decoder refuses the others). */
  readonly scalarType?: ScalarType
}

/**
 * What JSON a scalar field accepts: `string`, `integer` (`int32`/`int64`),
 * `number`, `boolean`, or both numbers and strings (`int-or-string`,
 * `quantity`, which Go decodes from either).
 */
export type ScalarType = 'string' | 'int32' | 'int64' | 'number' | 'boolean' | 'int-or-string' | 'quantity'

export interface KindSchema {
  readonly gvk: GroupVersionKind
  /** Upstream definition name; for kinds without a generated schema, their would-be name. */
  readonly definition: string
  readonly root: SchemaNode
  /** The node at a dotted path (or segments), list elements stepped into implicitly. */
  at(path: string | readonly string[]): SchemaNode | undefined
  /** The list type at `path`; undefined when `path` is not a list. */
  listType(path: string | readonly string[]): ListType | undefined
  /** The keys identifying the elements of the `map` list at `path`. */
  listMapKeys(path: string | readonly string[]): readonly string[] | undefined
  /** The map type of the object or map at `path`; undefined when `path` is neither. */
  mapType(path: string | readonly string[]): MapType | undefined
}

interface MutableNode {
  type: NodeType
  definition?: string
  properties?: Map<string, SchemaNode>
  values?: SchemaNode
  items?: SchemaNode
  listType?: ListType
  listMapKeys?: readonly string[]
  mapType?: MapType
  patchStrategy?: string
  patchMergeKey?: string
  preserveUnknownFields: boolean
  scalarType?: ScalarType
}

const anyNode: SchemaNode = { type: 'any', preserveUnknownFields: true }
const scalarNode: SchemaNode = { type: 'scalar', preserveUnknownFields: false }
const scalarNodes = new Map<ScalarType | undefined, SchemaNode>()

function sharedScalar(scalarType: ScalarType | undefined): SchemaNode {
  let node = scalarNodes.get(scalarType)
  if (!node) scalarNodes.set(scalarType, (node = scalarType ? { type: 'scalar', preserveUnknownFields: false, scalarType } : scalarNode))
  return node
}

/** The JSON a scalar schema accepts; upstream's Quantity and IntOrString take numbers and strings. */
function scalarTypeOf(schema: Schema, definition?: string): ScalarType | undefined {
  if (definition?.endsWith('.resource.Quantity')) return 'quantity'
  if (schema.format === 'int-or-string' || definition?.endsWith('.intstr.IntOrString')) return 'int-or-string'
  switch (schema.type) {
    case 'string':
      return 'string'
    case 'integer':
      return schema.format === 'int32' ? 'int32' : 'int64'
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
  }
  return undefined
}

let compiled: Map<string, MutableNode> | undefined

/** Every generated definition as a node; references point at the shared node of their definition. */
function definitionNodes(): Map<string, MutableNode> {
  if (compiled) return compiled
  const defs = generatedDefinitions().definitions
  const nodes = new Map<string, MutableNode>()
  // Shells first, so that references (and cycles) resolve to one node per definition.
  for (const name of Object.keys(defs)) nodes.set(name, { type: 'any', definition: name, preserveUnknownFields: false })
  const copies: Array<() => void> = []
  for (const [name, schema] of Object.entries(defs)) {
    const node = Object.assign(nodes.get(name)!, compileSchema(schema, nodes, copies))
    if (node.type === 'scalar') node.scalarType = scalarTypeOf(schema, name)
  }
  // Copies of a definition (a $ref with its own patch strategy) are filled once every definition is.
  for (const fill of copies) fill()
  compiled = nodes
  return nodes
}

function compileSchema(schema: Schema, nodes: Map<string, MutableNode>, copies: Array<() => void>): MutableNode {
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true
  if (schema.type === 'array') {
    const node: MutableNode = { type: 'list', items: nodeOf(schema.items, nodes, copies), listType: schema['x-kubernetes-list-type'] ?? 'atomic', preserveUnknownFields: false }
    if (schema['x-kubernetes-list-map-keys']) node.listMapKeys = schema['x-kubernetes-list-map-keys']
    addPatchMeta(node, schema)
    return node
  }
  if (schema.properties) {
    const properties = new Map<string, SchemaNode>()
    for (const [field, sub] of Object.entries(schema.properties)) properties.set(field, nodeOf(sub, nodes, copies))
    const node: MutableNode = { type: 'object', properties, mapType: schema['x-kubernetes-map-type'] ?? 'granular', preserveUnknownFields: preserve }
    if (typeof schema.additionalProperties === 'object') node.values = nodeOf(schema.additionalProperties, nodes, copies)
    return node
  }
  if (typeof schema.additionalProperties === 'object') {
    const node: MutableNode = { type: 'map', values: nodeOf(schema.additionalProperties, nodes, copies), mapType: schema['x-kubernetes-map-type'] ?? 'granular', preserveUnknownFields: false }
    addPatchMeta(node, schema)
    return node
  }
  // An object without properties (FieldsV1, RawExtension) holds anything; so does an untyped schema.
  if (schema.type === 'object' || schema.type === undefined || preserve) return { type: 'any', preserveUnknownFields: true }
  return { type: 'scalar', preserveUnknownFields: false, scalarType: scalarTypeOf(schema) }
}

function addPatchMeta(node: MutableNode, schema: Schema): void {
  if (schema['x-kubernetes-patch-strategy']) node.patchStrategy = schema['x-kubernetes-patch-strategy']
  if (schema['x-kubernetes-patch-merge-key']) node.patchMergeKey = schema['x-kubernetes-patch-merge-key']
}

function nodeOf(schema: Schema | undefined, nodes: Map<string, MutableNode>, copies: Array<() => void>): SchemaNode {
  if (!schema) return anyNode
  if (schema.$ref) {
    const target = nodes.get(refName(schema.$ref))
    if (!target) return anyNode
    // List and map semantics sit beside the $ref only for arrays and maps, which are never $refs; a
    // field-level patch strategy beside a $ref (rare) is kept on a copy.
    if (!schema['x-kubernetes-patch-strategy'] && !schema['x-kubernetes-patch-merge-key']) return target
    const copy: MutableNode = { type: 'any', preserveUnknownFields: false }
    copies.push(() => {
      Object.assign(copy, target)
      addPatchMeta(copy, schema)
    })
    return copy
  }
  const node = compileSchema(schema, nodes, copies)
  if (node.type === 'scalar' && !node.patchStrategy) return sharedScalar(node.scalarType)
  if (node.type === 'any' && node.preserveUnknownFields && !node.definition) return anyNode
  return node
}

/** The node at `path` below `root`; list elements are stepped into implicitly. */
export function nodeAt(root: SchemaNode, path: string | readonly string[]): SchemaNode | undefined {
  const segments = typeof path === 'string' ? (path === '' ? [] : path.split('.')) : path
  let node: SchemaNode | undefined = root
  for (const segment of segments) {
    while (node.type === 'list') node = node.items!
    if (node.type === 'object') node = node.properties!.get(segment) ?? node.values
    else if (node.type === 'map') node = node.values
    else return node.type === 'any' ? anyNode : undefined
    if (!node) return undefined
  }
  return node
}

function kindSchema(gvk: GroupVersionKind, definition: string, root: SchemaNode): KindSchema {
  return {
    gvk,
    definition,
    root,
    at: (path) => nodeAt(root, path),
    listType: (path) => {
      const node = nodeAt(root, path)
      return node?.type === 'list' ? node.listType : undefined
    },
    listMapKeys: (path) => {
      const node = nodeAt(root, path)
      return node?.type === 'list' ? node.listMapKeys : undefined
    },
    mapType: (path) => {
      const node = nodeAt(root, path)
      return node?.type === 'object' || node?.type === 'map' ? node.mapType : undefined
    },
  }
}

const kinds = new Map<string, KindSchema | null>()

/** The compiled schema of a kind with a generated upstream definition; undefined for others. */
export function schemaFor(gvk: GroupVersionKind): KindSchema | undefined {
  const key = `${gvk.group}/${gvk.version}/${gvk.kind}`
  let schema = kinds.get(key)
  if (schema === undefined) {
    const name = definitionNameFor(gvk)
    schema = name ? kindSchema(gvk, name, definitionNodes().get(name)!) : null
    kinds.set(key, schema)
  }
  return schema ?? undefined
}

/**
 * The schema of a kind known only at run time (a custom resource without a
 * structural schema): apiVersion, kind and ObjectMeta, and anything else kept.
 */
export function schemalessKind(gvk: GroupVersionKind): KindSchema {
  const properties = new Map<string, SchemaNode>([
    ['apiVersion', scalarNode],
    ['kind', scalarNode],
    ['metadata', definitionNodes().get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!],
  ])
  return kindSchema(gvk, customDefinitionName(gvk), { type: 'object', properties, mapType: 'granular', preserveUnknownFields: true })
}

/** Upstream's name for a custom resource's schema: the group reversed, then version and kind (`com.example.v1.Widget`). */
export function customDefinitionName(gvk: GroupVersionKind): string {
  return [...gvk.group.split('.').reverse(), gvk.version, gvk.kind].join('.')
}
