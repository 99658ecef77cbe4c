// Field selectors as upstream's k8s.io/apimachinery/pkg/fields: the
// `?fieldSelector=` grammar (`a=b,c!=d`, values backslash-escaped), matching,
// and the String() form clients send. Which fields a kind supports is the
// apiserver's business; this file only exposes the requirements to check.
import { SelectorParseError } from './label-selector.ts'

export interface FieldRequirement {
  readonly field: string
  /** `==` parses as `=`, as upstream's Requirements() reports it. */
  readonly operator: '=' | '!='
  /** Unescaped: the literal value to compare. */
  readonly value: string
}

export interface FieldSelector {
  /** ANDed together, in the order of their sorted source terms. None = matches everything. */
  readonly requirements: readonly FieldRequirement[]
}

export const everythingFieldSelector: FieldSelector = Object.freeze({ requirements: Object.freeze([]) })

// Go sorts strings by UTF-8 bytes; JS compares UTF-16 units, which differs above U+FFFF.
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

// Terms split on unescaped commas; the backslashes stay for unescapeValue.
function splitTerms(text: string): string[] {
  if (text === '') return []
  const terms: string[] = []
  let start = 0
  let inSlash = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inSlash) inSlash = false
    else if (ch === '\\') inSlash = true
    else if (ch === ',') { terms.push(text.slice(start, i)); start = i + 1 }
  }
  terms.push(text.slice(start))
  return terms
}

// The field cannot be escaped, so the first operator found splits the term;
// `!=` and `==` are tried before `=` at each position.
function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)]
    }
  }
  return undefined
}

/** upstream EscapeValue: backslash, comma and equals get a backslash. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`)
}

/** upstream UnescapeValue; throws SelectorParseError on `\x` for other x, a trailing `\`, or a bare `,` or `=`. */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value
  let out = ''
  let inSlash = false
  for (const ch of value) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${ch}`)
      out += ch
      inSlash = false
    } else if (ch === '\\') {
      inSlash = true
    } else if (ch === ',' || ch === '=') {
      // Upstream prints the rune with %v, that is as its number: 61 for '=', 44 for ','.
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`)
    } else {
      out += ch
    }
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\')
  return out
}

/**
 * upstream fields.ParseSelector. '' selects everything. Throws
 * SelectorParseError, e.g. `invalid selector: 'x'; can't understand 'x'`.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = []
  for (const term of splitTerms(text).sort(byBytes)) {
    if (term === '') continue
    const parts = splitTerm(term)
    if (!parts) throw new SelectorParseError(`invalid selector: '${text}'; can't understand '${term}'`)
    const [field, op, rawValue] = parts
    const value = unescapeFieldValue(rawValue)
    // Upstream's Transform drops a term whose field and value are both empty ("=").
    if (field === '' && value === '') continue
    requirements.push({ field, operator: op === '!=' ? '!=' : '=', value })
  }
  return { requirements }
}

/** upstream SelectorFromSet, for clients: exact matches, in key order for a stable query string. */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  const fields = Object.keys(set).sort(byBytes)
  return { requirements: fields.map((field) => ({ field, operator: '=', value: set[field] })) }
}

/** The requirements, for the apiserver to check each field against what the kind supports. */
export function fieldSelectorRequirements(selector: FieldSelector): readonly FieldRequirement[] {
  return selector.requirements
}

/** The value an `=`/`==` term pins this field to (upstream RequiresExactMatch), e.g. `spec.nodeName`. */
export function fieldSelectorExactMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.requirements.find((r) => r.field === field && r.operator === '=')?.value
}

/**
 * Whether an object with these field values is selected. `get` returns the
 * field's value, '' when the object has none (it then matches `field=`), and
 * undefined only for a field the kind does not support: check requirements
 * before matching; meeting one here throws `field label not supported: <field>`.
 */
export function matchesFields(selector: FieldSelector, get: (field: string) => string | undefined): boolean {
  return selector.requirements.every((r) => {
    const actual = get(r.field)
    if (actual === undefined) throw new SelectorParseError(`field label not supported: ${r.field}`)
    return r.operator === '=' ? actual === r.value : actual !== r.value
  })
}

/** upstream String(): `a=b,c!=d` with values escaped; '' for everything. */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',')
}
