import { describe, expect, it } from 'vitest'
import { duplicateFields } from './duplicate-fields.ts'

describe('duplicateFields', () => {
  it('finds nothing in ordinary JSON', () => {
    expect(duplicateFields(JSON.stringify({ a: 1, b: { a: 2, c: [{ a: 1 }, { a: 2 }] }, s: 'x{"a":1,"a":2}' }))).toEqual([])
  })

  it('names duplicates by path, in document order', () => {
    const text = '{"metadata":{"name":"a","name":"b"},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"c"},{"image":"x","image":"y"}]}},"replicas":2}}'
    expect(duplicateFields(text)).toEqual(['metadata.name', 'spec.template.spec.containers[1].image', 'spec.replicas'])
  })

  it('compares keys after unescaping, and skips escaped quotes in strings', () => {
    expect(duplicateFields('{"a":"\\"x\\"","\\u0061":1}')).toEqual(['a'])
    expect(duplicateFields('{"k":"v\\\\","k2":1}')).toEqual([])
  })

  it('copes with whitespace and nested arrays', () => {
    expect(duplicateFields('{ "a" : [ [ {"x":1, "x":2} ] ] , "b":null }')).toEqual(['a[0][0].x'])
  })
})
