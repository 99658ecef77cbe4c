// Bodies captured from real kubectl 1.32 and 1.35 (../shared/fixtures/kubectl-protobuf)
// must decode to the JSON the same command prints with --dry-run=client -o json.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BinaryWriter } from '@bufbuild/protobuf/wire'
import { describe, expect, it } from 'vitest'
import { decodeProtobufObject, ProtobufDecodeError } from './decode-object.ts'
import { messageOf } from './message-table.ts'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'kubectl-protobuf')
const bodies = readdirSync(fixtures)
  .filter((f) => f.endsWith('.pb'))
  .map((file) => ({ file, name: file.replace(/\.kubectl-[\d.]+\.pb$/, ''), kubectl: /kubectl-([\d.]+)\.pb$/.exec(file)![1] }))

const expectedJson = (name: string) => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8'))

/** The field number of a message's field, read from the generated tables. */
function numberOf(message: string, protoName: string): number {
  return messageOf(message).fields.find((f) => f.protoName === protoName)!.number
}

/** An envelope: "k8s\0" + runtime.Unknown {typeMeta, raw}. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const typeMeta = new BinaryWriter()
    .tag(numberOf('runtime.TypeMeta', 'apiVersion'), 2).string(apiVersion)
    .tag(numberOf('runtime.TypeMeta', 'kind'), 2).string(kind)
    .finish()
  const unknown = new BinaryWriter()
    .tag(numberOf('runtime.Unknown', 'typeMeta'), 2).bytes(typeMeta)
    .tag(numberOf('runtime.Unknown', 'raw'), 2).bytes(raw)
    .finish()
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...unknown])
}

describe('bodies captured from kubectl', () => {
  it('holds both kubectl versions of all nineteen commands', () => {
    expect(bodies).toHaveLength(38)
  })

  it.each(bodies)('$name (kubectl $kubectl) decodes to the JSON kubectl prints', ({ file, name }) => {
    const decoded = decodeProtobufObject(readFileSync(join(fixtures, file)))
    const want = expectedJson(name)
    if (name === 'job') {
      // The captured job body was recorded with `--dry-run=client -o json`
      // after `--`, so kubectl sent those words as part of the command.
      want.spec.template.spec.containers[0].command.push('--dry-run=client', '-o', 'json')
    }
    expect(decoded).toEqual(want)
    // Key order too: kind and apiVersion first, then Go's field order.
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(want))
  })

  it('keeps int64 fields as numbers and IntOrString as number or string', () => {
    const pdb = decodeProtobufObject(readFileSync(join(fixtures, 'pdb.kubectl-1.35.pb')))
    expect((pdb.spec as { minAvailable: unknown }).minAvailable).toBe(1)
    const svc = decodeProtobufObject(readFileSync(join(fixtures, 'service-nodeport.kubectl-1.35.pb')))
    expect((svc.spec as { ports: { nodePort: number; targetPort: unknown }[] }).ports[0]).toMatchObject({ nodePort: 30080, targetPort: 80 })
  })
})

describe('the envelope', () => {
  const decodeError = (body: Uint8Array) => {
    try {
      decodeProtobufObject(body)
    } catch (err) {
      expect(err).toBeInstanceOf(ProtobufDecodeError)
      return err as ProtobufDecodeError
    }
    throw new Error('decoded')
  }

  it('rejects bodies without the k8s\\0 prefix, as upstream words it', () => {
    expect(decodeError(new Uint8Array()).message).toBe('empty data')
    expect(decodeError(Buffer.from('{"kind":"ConfigMap"}')).message).toBe('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]')
    expect(decodeError(Uint8Array.of(0x6b, 0x38, 0x73, 0x00)).message).toBe('empty body')
  })

  it('rejects a truncated envelope', () => {
    const body = envelope('v1', 'ConfigMap', new Uint8Array())
    const err = decodeError(body.subarray(0, body.length - 3))
    expect(err.message).toBe('unexpected EOF')
    expect(err.typeMeta).toBeUndefined()
  })

  it('names the kind when the object itself is malformed', () => {
    const raw = new BinaryWriter().tag(numberOf('core/v1.ConfigMap', 'metadata'), 2).bytes(Uint8Array.of(0x0a, 0x05, 0x61)).finish()
    const err = decodeError(envelope('v1', 'ConfigMap', raw))
    expect(err.message).toBe('unexpected EOF')
    expect(err.typeMeta).toEqual({ apiVersion: 'v1', kind: 'ConfigMap' })
  })

  it('rejects a field sent with the wrong wire type', () => {
    const raw = new BinaryWriter().tag(numberOf('core/v1.ConfigMap', 'metadata'), 0).int32(1).finish()
    expect(decodeError(envelope('v1', 'ConfigMap', raw)).message).toBe('proto: wrong wireType = 0 for field metadata')
  })

  it('rejects kinds the API does not have', () => {
    const err = decodeError(envelope('apps/v1', 'Widget', new Uint8Array()))
    expect(err.message).toBe('no kind "Widget" is registered for version "apps/v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"')
    expect(err.typeMeta).toEqual({ apiVersion: 'apps/v1', kind: 'Widget' })
    // A message that exists but is no kind (no TypeMeta) is not registered either.
    expect(decodeError(envelope('apps/v1', 'DeploymentSpec', new Uint8Array())).message).toContain('no kind "DeploymentSpec"')
  })

  it('needs kind and apiVersion', () => {
    expect(decodeError(envelope('v1', '', new Uint8Array())).message).toBe(`Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`)
    expect(decodeError(envelope('', 'ConfigMap', new Uint8Array())).message).toBe(`Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"ConfigMap"}'`)
  })

  it('decodes meta.k8s.io kinds sent under any group-version (DeleteOptions)', () => {
    const raw = new BinaryWriter().tag(numberOf('apis/meta/v1.DeleteOptions', 'propagationPolicy'), 2).string('Foreground').finish()
    expect(decodeProtobufObject(envelope('v1', 'DeleteOptions', raw))).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' })
  })

  it('ignores fields it does not know, of every wire type', () => {
    const raw = new BinaryWriter()
      .tag(900, 0).int32(7)
      .tag(901, 1).fixed64(1)
      .tag(902, 2).string('x')
      .tag(903, 5).fixed32(1)
      .tag(numberOf('core/v1.ConfigMap', 'data'), 2).bytes(new BinaryWriter().tag(1, 2).string('a').tag(2, 2).string('b').finish())
      .finish()
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: {}, data: { a: 'b' } })
  })
})

describe('malformed object bytes', () => {
  const decode = (raw: Uint8Array) => () => decodeProtobufObject(envelope('v1', 'ConfigMap', raw))
  it.each([
    ['an illegal wire type', Uint8Array.of(0x0e, 0x00), 'proto: illegal wireType 6'],
    ['field number 0', Uint8Array.of(0x00, 0x00), 'proto: ConfigMap: illegal tag 0 (wire type 0)'],
    ['a stray end-group', Uint8Array.of(0x0c), 'proto: ConfigMap: wiretype end group for non-group'],
    // immutable, a bool, as a varint of eleven bytes
    ['a varint longer than ten bytes', Uint8Array.of((numberOf('core/v1.ConfigMap', 'immutable') << 3) | 0, ...new Array(11).fill(0xff)), 'proto: integer overflow'],
    ['a length past the end', Uint8Array.of((numberOf('core/v1.ConfigMap', 'data') << 3) | 2, 0x10, 0x0a), 'unexpected EOF'],
  ])('rejects %s', (_what, raw, message) => {
    expect(decode(raw)).toThrow(expect.objectContaining({ message, typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' } }))
  })
})
