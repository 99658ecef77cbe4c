import { describe, expect, it } from 'vitest'
import { applyJsonPatch, maxJsonPatchOperations } from './json-patch.ts'
import type { JsonValue } from './json-value.ts'
import { PatchError } from './patch-error.ts'

const pod = (): JsonValue => ({
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'example.com/owner': 'team-a', 'm~n': 'x' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }, { name: 'd', image: 'busybox' }] },
})

function patchError(run: () => unknown): PatchError {
  try {
    run()
  } catch (err) {
    if (err instanceof PatchError) return err
    throw err
  }
  throw new Error('expected a PatchError')
}

describe('applyJsonPatch operations', () => {
  it('adds members, array items at an index and at the end with "-"', () => {
    const out = applyJsonPatch(pod(), [
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
      { op: 'add', path: '/spec/containers/1', value: { name: 'x', image: 'x' } },
      { op: 'add', path: '/spec/containers/-', value: { name: 'z', image: 'z' } },
    ]) as any
    expect(out.metadata.labels).toEqual({ app: 'web', tier: 'fe' })
    expect(out.spec.containers.map((c: any) => c.name)).toEqual(['c', 'x', 'd', 'z'])
  })

  it('removes, replaces, moves and copies', () => {
    const out = applyJsonPatch(pod(), [
      { op: 'remove', path: '/spec/containers/1' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.28' },
      { op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/role' },
      { op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' },
    ]) as any
    expect(out.metadata.labels).toEqual({ role: 'web' })
    expect(out.spec.containers).toEqual([{ name: 'c', image: 'nginx:1.28' }, { name: 'c', image: 'nginx:1.28' }])
    // A copy is a copy, not a second reference.
    expect(out.spec.containers[0]).not.toBe(out.spec.containers[1])
  })

  it('unescapes ~1 to / and ~0 to ~ in pointers', () => {
    const out = applyJsonPatch(pod(), [
      { op: 'replace', path: '/metadata/annotations/example.com~1owner', value: 'team-b' },
      { op: 'remove', path: '/metadata/annotations/m~0n' },
    ]) as any
    expect(out.metadata.annotations).toEqual({ 'example.com/owner': 'team-b' })
  })

  it('counts negative indexes from the end, as evanphx/json-patch does', () => {
    const out = applyJsonPatch(pod(), [{ op: 'remove', path: '/spec/containers/-1' }]) as any
    expect(out.spec.containers.map((c: any) => c.name)).toEqual(['c'])
  })

  it('replaces a missing object member by adding it, as kube-apiserver does', () => {
    const out = applyJsonPatch(pod(), [{ op: 'replace', path: '/metadata/labels/tier', value: 'fe' }]) as any
    expect(out.metadata.labels.tier).toBe('fe')
  })

  it('replaces the whole document with path ""', () => {
    expect(applyJsonPatch(pod(), [{ op: 'replace', path: '', value: { a: 1 } }])).toEqual({ a: 1 })
  })

  it('passes test ops that match, member order aside', () => {
    const ops = [
      { op: 'test', path: '/metadata/labels', value: { app: 'web' } },
      { op: 'test', path: '/spec/containers/0', value: { image: 'nginx:1.27', name: 'c' } },
      { op: 'test', path: '/metadata/labels/missing', value: null },
    ]
    expect(applyJsonPatch(pod(), ops)).toEqual(pod())
  })

  it('never mutates the document or the operations', () => {
    const doc = pod()
    const value = { name: 'n', image: 'n' }
    const ops = [{ op: 'add', path: '/spec/containers/-', value }]
    const out = applyJsonPatch(doc, ops) as any
    expect(doc).toEqual(pod())
    expect(out.spec.containers[2]).not.toBe(value)
  })

  it('treats a null body as an empty patch', () => {
    expect(applyJsonPatch(pod(), null)).toEqual(pod())
  })
})

describe('applyJsonPatch failures', () => {
  it('fails a test op with 422 Invalid and applies nothing', () => {
    const doc = pod()
    const err = patchError(() =>
      applyJsonPatch(doc, [
        { op: 'replace', path: '/metadata/labels/app', value: 'api' },
        { op: 'test', path: '/metadata/labels/app', value: 'web' },
      ]),
    )
    expect(err.reason).toBe('Invalid')
    expect(err.message).toBe('testing value /metadata/labels/app failed: test failed')
    expect(doc).toEqual(pod())
    expect(err.toStatusError().status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    })
  })

  it.each([
    [{ op: 'add', path: '/spec/nothing/here', value: 1 }, 'add operation does not apply: doc is missing path: "/spec/nothing/here"'],
    [{ op: 'remove', path: '/metadata/labels/tier' }, "error in remove for path: '/metadata/labels/tier': Unable to remove nonexistent key: tier: missing value"],
    [{ op: 'remove', path: '/spec/containers/5' }, "error in remove for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced"],
    [{ op: 'replace', path: '/spec/containers/2', value: {} }, 'replace operation does not apply: doc is missing key: /spec/containers/2: missing value'],
    [{ op: 'add', path: '/spec/containers/x', value: {} }, `error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`],
    [{ op: 'move', from: '/nope/a', path: '/b' }, 'move operation does not apply: doc is missing from path: /nope/a'],
    [{ op: 'copy', from: '/metadata/nope', path: '/b' }, 'copy operation does not apply: doc is missing from path: /metadata/nope'],
    [{ op: 'test', path: '/metadata/labels/app', value: 'api' }, 'testing value /metadata/labels/app failed: test failed'],
    [{ op: 'frob', path: '/a' }, 'Unexpected kind: frob'],
    [{ path: '/a' }, 'Unexpected kind: unknown'],
  ])('refuses %j with 422: %s', (op, message) => {
    const err = patchError(() => applyJsonPatch(pod(), [op]))
    expect([err.reason, err.code, err.message]).toEqual(['Invalid', 422, message])
  })

  it('answers a body that is not an array of objects with 400 BadRequest', () => {
    const notArray = patchError(() => applyJsonPatch(pod(), { op: 'add', path: '/a', value: 1 }))
    expect([notArray.code, notArray.message]).toEqual([400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'])
    const notObject = patchError(() => applyJsonPatch(pod(), ['add']))
    expect(notObject.message).toBe('json: cannot unmarshal string into Go value of type jsonpatch.Operation')
    expect(notObject.toStatusError().status).toMatchObject({ code: 400, reason: 'BadRequest', message: notObject.message })
  })

  it('answers more than 10000 operations with 413', () => {
    const ops = Array.from({ length: maxJsonPatchOperations + 1 }, () => ({ op: 'test', path: '/metadata/name', value: 'web' }))
    const err = patchError(() => applyJsonPatch(pod(), ops))
    expect(err.code).toBe(413)
    expect(err.toStatusError().status).toMatchObject({
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    })
  })
})
