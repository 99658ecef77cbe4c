// The Swagger 2.0 document of /openapi/v2, built from the same operations
// and the upstream definitions as they are (they are v2 already). Served as
// JSON, and as protobuf for kubectl (v2-protobuf.ts).
import { generatedDefinitions, type Schema } from './definitions.ts'
import { patchMediaTypes, responseMediaTypes, type Operation, type PathItem } from './operations.ts'
import { pathParameters } from './v3-document.ts'

function ref(name: string): Schema {
  return { $ref: `#/definitions/${name}` }
}

function operation(op: Operation): Record<string, unknown> {
  const params = generatedDefinitions().parameters
  const out: Record<string, unknown> = {
    description: op.description,
    consumes: op.body?.patch ? patchMediaTypes : ['*/*'],
    produces: responseMediaTypes,
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
  }
  const parameters: unknown[] = []
  if (op.body) parameters.push({ in: 'body', name: 'body', ...(op.body.required ? { required: true } : {}), schema: ref(op.body.schema) })
  for (const key of op.parameters) parameters.push(params[key])
  if (parameters.length > 0) out.parameters = parameters
  const responses: Record<string, unknown> = {}
  for (const r of op.responses) responses[r.code] = r.schema ? { description: r.description, schema: ref(r.schema) } : { description: r.description }
  responses['401'] = { description: 'Unauthorized' }
  out.responses = responses
  out['x-kubernetes-action'] = op.action
  out['x-kubernetes-group-version-kind'] = op.gvk
  return out
}

export function swaggerDocument(items: PathItem[], definitions: Record<string, Schema>, serverVersion: string): unknown {
  const paths: Record<string, unknown> = {}
  for (const item of items) {
    const entry: Record<string, unknown> = {}
    for (const op of item.operations) entry[op.method] = operation(op)
    entry.parameters = pathParameters(item)
    paths[item.path] = entry
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: serverVersion }, paths, definitions }
}
