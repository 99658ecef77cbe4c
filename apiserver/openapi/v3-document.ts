// One OpenAPI v3 document per group-version, in the shape kube-apiserver
// serves at /openapi/v3/apis/<group>/<version>: paths with their operations,
// and components.schemas holding every schema those operations reach.
// kubectl reads it to find the PATCH operation that carries the kind's GVK and
// a `fieldValidation` parameter (then leaves field validation to the server),
// for `kubectl explain`, and for the merge keys of client-side apply.
import { generatedDefinitions, refName, type Parameter, type Schema } from './definitions.ts'
import { patchMediaTypes, responseMediaTypes, type Operation, type PathItem } from './operations.ts'

const componentsPrefix = '#/components/schemas/'

/**
 * A Swagger 2.0 schema in v3 form, as upstream's v3 documents write it: a
 * `$ref` with siblings (a field's description) becomes `allOf: [{$ref}]`
 * beside them, and the two types that are a string or a number say so with
 * `oneOf` instead of `type: string`.
 */
export function toV3Schema(schema: Schema, name?: string): Schema {
  const out = convert(schema) as Schema
  if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') {
    delete out.type
    out.oneOf = [{ type: 'integer' }, { type: 'string' }]
  } else if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    delete out.type
    out.oneOf = [{ type: 'string' }, { type: 'number' }]
  }
  return out
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert)
  if (!value || typeof value !== 'object') return value
  const obj = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  let ref: string | undefined
  for (const [k, v] of Object.entries(obj)) {
    if (k === '$ref' && typeof v === 'string') ref = componentsPrefix + refName(v)
    // Property names are data, not schema keywords: convert their schemas, keep their names.
    else if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, convert(s)]))
    else out[k] = convert(v)
  }
  if (ref === undefined) return out
  if (Object.keys(out).length === 0) return { $ref: ref }
  return { ...out, allOf: [{ $ref: ref }] }
}

function schemaRef(name: string): Schema {
  return { $ref: componentsPrefix + name }
}

function parameter(p: Parameter): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, in: p.in, description: p.description }
  if (p.required) out.required = true
  out.schema = { type: p.type, uniqueItems: true }
  return out
}

export function pathParameters(item: PathItem): Parameter[] {
  const params = generatedDefinitions().parameters
  const list: Parameter[] = []
  if (item.named) list.push({ name: 'name', in: 'path', description: `name of the ${item.named}`, required: true, type: 'string', uniqueItems: true })
  if (item.namespaced) list.push(params.namespace)
  list.push(params.pretty)
  return list
}

function operation(op: Operation): Record<string, unknown> {
  const params = generatedDefinitions().parameters
  const out: Record<string, unknown> = { tags: [op.tag], description: op.description, operationId: op.operationId }
  if (op.parameters.length > 0) out.parameters = op.parameters.map((key) => parameter(params[key]))
  if (op.body) {
    const types = op.body.patch ? patchMediaTypes : ['*/*']
    out.requestBody = { content: Object.fromEntries(types.map((t) => [t, { schema: schemaRef(op.body!.schema) }])), ...(op.body.required ? { required: true } : {}) }
  }
  const responses: Record<string, unknown> = {}
  for (const r of op.responses) {
    responses[r.code] = r.schema
      ? { description: r.description, content: Object.fromEntries(responseMediaTypes.map((t) => [t, { schema: schemaRef(r.schema!) }])) }
      : { description: r.description }
  }
  responses['401'] = { description: 'Unauthorized' }
  out.responses = responses
  out['x-kubernetes-action'] = op.action
  out['x-kubernetes-group-version-kind'] = op.gvk
  return out
}

/**
 * @param schemas the v3 schemas by name: every schema the operations reach
 */
export function groupVersionDocument(items: PathItem[], schemas: Record<string, Schema>, serverVersion: string): unknown {
  const paths: Record<string, unknown> = {}
  for (const item of items) {
    const entry: Record<string, unknown> = {}
    for (const op of item.operations) entry[op.method] = operation(op)
    entry.parameters = pathParameters(item).map(parameter)
    paths[item.path] = entry
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: serverVersion }, paths, components: { schemas } }
}
