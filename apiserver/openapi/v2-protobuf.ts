// /openapi/v2 in protobuf, the only form kubectl asks for: the Swagger
// document as gnostic's openapi_v2.Document message. kubectl reads its
// definitions (by x-kubernetes-group-version-kind) to validate manifests
// client-side when the OpenAPI v3 documents do not cover a group-version,
// and a missing document fails that validation outright, where a real
// cluster lets the manifest through to the API's own "no matches for kind".
//
// The encoder walks the JSON document with the field numbers of gnostic's
// OpenAPIv2.proto. Values of free form (defaults, enums, x-* extensions) go
// in its Any message as YAML text; JSON is valid YAML, so they are JSON.
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire'

type Json = Record<string, unknown>

export const openApiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'

/** Whether an Accept header asks for the protobuf form. */
export function acceptsOpenApiV2Protobuf(accept: string | undefined): boolean {
  return !!accept && accept.split(',').some((clause) => clause.split(';')[0].trim().toLowerCase() === 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')
}

export function encodeSwaggerDocument(doc: Json): Uint8Array {
  const w = new BinaryWriter()
  str(w, 1, doc.swagger)
  if (isObject(doc.info)) message(w, 2, () => info(w, doc.info as Json))
  if (isObject(doc.paths)) message(w, 8, () => paths(w, doc.paths as Json))
  if (isObject(doc.definitions)) {
    message(w, 9, () => {
      for (const [name, schema] of Object.entries(doc.definitions as Json)) namedSchema(w, 1, name, schema)
    })
  }
  extensions(w, 16, doc)
  return w.finish()
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function message(w: BinaryWriter, field: number, body: () => void): void {
  w.tag(field, WireType.LengthDelimited).fork()
  body()
  w.join()
}

function str(w: BinaryWriter, field: number, value: unknown): void {
  if (typeof value === 'string' && value !== '') w.tag(field, WireType.LengthDelimited).string(value)
}

function strings(w: BinaryWriter, field: number, value: unknown): void {
  if (Array.isArray(value)) for (const s of value) if (typeof s === 'string') w.tag(field, WireType.LengthDelimited).string(s)
}

function bool(w: BinaryWriter, field: number, value: unknown): void {
  if (value === true) w.tag(field, WireType.Varint).bool(true)
}

function int64(w: BinaryWriter, field: number, value: unknown): void {
  if (typeof value === 'number' && Number.isInteger(value)) w.tag(field, WireType.Varint).int64(value)
}

function double(w: BinaryWriter, field: number, value: unknown): void {
  if (typeof value === 'number') w.tag(field, WireType.Bit64).double(value)
}

/** gnostic's Any: the value as YAML text. */
function any(w: BinaryWriter, field: number, value: unknown): void {
  message(w, field, () => w.tag(2, WireType.LengthDelimited).string(`${JSON.stringify(value)}\n`))
}

/** Every `x-…` key of `object` as a NamedAny in `field`. */
function extensions(w: BinaryWriter, field: number, object: Json): void {
  for (const [name, value] of Object.entries(object)) {
    if (!name.startsWith('x-')) continue
    message(w, field, () => {
      str(w, 1, name)
      any(w, 2, value)
    })
  }
}

function info(w: BinaryWriter, i: Json): void {
  str(w, 1, i.title)
  str(w, 2, i.version)
  str(w, 3, i.description)
  extensions(w, 7, i)
}

function namedSchema(w: BinaryWriter, field: number, name: string, schema: unknown): void {
  message(w, field, () => {
    str(w, 1, name)
    if (isObject(schema)) message(w, 2, () => schemaBody(w, schema))
  })
}

function schemaBody(w: BinaryWriter, s: Json): void {
  str(w, 1, s.$ref)
  str(w, 2, s.format)
  str(w, 3, s.title)
  str(w, 4, s.description)
  if (s.default !== undefined) any(w, 5, s.default)
  double(w, 6, s.multipleOf)
  double(w, 7, s.maximum)
  bool(w, 8, s.exclusiveMaximum)
  double(w, 9, s.minimum)
  bool(w, 10, s.exclusiveMinimum)
  int64(w, 11, s.maxLength)
  int64(w, 12, s.minLength)
  str(w, 13, s.pattern)
  int64(w, 14, s.maxItems)
  int64(w, 15, s.minItems)
  bool(w, 16, s.uniqueItems)
  int64(w, 17, s.maxProperties)
  int64(w, 18, s.minProperties)
  strings(w, 19, s.required)
  if (Array.isArray(s.enum)) for (const v of s.enum) any(w, 20, v)
  if (isObject(s.additionalProperties)) message(w, 21, () => message(w, 1, () => schemaBody(w, s.additionalProperties as Json)))
  else if (typeof s.additionalProperties === 'boolean') message(w, 21, () => w.tag(2, WireType.Varint).bool(s.additionalProperties as boolean))
  if (s.type !== undefined) message(w, 22, () => strings(w, 1, Array.isArray(s.type) ? s.type : [s.type]))
  if (isObject(s.items)) message(w, 23, () => message(w, 1, () => schemaBody(w, s.items as Json)))
  else if (Array.isArray(s.items)) message(w, 23, () => { for (const item of s.items as unknown[]) if (isObject(item)) message(w, 1, () => schemaBody(w, item)) })
  if (Array.isArray(s.allOf)) for (const part of s.allOf) if (isObject(part)) message(w, 24, () => schemaBody(w, part))
  if (isObject(s.properties)) {
    message(w, 25, () => {
      for (const [name, schema] of Object.entries(s.properties as Json)) namedSchema(w, 1, name, schema)
    })
  }
  str(w, 26, s.discriminator)
  bool(w, 27, s.readOnly)
  if (s.example !== undefined) any(w, 30, s.example)
  extensions(w, 31, s)
}

const operationFields: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 }

function paths(w: BinaryWriter, p: Json): void {
  extensions(w, 1, p)
  for (const [path, item] of Object.entries(p)) {
    if (path.startsWith('x-') || !isObject(item)) continue
    message(w, 2, () => {
      str(w, 1, path)
      message(w, 2, () => pathItem(w, item))
    })
  }
}

function pathItem(w: BinaryWriter, item: Json): void {
  str(w, 1, item.$ref)
  for (const [method, field] of Object.entries(operationFields)) {
    if (isObject(item[method])) message(w, field, () => operation(w, item[method] as Json))
  }
  parameters(w, 9, item.parameters)
  extensions(w, 10, item)
}

function operation(w: BinaryWriter, op: Json): void {
  strings(w, 1, op.tags)
  str(w, 2, op.summary)
  str(w, 3, op.description)
  str(w, 5, op.operationId)
  strings(w, 6, op.produces)
  strings(w, 7, op.consumes)
  parameters(w, 8, op.parameters)
  if (isObject(op.responses)) message(w, 9, () => responses(w, op.responses as Json))
  strings(w, 10, op.schemes)
  bool(w, 11, op.deprecated)
  extensions(w, 13, op)
}

/** A list of ParametersItem: a $ref, a body parameter or a non-body one. */
function parameters(w: BinaryWriter, field: number, list: unknown): void {
  if (!Array.isArray(list)) return
  for (const p of list) {
    if (!isObject(p)) continue
    message(w, field, () => {
      if (typeof p.$ref === 'string') {
        message(w, 2, () => {
          str(w, 1, p.$ref)
          str(w, 2, p.description)
        })
        return
      }
      message(w, 1, () => (p.in === 'body' ? message(w, 1, () => bodyParameter(w, p)) : message(w, 2, () => nonBodyParameter(w, p))))
    })
  }
}

function bodyParameter(w: BinaryWriter, p: Json): void {
  str(w, 1, p.description)
  str(w, 2, p.name)
  str(w, 3, p.in)
  bool(w, 4, p.required)
  if (isObject(p.schema)) message(w, 5, () => schemaBody(w, p.schema as Json))
  extensions(w, 6, p)
}

// header, formData, query and path sub-schemas share their first four fields;
// query and formData have allowEmptyValue at 5, which moves the rest by one.
const nonBodyKinds: Record<string, { field: number; shift: number }> = {
  header: { field: 1, shift: 0 },
  formData: { field: 2, shift: 1 },
  query: { field: 3, shift: 1 },
  path: { field: 4, shift: 0 },
}

function nonBodyParameter(w: BinaryWriter, p: Json): void {
  const kind = nonBodyKinds[String(p.in)]
  if (!kind) return
  message(w, kind.field, () => {
    const at = (n: number) => n + kind.shift
    bool(w, 1, p.required)
    str(w, 2, p.in)
    str(w, 3, p.description)
    str(w, 4, p.name)
    if (kind.shift === 1) bool(w, 5, p.allowEmptyValue)
    str(w, at(5), p.type)
    str(w, at(6), p.format)
    str(w, at(8), p.collectionFormat)
    if (p.default !== undefined) any(w, at(9), p.default)
    double(w, at(10), p.maximum)
    bool(w, at(11), p.exclusiveMaximum)
    double(w, at(12), p.minimum)
    bool(w, at(13), p.exclusiveMinimum)
    int64(w, at(14), p.maxLength)
    int64(w, at(15), p.minLength)
    str(w, at(16), p.pattern)
    int64(w, at(17), p.maxItems)
    int64(w, at(18), p.minItems)
    bool(w, at(19), p.uniqueItems)
    if (Array.isArray(p.enum)) for (const v of p.enum) any(w, at(20), v)
    double(w, at(21), p.multipleOf)
    extensions(w, at(22), p)
  })
}

function responses(w: BinaryWriter, r: Json): void {
  for (const [code, response] of Object.entries(r)) {
    if (code.startsWith('x-') || !isObject(response)) continue
    message(w, 1, () => {
      str(w, 1, code)
      message(w, 2, () => {
        if (typeof response.$ref === 'string') {
          message(w, 2, () => str(w, 1, response.$ref))
          return
        }
        message(w, 1, () => {
          str(w, 1, response.description)
          if (isObject(response.schema)) message(w, 2, () => message(w, 1, () => schemaBody(w, response.schema as Json)))
          extensions(w, 5, response)
        })
      })
    })
  }
  extensions(w, 2, r)
}
