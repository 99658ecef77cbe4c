// Cases from upstream's labels/selector_test.go, meta/v1/helpers_test.go and
// meta/v1/validation/validation_test.go; error texts from their sources.
import { describe, expect, it } from 'vitest'
import {
  describeLabelSelector, everythingSelector, formatLabelSelector, isEmptyLabelSelector, labelSelectorFromObject, labelSelectorFromSet,
  labelSelectorObjectToString, matchesLabels, nothingSelector, parseLabelSelector,
  SelectorParseError, validateLabelSelectorObject, type LabelSelectorObject,
} from './label-selector.ts'

const parse = (s: string) => formatLabelSelector(parseLabelSelector(s))
const keyRegexMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
const valueRegexMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

describe('parseLabelSelector', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])('round-trips %j (spaces dropped)', (s) => {
    expect(parse(s)).toBe(s.replaceAll(' ', ''))
  })

  it('sorts requirements by key, so parsing is deterministic', () => {
    expect(parse('x=a,a=x')).toBe(parse('a=x,x=a'))
    expect(parse('x notin (abc,def),bar,z in (),w')).toBe('bar,w,x notin (abc,def),z in ()')
  })

  it.each([
    ['\rx', 'x'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['this-is-another-dns.domain.com/key-with-dash in (so,what)', 'this-is-another-dns.domain.com/key-with-dash in (so,what)'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x  notin\t\t\t(abc,def)', 'x notin (abc,def)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in ()', 'x in ()'],
    ['x notin ( )', 'x notin ()'],
    ['x notin (, a)', 'x notin (,a)'],
    ['x,y in (a)', 'x,y in (a)'],
    ['x==a', 'x==a'],
    ['x<7', 'x<7'],
    ['a ', 'a'],
    ['a in (x,y,notin, z,in)', 'a in (in,notin,x,y,z)'],
    ['notin=in', 'notin=in'],
    ['x in (b,a,b)', 'x in (a,b)'],
  ])('parses %j as %j', (input, want) => {
    expect(parse(input)).toBe(want)
  })

  it.each([
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${valueRegexMsg}`],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x,,y', "found ',', expected: identifier after ','"],
    [',x,y', "found ',', expected: !, identifier, or 'end of string'"],
    ['x nott in (y)', 'unable to parse requirement: found \'nott\', expected: in, notin, =, ==, !=, gt, lt'],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['(', "found '(', expected: !, identifier, or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a@b=c', `unable to parse requirement: <nil>: Invalid value: "a@b": ${keyRegexMsg}`],
    [`x=${'a'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`],
    ['x>-5', `unable to parse requirement: values[0][x]: Invalid value: "-5": ${valueRegexMsg}`],
    ['x>99999999999999999999', 'unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for \'Gt\', \'Lt\' operators, the value must be an integer'],
  ])('rejects %j with upstream\'s message', (input, message) => {
    expect(() => parseLabelSelector(input)).toThrow(new SelectorParseError(message))
  })

  it('throws SelectorParseError', () => {
    expect(() => parseLabelSelector('x==a==b')).toThrow(SelectorParseError)
  })
})

describe('matchesLabels', () => {
  it.each([
    ['', { x: 'y' }], ['x=y', { x: 'y' }], ['x=y,z=w', { x: 'y', z: 'w' }], ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }], ['x', { x: 'z' }], ['!x', { y: 'z' }], ['x>1', { x: '2' }], ['x<1', { x: '0' }],
    ['foo=bar', { foo: 'bar', baz: 'blah' }], ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['x in (foo),y notin (alpha)', { x: 'foo', y: 'baz' }], ['x notin (),y', { y: '' }], ['!x,y', { y: '' }],
    ['x!=y', {}], ['x notin (a)', {}], ['x<10', { x: '9' }], ['x>1', { x: '+2' }],
  ])('%j matches %j', (selector, labels) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(true)
  })

  it.each([
    ['x=z', {}], ['x=y', { x: 'z' }], ['x=y,z=w', { x: 'w', z: 'w' }], ['x!=y,z!=w', { x: 'z', z: 'w' }], ['x', { y: 'z' }],
    ['!x', { x: 'z' }], ['x>1', { x: '0' }], ['x<1', { x: '2' }], ['foo=blah', { foo: 'bar' }],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }], ['x in (foo),y in (alpha)', { x: 'foo', y: 'baz' }],
    ['x notin (),!y', { y: '' }], ['x in ()', { y: 'baz' }], ['x>1', { x: 'v2' }], ['x>1', {}], ['constructor', {}],
  ])('%j does not match %j', (selector, labels) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(false)
  })

  it('treats missing labels as none, and the empty selector as everything', () => {
    expect(matchesLabels(parseLabelSelector(''), undefined)).toBe(true)
    expect(matchesLabels(parseLabelSelector('!x'), undefined)).toBe(true)
    expect(matchesLabels(everythingSelector, { a: 'b' })).toBe(true)
    expect(matchesLabels(nothingSelector, { a: 'b' })).toBe(false)
    expect(isEmptyLabelSelector(parseLabelSelector(''))).toBe(true)
    expect(isEmptyLabelSelector(nothingSelector)).toBe(false)
  })
})

describe('labelSelectorFromObject', () => {
  it('selects nothing for null and everything for an empty object', () => {
    expect(labelSelectorFromObject(null)).toBe(nothingSelector)
    expect(labelSelectorFromObject(undefined).matchesNothing).toBe(true)
    expect(labelSelectorFromObject({})).toBe(everythingSelector)
    expect(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] })).toBe(everythingSelector)
  })

  it.each<[LabelSelectorObject, string]>([
    [{ matchLabels: { foo: 'bar' } }, 'foo=bar'],
    [{ matchLabels: { z: '1', a: '2' } }, 'a=2,z=1'],
    [{ matchExpressions: [{ key: 'foo', operator: 'In', values: ['baz', 'bar'] }] }, 'foo in (bar,baz)'],
    [{ matchExpressions: [{ key: 'foo', operator: 'NotIn', values: ['bar'] }] }, 'foo notin (bar)'],
    [{ matchExpressions: [{ key: 'foo', operator: 'Exists' }] }, 'foo'],
    [{ matchExpressions: [{ key: 'foo', operator: 'DoesNotExist', values: [] }] }, '!foo'],
    [{ matchLabels: { foo: 'bar' }, matchExpressions: [{ key: 'foo', operator: 'In', values: ['baz'] }, { key: 'app', operator: 'Exists' }] }, 'app,foo=bar,foo in (baz)'],
  ])('%j prints as %j', (obj, want) => {
    expect(labelSelectorObjectToString(obj)).toBe(want)
  })

  it('matches as the object means', () => {
    const sel = labelSelectorFromObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] })
    expect(matchesLabels(sel, { app: 'web', tier: 'front' })).toBe(true)
    expect(matchesLabels(sel, { app: 'web' })).toBe(true)
    expect(matchesLabels(sel, { app: 'web', tier: 'db' })).toBe(false)
  })

  it.each<[LabelSelectorObject, string]>([
    [{ matchExpressions: [{ key: 'foo', operator: 'Out', values: ['bar'] }] }, '"Out" is not a valid pod selector operator'],
    [{ matchExpressions: [{ key: 'foo', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'foo', operator: 'Exists', values: ['a', 'b'] }] }, 'values: Invalid value: []string{"a", "b"}: values set must be empty for exists and does not exist'],
    [{ matchLabels: { 'x y': 'v' } }, `key: Invalid value: "x y": ${keyRegexMsg}`],
    [{ matchLabels: { k: 'a b' } }, `values[0][k]: Invalid value: "a b": ${valueRegexMsg}`],
    [{ matchExpressions: [{ key: 'x y', operator: 'In', values: [] }] }, `[key: Invalid value: "x y": ${keyRegexMsg}, values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty]`],
  ])('rejects %j', (obj, message) => {
    expect(() => labelSelectorFromObject(obj)).toThrow(new SelectorParseError(message))
  })
})

describe('describeLabelSelector', () => {
  it('prints <none> for empty and null, <error> for invalid', () => {
    expect(describeLabelSelector(null)).toBe('<none>')
    expect(describeLabelSelector({})).toBe('<none>')
    expect(describeLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] })).toBe('<error>')
    expect(describeLabelSelector({ matchLabels: { app: 'web', tier: 'front' } })).toBe('app=web,tier=front')
  })
})

describe('labelSelectorFromSet', () => {
  it('matches exactly the set; empty selects everything', () => {
    const sel = labelSelectorFromSet({ foo: 'bar', baz: 'blah' })
    expect(formatLabelSelector(sel)).toBe('baz=blah,foo=bar')
    expect(matchesLabels(sel, { foo: 'bar', baz: 'blah', extra: 'x' })).toBe(true)
    expect(matchesLabels(sel, { foo: 'bar' })).toBe(false)
    expect(labelSelectorFromSet(null)).toBe(everythingSelector)
    expect(labelSelectorFromSet({})).toBe(everythingSelector)
  })
})

describe('validateLabelSelectorObject', () => {
  it.each<LabelSelectorObject>([
    { matchLabels: { id: 'app2', id2: 'app3' }, matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar1', 'bar2'] }] },
    { matchExpressions: [{ key: 'key2', operator: 'In', values: ['value1', 'value2'] }] },
    { matchLabels: { id: 'app2' } },
    { matchLabels: { id: 'app2' }, matchExpressions: [{ key: 'foo', operator: 'NotIn', values: ['bar1', 'bar2'] }] },
    { matchLabels: { id: 'app2' }, matchExpressions: [{ key: 'foo', operator: 'Exists' }] },
    { matchLabels: { id: 'app2' }, matchExpressions: [{ key: 'foo', operator: 'DoesNotExist' }] },
  ])('accepts %j', (obj) => {
    expect(validateLabelSelectorObject(obj, 'spec.selector')).toEqual([])
  })

  it('accepts null', () => {
    expect(validateLabelSelectorObject(null, 'spec.selector')).toEqual([])
  })

  it('reports each problem at its field', () => {
    expect(validateLabelSelectorObject({
      matchLabels: { 'ids^=@': 'app2', good: 'app3=@' },
      matchExpressions: [
        { key: 'foo', operator: 'In', values: [] },
        { key: 'foo', operator: 'Exists', values: ['bar1'] },
        { key: 'foo^=@', operator: 'Out', values: ['bar 1'] },
      ],
    }, 'spec.selector')).toEqual([
      { type: 'FieldValueInvalid', field: 'spec.selector.matchLabels', message: `Invalid value: "ids^=@": ${keyRegexMsg}` },
      { type: 'FieldValueInvalid', field: 'spec.selector.matchLabels', message: `Invalid value: "app3=@": ${valueRegexMsg}` },
      { type: 'FieldValueRequired', field: 'spec.selector.matchExpressions[0].values', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" },
      { type: 'FieldValueForbidden', field: 'spec.selector.matchExpressions[1].values', message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" },
      { type: 'FieldValueInvalid', field: 'spec.selector.matchExpressions[2].operator', message: 'Invalid value: "Out": not a valid selector operator' },
      { type: 'FieldValueInvalid', field: 'spec.selector.matchExpressions[2].key', message: `Invalid value: "foo^=@": ${keyRegexMsg}` },
      { type: 'FieldValueInvalid', field: 'spec.selector.matchExpressions[2].values[0]', message: `Invalid value: "bar 1": ${valueRegexMsg}` },
    ])
  })

  it('can allow invalid values kept from older objects', () => {
    const obj = { matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar 1'] }] }
    expect(validateLabelSelectorObject(obj, 'spec.selector', { allowInvalidLabelValueInSelector: true })).toEqual([])
  })
})
