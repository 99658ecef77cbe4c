// Go's encoding/json rules applied to decoded messages. Bodies are built with
// the library's writer; field numbers come from the generated tables.
import { BinaryWriter } from '@bufbuild/protobuf/wire'
import { describe, expect, it } from 'vitest'
import { messageOf } from './message-table.ts'
import { messageToJson } from './message-json.ts'
import { decodeMessage, ProtobufError } from './wire-decoder.ts'
import { formatGoDuration } from './go-duration.ts'

const length = 2
const varint = 0

function n(message: string, protoName: string): number {
  const field = messageOf(message).fields.find((f) => f.protoName === protoName)
  if (!field) throw new Error(`${message} has no field ${protoName}`)
  return field.number
}

/** Writes a message with a callback that gets the writer and the message's field-number lookup. */
function build(message: string, write: (w: BinaryWriter, f: (protoName: string) => number) => void): Uint8Array {
  const w = new BinaryWriter()
  write(w, (name) => n(message, name))
  return w.finish()
}

function toJson(message: string, bytes: Uint8Array): unknown {
  return messageToJson(messageOf(message), decodeMessage(messageOf(message), bytes))
}

const entry = (key: string, value: (w: BinaryWriter) => BinaryWriter) => value(new BinaryWriter().tag(1, length).string(key).tag(2, length)).finish()
const time = (seconds: number) => build('apis/meta/v1.Time', (w, f) => w.tag(f('seconds'), varint).int64(seconds))

describe('zero values and omitempty', () => {
  it('drops zero non-pointer fields tagged omitempty and keeps those without it', () => {
    // ContainerPort: containerPort has no omitempty, hostPort and name do.
    const bytes = build('core/v1.ContainerPort', (w, f) => w.tag(f('name'), length).string('').tag(f('hostPort'), varint).int32(0))
    expect(toJson('core/v1.ContainerPort', bytes)).toEqual({ containerPort: 0 })
  })

  it('keeps a pointer that was sent, even when it points to a zero value', () => {
    const bytes = build('apps/v1.DeploymentSpec', (w, f) => w.tag(f('replicas'), varint).int32(0))
    // selector is a pointer without omitempty: nil is written as null. template and
    // strategy are structs, written even when zero.
    expect(toJson('apps/v1.DeploymentSpec', bytes)).toEqual({ replicas: 0, selector: null, template: { metadata: {}, spec: { containers: null } }, strategy: {} })
  })

  it('writes a zero struct as {} and a nil slice without omitempty as null', () => {
    // PolicyRule.verbs has no omitempty.
    expect(toJson('rbac/v1.PolicyRule', new Uint8Array())).toEqual({ verbs: null })
    expect(toJson('core/v1.Namespace', new Uint8Array())).toEqual({ metadata: {}, spec: {}, status: {} })
  })

  it('spreads inline structs (Volume embeds VolumeSource)', () => {
    const emptyDir = build('core/v1.EmptyDirVolumeSource', (w, f) => w.tag(f('medium'), length).string('Memory'))
    const source = build('core/v1.VolumeSource', (w, f) => w.tag(f('emptyDir'), length).bytes(emptyDir))
    const bytes = build('core/v1.Volume', (w, f) => w.tag(f('name'), length).string('cache').tag(f('volumeSource'), length).bytes(source))
    expect(toJson('core/v1.Volume', bytes)).toEqual({ name: 'cache', emptyDir: { medium: 'Memory' } })
  })

  it('reads packed and unpacked repeated numbers', () => {
    const packed = build('core/v1.PodSecurityContext', (w, f) => w.tag(f('supplementalGroups'), length).bytes(new BinaryWriter().int64(1).int64(2).finish()))
    const unpacked = build('core/v1.PodSecurityContext', (w, f) => w.tag(f('supplementalGroups'), varint).int64(1).tag(f('supplementalGroups'), varint).int64(2))
    expect(toJson('core/v1.PodSecurityContext', packed)).toEqual({ supplementalGroups: [1, 2] })
    expect(toJson('core/v1.PodSecurityContext', unpacked)).toEqual({ supplementalGroups: [1, 2] })
  })

  it('merges a singular message sent twice and lets the last scalar win', () => {
    const first = build('apis/meta/v1.ObjectMeta', (w, f) => w.tag(f('name'), length).string('a').tag(f('finalizers'), length).string('x'))
    const second = build('apis/meta/v1.ObjectMeta', (w, f) => w.tag(f('name'), length).string('b').tag(f('finalizers'), length).string('y'))
    const bytes = build('core/v1.ConfigMap', (w, f) => w.tag(f('metadata'), length).bytes(first).tag(f('metadata'), length).bytes(second))
    expect(toJson('core/v1.ConfigMap', bytes)).toEqual({ metadata: { name: 'b', finalizers: ['x', 'y'] } })
  })
})

describe('maps and bytes', () => {
  it('sorts map keys and base64-encodes []byte values (Secret data, ConfigMap binaryData)', () => {
    const secret = build('core/v1.Secret', (w, f) =>
      w.tag(f('data'), length).bytes(entry('z', (e) => e.bytes(Buffer.from('last'))))
        .tag(f('data'), length).bytes(entry('a', (e) => e.bytes(Buffer.from('admin'))))
        .tag(f('type'), length).string('Opaque'))
    expect(JSON.stringify(toJson('core/v1.Secret', secret))).toBe('{"metadata":{},"data":{"a":"YWRtaW4=","z":"bGFzdA=="},"type":"Opaque"}')
    const cm = build('core/v1.ConfigMap', (w, f) => w.tag(f('binaryData'), length).bytes(entry('bin', (e) => e.bytes(Uint8Array.of(0, 1, 2, 255)))))
    expect(toJson('core/v1.ConfigMap', cm)).toEqual({ metadata: {}, binaryData: { bin: 'AAEC/w==' } })
  })

  it('writes Quantity map values as strings', () => {
    const quantity = (s: string) => build('api/resource.Quantity', (w, f) => w.tag(f('string'), length).string(s))
    const bytes = build('core/v1.ResourceRequirements', (w, f) =>
      w.tag(f('limits'), length).bytes(entry('memory', (e) => e.bytes(quantity('128Mi')))).tag(f('limits'), length).bytes(entry('cpu', (e) => e.bytes(quantity('500m')))))
    expect(toJson('core/v1.ResourceRequirements', bytes)).toEqual({ limits: { cpu: '500m', memory: '128Mi' } })
  })

  it('unwraps Go named slices (UserInfo.extra is map[string]ExtraValue)', () => {
    const items = build('authentication/v1.ExtraValue', (w, f) => w.tag(f('items'), length).string('a').tag(f('items'), length).string('b'))
    const bytes = build('authentication/v1.UserInfo', (w, f) => w.tag(f('username'), length).string('alice').tag(f('extra'), length).bytes(entry('scopes', (e) => e.bytes(items))))
    expect(toJson('authentication/v1.UserInfo', bytes)).toEqual({ username: 'alice', extra: { scopes: ['a', 'b'] } })
  })
})

describe('types with their own JSON form', () => {
  it('writes metav1.Time as RFC 3339 seconds and leaves the zero time out or null', () => {
    const meta = build('apis/meta/v1.ObjectMeta', (w, f) =>
      w.tag(f('creationTimestamp'), length).bytes(new Uint8Array()).tag(f('deletionTimestamp'), length).bytes(time(1700000000)))
    // creationTimestamp is omitzero; deletionTimestamp a pointer.
    expect(toJson('apis/meta/v1.ObjectMeta', meta)).toEqual({ deletionTimestamp: '2023-11-14T22:13:20Z' })
    const withCreation = build('apis/meta/v1.ObjectMeta', (w, f) => w.tag(f('creationTimestamp'), length).bytes(time(0)))
    expect(toJson('apis/meta/v1.ObjectMeta', withCreation)).toEqual({ creationTimestamp: '1970-01-01T00:00:00Z' })
    // A non-pointer Time with plain omitempty is a struct to Go: written, as null.
    expect(toJson('core/v1.NamespaceCondition', new Uint8Array())).toEqual({ type: '', status: '', lastTransitionTime: null })
  })

  it('writes MicroTime with microseconds', () => {
    const micro = build('apis/meta/v1.MicroTime', (w, f) => w.tag(f('seconds'), varint).int64(1700000000).tag(f('nanos'), varint).int32(123456789))
    const bytes = build('coordination/v1.LeaseSpec', (w, f) => w.tag(f('renewTime'), length).bytes(micro))
    expect(toJson('coordination/v1.LeaseSpec', bytes)).toEqual({ renewTime: '2023-11-14T22:13:20.123456Z' })
  })

  it('writes IntOrString as a number or a string', () => {
    const str = build('util/intstr.IntOrString', (w, f) => w.tag(f('type'), varint).int64(1).tag(f('strVal'), length).string('http'))
    const int = build('util/intstr.IntOrString', (w, f) => w.tag(f('type'), varint).int64(0).tag(f('intVal'), varint).int32(8080))
    const port = (target: Uint8Array) => build('core/v1.ServicePort', (w, f) => w.tag(f('port'), varint).int32(80).tag(f('targetPort'), length).bytes(target))
    expect(toJson('core/v1.ServicePort', port(str))).toEqual({ port: 80, targetPort: 'http' })
    expect(toJson('core/v1.ServicePort', port(int))).toEqual({ port: 80, targetPort: 8080 })
  })

  it('embeds RawExtension bytes as JSON', () => {
    const raw = build('runtime.RawExtension', (w, f) => w.tag(f('raw'), length).bytes(Buffer.from('{"spec":{"x":1}}')))
    const bytes = build('apps/v1.ControllerRevision', (w, f) => w.tag(f('data'), length).bytes(raw).tag(f('revision'), varint).int64(3))
    expect(toJson('apps/v1.ControllerRevision', bytes)).toEqual({ metadata: {}, data: { spec: { x: 1 } }, revision: 3 })
    const bad = build('apps/v1.ControllerRevision', (w, f) => w.tag(f('data'), length).bytes(build('runtime.RawExtension', (r, g) => r.tag(g('raw'), length).bytes(Uint8Array.of(1, 2)))))
    expect(() => toJson('apps/v1.ControllerRevision', bad)).toThrow(ProtobufError)
  })

  it('keeps int64 values as numbers', () => {
    const bytes = build('apis/meta/v1.ObjectMeta', (w, f) => w.tag(f('generation'), varint).int64(9007199254740991))
    expect(toJson('apis/meta/v1.ObjectMeta', bytes)).toEqual({ generation: 9007199254740991 })
  })
})

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ns'],
    [1_500, '1.5µs'],
    [2_000_000, '2ms'],
    [1_500_000_000, '1.5s'],
    [3_723_000_000_000, '1h2m3s'],
    [-60_000_000_000, '-1m0s'],
    [3_600_000_000_000, '1h0m0s'],
  ])('%d ns is %s', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text)
  })
})
