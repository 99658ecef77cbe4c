// Body decoding by Content-Type, protobuf included, and upstream's wording
// for bodies that cannot be decoded.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BinaryWriter } from '@bufbuild/protobuf/wire'
import { describe, expect, it } from 'vitest'
import { StatusError } from '../status-error.ts'
import { messageOf } from '../protobuf/message-table.ts'
import { decodeDocument, decodeObject } from './request-body.ts'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'kubectl-protobuf')
const protobuf = 'application/vnd.kubernetes.protobuf'

/** A field's number, from the generated tables. */
const numberOf = (message: string, protoName: string) => messageOf(message).fields.find((f) => f.protoName === protoName)!.number

function statusOf(fn: () => unknown) {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError)
    return (err as StatusError).status
  }
  throw new Error('no error')
}

describe('decodeObject', () => {
  it('decodes a protobuf body into the JSON object', () => {
    const body = readFileSync(join(fixtures, 'configmap.kubectl-1.35.pb'))
    expect(decodeObject(body, protobuf)).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm1' }, data: { a: 'b', c: 'd' } })
    expect(decodeObject(body, `${protobuf}; charset=binary`)).toMatchObject({ kind: 'ConfigMap' })
  })

  it('words malformed protobuf as upstream create does', () => {
    // The object's bytes are cut short inside an intact envelope: the envelope named the kind.
    const raw = new BinaryWriter().tag(numberOf('apps/v1.Deployment', 'metadata'), 2).bytes(Uint8Array.of(0x0a, 0x05, 0x61)).finish()
    const typeMeta = new BinaryWriter().tag(numberOf('runtime.TypeMeta', 'apiVersion'), 2).string('apps/v1').tag(numberOf('runtime.TypeMeta', 'kind'), 2).string('Deployment').finish()
    const unknown = new BinaryWriter().tag(numberOf('runtime.Unknown', 'typeMeta'), 2).bytes(typeMeta).tag(numberOf('runtime.Unknown', 'raw'), 2).bytes(raw).finish()
    const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown])
    expect(statusOf(() => decodeObject(body, protobuf, 'Deployment'))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: unexpected EOF',
    })
    // The envelope itself is cut short: nothing is known, upstream shows the first bytes.
    const truncated = readFileSync(join(fixtures, 'deployment.kubectl-1.35.pb')).subarray(0, 100)
    expect(statusOf(() => decodeObject(truncated, protobuf, 'Deployment')).message).toBe(
      `the object provided is unrecognized (must be of type Deployment): unexpected EOF (${truncated.subarray(0, 30).toString('hex')} ...)`,
    )
    expect(statusOf(() => decodeObject(Buffer.from('{"kind":"Deployment"}'), protobuf, 'Deployment')).message).toBe(
      'the object provided is unrecognized (must be of type Deployment): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"Deployment"})',
    )
    expect(statusOf(() => decodeObject(Buffer.alloc(0), protobuf, 'Deployment')).message).toBe('the object provided is unrecognized (must be of type Deployment): empty data (<empty>)')
  })

  it('names an unregistered kind with the kind the URL wants', () => {
    const body = readFileSync(join(fixtures, 'configmap.kubectl-1.35.pb'))
    // Rewrite "ConfigMap" in the envelope into a kind of the same length that does not exist.
    const renamed = Buffer.from(body.toString('latin1').replace('ConfigMap', 'ConfigMaq'), 'latin1')
    expect(statusOf(() => decodeObject(renamed, protobuf, 'ConfigMap')).message).toBe(
      'ConfigMaq in version "v1" cannot be handled as a ConfigMap: no kind "ConfigMaq" is registered for version "v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"',
    )
  })

  it('answers 415 for media types it does not decode', () => {
    expect(statusOf(() => decodeDocument(Buffer.from('x'), 'application/cbor'))).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' })
  })
})
