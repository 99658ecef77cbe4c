// Cases from upstream's fields/selector_test.go; error texts from fields/selector.go.
import { describe, expect, it } from 'vitest'
import {
  escapeFieldValue, fieldSelectorExactMatch, fieldSelectorFromSet, fieldSelectorRequirements, formatFieldSelector,
  matchesFields, parseFieldSelector, unescapeFieldValue,
} from './field-selector.ts'
import { SelectorParseError } from './label-selector.ts'

const fromSet = (fields: Record<string, string>) => (field: string) => fields[field] ?? ''
const matches = (selector: string, fields: Record<string, string>) => matchesFields(parseFieldSelector(selector), fromSet(fields))

describe('parseFieldSelector', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b'])('round-trips %j', (s) => {
    expect(formatFieldSelector(parseFieldSelector(s))).toBe(s)
  })

  it('sorts terms, so parsing is deterministic', () => {
    expect(formatFieldSelector(parseFieldSelector('x=a,a=x'))).toBe(formatFieldSelector(parseFieldSelector('a=x,x=a')))
  })

  it.each([
    ['a=avalue,b==bvalue,c!=cvalue', [{ field: 'a', operator: '=', value: 'avalue' }, { field: 'b', operator: '=', value: 'bvalue' }, { field: 'c', operator: '!=', value: 'cvalue' }]],
    // Terms sort by bytes before parsing: '2' < '=', so k2 comes first.
    ['k=\\,,k2=v2', [{ field: 'k2', operator: '=', value: 'v2' }, { field: 'k', operator: '=', value: ',' }]],
    ['k=\\\\,k2=v2', [{ field: 'k2', operator: '=', value: 'v2' }, { field: 'k', operator: '=', value: '\\' }]],
    ['k=\\\\\\,,k2=v2', [{ field: 'k2', operator: '=', value: 'v2' }, { field: 'k', operator: '=', value: '\\,' }]],
    ['함=수,목=록', [{ field: '목', operator: '=', value: '록' }, { field: '함', operator: '=', value: '수' }]],
    ['a=a,', [{ field: 'a', operator: '=', value: 'a' }]],
    ['spec.nodeName=', [{ field: 'spec.nodeName', operator: '=', value: '' }]],
    ['=,a=b', [{ field: 'a', operator: '=', value: 'b' }]],
    ['a!=b=c\\=', undefined],
  ])('reads %j', (input, want) => {
    if (want) expect(fieldSelectorRequirements(parseFieldSelector(input))).toEqual(want)
    else expect(() => parseFieldSelector(input)).toThrow(SelectorParseError)
  })

  it.each([
    ['x=a||y=b', 'invalid field selector: unescaped character in value: 61'],
    ['x==a==b', 'invalid field selector: unescaped character in value: 61'],
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ['x in (a,b,c)', "invalid selector: 'x in (a,b,c)'; can't understand 'b'"],
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['k=\\a', 'invalid field selector: invalid escape sequence: \\a'],
    ['k=\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j with upstream\'s message', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(new SelectorParseError(message))
  })
})

describe('escaping', () => {
  it.each([['', ''], ['a', 'a'], ['=', '\\='], [',', '\\,'], ['\\', '\\\\'], ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\']])('escapes %j as %j and back', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped)
    expect(unescapeFieldValue(escaped)).toBe(raw)
  })
  it.each(['\\', '\\\\\\', '\\a'])('rejects the escape sequence in %j', (value) => {
    expect(() => unescapeFieldValue(value)).toThrow(/invalid escape sequence/)
  })
})

describe('matchesFields', () => {
  const fieldset = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' }
  it.each([
    ['', { x: 'y' }], ['x=y', { x: 'y' }], ['x=y,z=w', { x: 'y', z: 'w' }], ['x!=y,z!=w', { x: 'z', z: 'a' }], ['notin=in', { notin: 'in' }],
    ['foo=bar', fieldset], ['foo=bar,baz=blah', fieldset], ['foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fieldset],
    ['spec.nodeName=', {}], ['spec.nodeName!=node-1', {}],
  ])('%j matches %j', (selector, fields) => {
    expect(matches(selector, fields)).toBe(true)
  })
  it.each([
    ['x=y', { x: 'z' }], ['x=y,z=w', { x: 'w', z: 'w' }], ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['foo=blah', fieldset], ['baz=bar', fieldset], ['foo=bar,foobar=bar,baz=blah', fieldset], ['spec.nodeName=node-1', {}],
  ])('%j does not match %j', (selector, fields) => {
    expect(matches(selector, fields)).toBe(false)
  })
  it('refuses a field the getter does not support', () => {
    const supported = (field: string) => (field === 'metadata.name' ? 'a' : undefined)
    expect(() => matchesFields(parseFieldSelector('status.phase=Running'), supported)).toThrow(new SelectorParseError('field label not supported: status.phase'))
  })
})

describe('building selectors', () => {
  it('formats a set with escaping, in key order', () => {
    expect(formatFieldSelector(fieldSelectorFromSet({ 'spec.nodeName': 'node-1', 'metadata.name': 'a,b=c' }))).toBe('metadata.name=a\\,b\\=c,spec.nodeName=node-1')
    expect(formatFieldSelector(fieldSelectorFromSet({}))).toBe('')
  })
  it('finds the value a field is pinned to', () => {
    const sel = parseFieldSelector('spec.nodeName==node-1,status.phase!=Failed')
    expect(fieldSelectorExactMatch(sel, 'spec.nodeName')).toBe('node-1')
    expect(fieldSelectorExactMatch(sel, 'status.phase')).toBeUndefined()
  })
})
