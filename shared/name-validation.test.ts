// Cases from upstream's util/validation/validation_test.go, content/kube_test.go
// and meta/v1/validation/validation_test.go; exact messages from their sources.
import { describe, expect, it } from 'vitest'
import {
  isCIdentifier, isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isEnvVarName,
  isQualifiedName, isRelaxedEnvVarName, isValidLabelValue, isValidPortName, validateAnnotations, validateLabels,
} from './name-validation.ts'

const a = (n: number, ch = 'a') => ch.repeat(n)

const labelKeyRegexMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
const labelValueRegexMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
const subdomainRegexMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

describe('isDNS1123Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', a(63)])('accepts %j', (v) => {
    expect(isDNS1123Label(v)).toEqual([])
  })
  it.each(['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64)])('rejects %j', (v) => {
    expect(isDNS1123Label(v)).not.toEqual([])
  })
  it('words its messages as upstream', () => {
    expect(isDNS1123Label('My_Name')).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ])
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots'])
    expect(isDNS1123Label(a(64))).toEqual(['must be no more than 63 characters'])
  })
})

describe('isDNS1123Subdomain', () => {
  it.each(['a', 'a--1--2--b', '1--a--b--2', 'a.a', 'a--1--2--b.a', '0.1', '1--a--b--2.1', 'a.b.c.d.e', '11.22.33.44.55', a(253)])('accepts %j', (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([])
  })
  it.each(['', 'A', '-', 'a-', '_a', '.', 'a.', '.a', 'a..b', '1..2', 'a b', 'A.a', 'ab.A', 'a.B.c.d.e', 'a@b', 'a,b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', a(254)])('rejects %j', (v) => {
    expect(isDNS1123Subdomain(v)).not.toEqual([])
  })
  it('reports length and format separately', () => {
    expect(isDNS1123Subdomain(`${a(254)}-`)).toEqual(['must be no more than 253 characters', subdomainRegexMsg])
  })
})

describe('isDNS1035Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', a(63)])('accepts %j', (v) => {
    expect(isDNS1035Label(v)).toEqual([])
  })
  it.each(['0', '01', '1a', '1--a--b--2', '', 'A', 'aBc', '-', 'a-', '-a', 'a_b', 'a.b', 'a b', a(64)])('rejects %j', (v) => {
    expect(isDNS1035Label(v)).not.toEqual([])
  })
  it('words its message as upstream', () => {
    expect(isDNS1035Label('1abc')).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ])
  })
})

describe('isQualifiedName', () => {
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes',
    'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', a(63), `${a(253)}/${a(63, 'b')}`])('accepts %j', (v) => {
    expect(isQualifiedName(v)).toEqual([])
  })
  it.each(['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc',
    'example.com/', '/simple', a(64), `${a(254)}/abc`])('rejects %j', (v) => {
    expect(isQualifiedName(v)).not.toEqual([])
  })
  it.each([
    ['x y', [labelKeyRegexMsg]],
    [a(64), ['name part must be no more than 63 bytes']],
    ['/simple', ['prefix part must be non-empty']],
    ['example.com/', ['name part must be non-empty', labelKeyRegexMsg]],
    ['Example.com/abc', [`prefix part ${subdomainRegexMsg}`]],
    [`${a(254)}/abc`, ['prefix part must be no more than 253 bytes']],
    ['only/one/slash', ["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
  ])('explains %j', (v, want) => {
    expect(isQualifiedName(v)).toEqual(want)
  })
})

describe('isValidLabelValue', () => {
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', a(63), ''])('accepts %j', (v) => {
    expect(isValidLabelValue(v)).toEqual([])
  })
  it.each(['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-',
    '.starts.with.dot', 'ends.with.dot.', a(64)])('rejects %j', (v) => {
    expect(isValidLabelValue(v)).not.toEqual([])
  })
  it('counts bytes, as Go does', () => {
    expect(isValidLabelValue(`${a(62)}ā`)).toEqual(['must be no more than 63 bytes', labelValueRegexMsg])
  })
})

describe('isValidPortName', () => {
  it.each(['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3'])('accepts %j', (v) => {
    expect(isValidPortName(v)).toEqual([])
  })
  it.each(['longerthan15characters', '', a(16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++'])('rejects %j', (v) => {
    expect(isValidPortName(v)).not.toEqual([])
  })
  it('lists every problem', () => {
    expect(isValidPortName('-1--')).toEqual(['must contain at least one letter (a-z)', 'must not contain consecutive hyphens', 'must not begin or end with a hyphen'])
    expect(isValidPortName('HTTP')).toEqual(['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)'])
  })
})

describe('identifiers and keys', () => {
  it('isCIdentifier', () => {
    expect(isCIdentifier('MY_NAME1')).toEqual([])
    expect(isCIdentifier('1abc')).toEqual([
      "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')",
    ])
  })
  it('isEnvVarName is stricter than the relaxed rule', () => {
    expect(isEnvVarName('my.env-name')).toEqual([])
    expect(isEnvVarName('..a')).toEqual(["must not start with '..'"])
    expect(isEnvVarName('1a')).toEqual([
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    ])
  })
  it.each(['-', ':', '_', '+a', '>a', '<a', 'a.', 'a..', '*a', '%a', '?a', 'a:a', 'aAz', '~a', '|a', 'a9', '/a', 'a ', '#a', '0a', '0 a', "'a", '(a', '@a'])('isRelaxedEnvVarName accepts %j', (v) => {
    expect(isRelaxedEnvVarName(v)).toEqual([])
  })
  it('isRelaxedEnvVarName rejects empty, = and non-printable', () => {
    expect(isRelaxedEnvVarName('')).toEqual(['environment variable name must be non-empty'])
    for (const v of ['=', 'a=b', 'a\tb', 'ā']) expect(isRelaxedEnvVarName(v)).toEqual(["a valid environment variable name must consist only of printable ASCII characters other than '='"])
  })
  it.each(['a', 'good', 'good-good', 'still.good', 'this.is.also.good', '.so.is.this', 'THIS_IS_GOOD', 'so_is_this_17'])('isConfigMapKey accepts %j', (v) => {
    expect(isConfigMapKey(v)).toEqual([])
  })
  it.each(['.', '..', '..bad', 'b*d', 'bad!&bad'])('isConfigMapKey rejects %j', (v) => {
    expect(isConfigMapKey(v)).not.toEqual([])
  })
})

describe('validateLabels', () => {
  it('accepts upstream good labels', () => {
    expect(validateLabels({ simple: 'bar', '1.2.3.4/5678': 'bar', UpperCaseAreOK123: 'bar', goodvalue: '123_-.BaR' }, 'field')).toEqual([])
    expect(validateLabels(undefined, 'field')).toEqual([])
  })
  it('reports keys and values against the field, as the apiserver prints them', () => {
    expect(validateLabels({ 'x y': 'ok' }, 'metadata.labels')).toEqual([
      { type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "x y": ${labelKeyRegexMsg}` },
    ])
    expect(validateLabels({ nocommasallowed: 'bad,value' }, 'metadata.labels')).toEqual([
      { type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "bad,value": ${labelValueRegexMsg}` },
    ])
    expect(validateLabels({ toolongvalue: a(64) }, 'spec.template.labels')).toEqual([
      { type: 'FieldValueInvalid', field: 'spec.template.labels', message: `Invalid value: "${a(64)}": must be no more than 63 bytes` },
    ])
  })
  it('quotes bad values as Go does', () => {
    expect(validateLabels({ k: 'a"b\n' }, 'f')[0].message).toMatch(/^Invalid value: "a\\"b\\n": /)
  })
})

describe('validateAnnotations', () => {
  it('ignores case in keys but reports them as written', () => {
    expect(validateAnnotations({ 'Example.COM/Key': 'v' }, 'metadata.annotations')).toEqual([])
    expect(validateAnnotations({ 'A/B/C': 'v' }, 'metadata.annotations')).toHaveLength(1)
    expect(validateAnnotations({ 'A/B/C': 'v' }, 'metadata.annotations')[0].message).toMatch(/^Invalid value: "A\/B\/C": a valid label key must consist/)
  })
  it('limits the total size to 256 KiB of keys and values', () => {
    expect(validateAnnotations({ k: a(256 * 1024 - 1) }, 'metadata.annotations')).toEqual([])
    expect(validateAnnotations({ k: a(256 * 1024) }, 'metadata.annotations')).toEqual([
      { type: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' },
    ])
  })
})
