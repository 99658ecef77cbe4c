import { describe, expect, it } from 'vitest'
import { StatusError } from '../status-error.ts'
import { addWarnings, jsonText, parseFieldValidation, unknownFields, validatePatchedObject, validateRequestObject, warningHeader } from './field-validation.ts'
import { schemaFor } from './kind-schema.ts'

const deploymentGvk = { group: 'apps', version: 'v1', kind: 'Deployment' }
const podGvk = { group: '', version: 'v1', kind: 'Pod' }

function deployment(extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { 'any-key': 'v' }, annotations: { a: 'b' }, managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] },
    spec: {
      ...extra,
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1', 'example.com/gpu': 2 } }, ports: [{ containerPort: 80 }], ...container }] },
      },
    },
    status: { replicas: 1 },
  }
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn()
  } catch (err) {
    if (err instanceof StatusError) return err
    throw err
  }
  throw new Error('expected a StatusError')
}

describe('parseFieldValidation', () => {
  it('defaults to Warn, as upstream', () => {
    expect(parseFieldValidation(undefined, 'CreateOptions')).toBe('Warn')
    expect(parseFieldValidation('', 'CreateOptions')).toBe('Warn')
    expect(parseFieldValidation('Strict', 'PatchOptions')).toBe('Strict')
    expect(parseFieldValidation('Ignore', 'UpdateOptions')).toBe('Ignore')
  })

  it('rejects other values with the options kind in a 422', () => {
    const err = thrown(() => parseFieldValidation('strict', 'CreateOptions'))
    expect(err.status.code).toBe(422)
    expect(err.status.message).toBe('CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"')
  })
})

describe('unknownFields', () => {
  const root = schemaFor(deploymentGvk)!.root

  it('accepts every known field, maps of any keys, quantities, int-or-strings and open content', () => {
    expect(unknownFields(root, deployment(), false)).toEqual([])
  })

  it('names unknown fields by path, list indexes included, in document order', () => {
    const obj = deployment({ foo: 1 }, { bar: { x: 1 } })
    ;(obj.metadata as Record<string, unknown>).nope = true
    expect(unknownFields(root, obj, false)).toEqual(['unknown field "metadata.nope"', 'unknown field "spec.foo"', 'unknown field "spec.template.spec.containers[0].bar"'])
  })

  it('prunes unknown fields when asked', () => {
    const obj = deployment({ foo: 1 }, { bar: 2 })
    unknownFields(root, obj, true)
    expect(obj).toEqual(deployment())
  })

  it('leaves values of the wrong type to validation', () => {
    expect(unknownFields(root, { spec: 'text', metadata: [] }, false)).toEqual([])
  })
})

describe('validateRequestObject', () => {
  it('Strict: the 400 upstream answers, every field in one message', () => {
    const obj = deployment({ foo: 1 }, { bar: 2 })
    const err = thrown(() => validateRequestObject(deploymentGvk, 'Strict', obj))
    expect(err.status.code).toBe(400)
    expect(err.status.reason).toBe('BadRequest')
    expect(err.status.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"')
  })

  it('Strict: reports duplicate keys of the JSON body', () => {
    const text = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","name":"q"},"spec":{"containers":[]}}'
    const err = thrown(() => validateRequestObject(podGvk, 'Strict', JSON.parse(text), text))
    expect(err.status.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "metadata.name"')
  })

  it('Warn: one warning per field, and the fields dropped', () => {
    const obj = deployment({ foo: 1 })
    expect(validateRequestObject(deploymentGvk, 'Warn', obj)).toEqual(['unknown field "spec.foo"'])
    expect(obj).toEqual(deployment())
  })

  it('Ignore: silence, and the fields dropped', () => {
    const obj = deployment({ foo: 1 })
    const text = JSON.stringify(obj).replace('"replicas":1', '"replicas":1,"replicas":1')
    expect(validateRequestObject(deploymentGvk, 'Ignore', obj, text)).toEqual([])
    expect(obj).toEqual(deployment())
  })

  it('kinds without a schema keep what they get', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { anything: 1 } }
    expect(validateRequestObject({ group: 'example.com', version: 'v1', kind: 'Widget' }, 'Strict', obj)).toEqual([])
  })
})

describe('validatePatchedObject', () => {
  it('Strict: a 422 on the field patch, with the patched JSON', () => {
    const patched = deployment({ foo: 1 })
    const err = thrown(() => validatePatchedObject(deploymentGvk, 'Strict', patched, 'application/merge-patch+json', { spec: { foo: 1 } }))
    expect(err.status.code).toBe(422)
    expect(err.status.message).toBe(` "" is invalid: patch: Invalid value: ${JSON.stringify(JSON.stringify(patched))}: strict decoding error: unknown field "spec.foo"`)
    expect(err.status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'patch', message: expect.stringContaining('strict decoding error: unknown field "spec.foo"') }])
  })

  it('Strict: a strategic merge patch is shown the way Go prints it', () => {
    const err = thrown(() => validatePatchedObject(deploymentGvk, 'Strict', deployment({ foo: 1 }), 'application/strategic-merge-patch+json', { spec: { foo: 1, replicas: 2 } }))
    expect(err.status.message).toBe(' "" is invalid: patch: Invalid value: "map[spec:map[foo:1 replicas:2]]": strict decoding error: unknown field "spec.foo"')
  })

  it('duplicates are looked for in the patch body', () => {
    expect(validatePatchedObject(deploymentGvk, 'Warn', deployment(), 'application/merge-patch+json', {}, '{"spec":{"replicas":1,"replicas":2}}')).toEqual(['duplicate field "spec.replicas"'])
  })

  it('Warn and Ignore drop the unknown fields of the result; apply patches are left to server-side apply', () => {
    const warned = deployment({ foo: 1 })
    expect(validatePatchedObject(deploymentGvk, 'Warn', warned, 'application/json-patch+json', [])).toEqual(['unknown field "spec.foo"'])
    expect(warned).toEqual(deployment())
    const ignored = deployment({ foo: 1 })
    expect(validatePatchedObject(deploymentGvk, 'Ignore', ignored, 'application/json-patch+json', [])).toEqual([])
    expect(ignored).toEqual(deployment())
    expect(validatePatchedObject(deploymentGvk, 'Strict', deployment({ foo: 1 }), 'application/apply-patch+yaml', {})).toEqual([])
  })
})

describe('warnings', () => {
  it('formats upstream Warning headers, escaped and deduplicated', () => {
    expect(warningHeader('unknown field "spec.foo"')).toBe('299 - "unknown field \\"spec.foo\\""')
    const headers: Record<string, string[]> = {}
    const reply = { header: (name: string, value: string[]) => (headers[name] = value), getHeader: (name: string) => headers[name] }
    addWarnings(reply, ['a', 'b', 'a'])
    expect(headers).toEqual({ warning: ['299 - "a"', '299 - "b"'] })
    addWarnings(reply, ['b', 'c'])
    expect(headers).toEqual({ warning: ['299 - "a"', '299 - "b"', '299 - "c"'] })
    addWarnings({ header: () => expect.unreachable(), getHeader: () => undefined }, [])
  })

  it('reads JSON bodies only', () => {
    expect(jsonText(Buffer.from('{}'), 'application/json; charset=utf-8')).toBe('{}')
    expect(jsonText(Buffer.from('{}'), 'application/merge-patch+json')).toBe('{}')
    expect(jsonText(Buffer.from('a: 1'), 'application/yaml')).toBeUndefined()
    expect(jsonText(undefined, 'application/json')).toBeUndefined()
  })
})
