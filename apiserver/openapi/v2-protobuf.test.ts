import { BinaryReader, WireType } from '@bufbuild/protobuf/wire'
import { describe, expect, it } from 'vitest'
import { acceptsOpenApiV2Protobuf, encodeSwaggerDocument } from './v2-protobuf.ts'

/** Fields of one message: number → raw values (bytes for length-delimited, numbers for varints). */
function fields(bytes: Uint8Array): Map<number, unknown[]> {
  const reader = new BinaryReader(bytes)
  const out = new Map<number, unknown[]>()
  while (reader.pos < reader.len) {
    const [no, type] = reader.tag()
    const value = type === WireType.LengthDelimited ? reader.bytes() : type === WireType.Bit64 ? reader.double() : reader.uint64()
    out.set(no, [...(out.get(no) ?? []), value])
  }
  return out
}
const text = (b: unknown) => new TextDecoder().decode(b as Uint8Array)
const one = (m: Map<number, unknown[]>, no: number) => m.get(no)?.[0] as Uint8Array

describe('the Swagger document as gnostic protobuf', () => {
  const doc = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.34.0' },
    paths: {
      '/api/v1/namespaces/{namespace}/pods': {
        get: { operationId: 'listCoreV1NamespacedPod', parameters: [{ in: 'query', name: 'limit', type: 'integer', uniqueItems: true }], responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.PodList' } } }, 'x-kubernetes-action': 'list' },
        parameters: [{ in: 'path', name: 'namespace', required: true, type: 'string' }],
      },
    },
    definitions: {
      'io.k8s.api.core.v1.Pod': {
        type: 'object',
        required: ['spec'],
        properties: { spec: { $ref: '#/definitions/io.k8s.api.core.v1.PodSpec' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
        'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }],
      },
    },
  }
  const top = fields(encodeSwaggerDocument(doc))

  it('writes swagger and info at their field numbers', () => {
    expect(text(one(top, 1))).toBe('2.0')
    const info = fields(one(top, 2))
    expect([text(one(info, 1)), text(one(info, 2))]).toEqual(['Kubernetes', 'v1.34.0'])
  })

  it('writes each definition as a named schema with its type, required, properties and extensions as YAML', () => {
    const named = fields(one(fields(one(top, 9)), 1))
    expect(text(one(named, 1))).toBe('io.k8s.api.core.v1.Pod')
    const schema = fields(one(named, 2))
    expect(text(one(fields(one(schema, 22)), 1))).toBe('object')
    expect(text(one(schema, 19))).toBe('spec')
    const properties = (fields(one(schema, 25)).get(1) as Uint8Array[]).map(fields)
    expect(properties.map((p) => text(one(p, 1)))).toEqual(['spec', 'labels'])
    expect(text(one(fields(one(properties[0], 2)), 1))).toBe('#/definitions/io.k8s.api.core.v1.PodSpec')
    const additional = fields(one(fields(one(properties[1], 2)), 21))
    expect(text(one(fields(one(fields(one(additional, 1)), 22)), 1))).toBe('string')
    const extension = fields(one(schema, 31))
    expect(text(one(extension, 1))).toBe('x-kubernetes-group-version-kind')
    expect(JSON.parse(text(one(fields(one(extension, 2)), 2)))).toEqual([{ group: '', kind: 'Pod', version: 'v1' }])
  })

  it('writes paths with operations, query and path parameters and responses', () => {
    const namedPath = fields(one(fields(one(top, 8)), 2))
    expect(text(one(namedPath, 1))).toBe('/api/v1/namespaces/{namespace}/pods')
    const item = fields(one(namedPath, 2))
    const get = fields(one(item, 2))
    expect(text(one(get, 5))).toBe('listCoreV1NamespacedPod')
    // ParametersItem → Parameter → NonBodyParameter → QueryParameterSubSchema (field 3)
    const query = fields(one(fields(one(fields(one(fields(one(get, 8)), 1)), 2)), 3))
    expect([text(one(query, 2)), text(one(query, 4)), text(one(query, 6)), query.get(20)]).toEqual(['query', 'limit', 'integer', [1n]])
    const path = fields(one(fields(one(fields(one(fields(one(item, 9)), 1)), 2)), 4))
    expect([path.get(1), text(one(path, 2)), text(one(path, 5))]).toEqual([[1n], 'path', 'string'])
    const response = fields(one(fields(one(fields(one(get, 9)), 1)), 2))
    const ok = fields(one(response, 1))
    expect(text(one(ok, 1))).toBe('OK')
    expect(text(one(fields(one(fields(one(ok, 2)), 1)), 1))).toBe('#/definitions/io.k8s.api.core.v1.PodList')
  })

  it('is what kubectl asks for', () => {
    expect(acceptsOpenApiV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toBe(true)
    expect(acceptsOpenApiV2Protobuf('application/json')).toBe(false)
    expect(acceptsOpenApiV2Protobuf(undefined)).toBe(false)
  })
})
