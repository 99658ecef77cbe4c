// Label selectors as upstream's k8s.io/apimachinery/pkg/labels: the string
// grammar of `?labelSelector=` and `kubectl -l`, the metav1.LabelSelector
// object of spec.selector, matching, and the canonical String() form that
// Scale's status.selector and kubectl print. Error texts match upstream's,
// because kubectl users and tests see them verbatim.
import { childPath, goQuote, invalidIssue, isQualifiedName, isValidLabelValue, validateLabelName, validateLabels, type FieldIssue } from './name-validation.ts'

/** upstream selection.Operator values; `!` is DoesNotExist, `gt`/`lt` compare integers. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt'

export interface LabelRequirement {
  readonly key: string
  readonly operator: LabelOperator
  /** One value for `=`, `==`, `!=`, `gt`, `lt`; at least one for `in`/`notin`; none otherwise. */
  readonly values: readonly string[]
}

export interface LabelSelector {
  /** ANDed together, sorted by key. None = matches everything. */
  readonly requirements: readonly LabelRequirement[]
  /** Only for a null metav1.LabelSelector: selects no object at all (upstream's labels.Nothing()). */
  readonly matchesNothing: boolean
}

/** metav1.LabelSelector as it arrives in JSON; operators are not trusted yet. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null
}

/** A selector string or object that upstream would reject; `message` is upstream's wording. */
export class SelectorParseError extends Error {
  override name = 'SelectorParseError'
}

export const everythingSelector: LabelSelector = Object.freeze({ requirements: Object.freeze([]), matchesNothing: false })
export const nothingSelector: LabelSelector = Object.freeze({ requirements: Object.freeze([]), matchesNothing: true })

/** True when the selector filters nothing out (upstream's Empty()). */
export function isEmptyLabelSelector(selector: LabelSelector): boolean {
  return !selector.matchesNothing && selector.requirements.length === 0
}

const operatorNames: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!']

// Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range.
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined
  const n = BigInt(s)
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined
}

// Upstream's NewRequirement, with `path` standing in for its field.Path (null = nil path).
function newRequirement(key: string, operator: LabelOperator, values: readonly string[], path: string | null): LabelRequirement {
  const errs: string[] = []
  const at = (child: string) => childPath(path ?? '', child)
  const render = (field: string, value: string | readonly string[], detail: string) => {
    const issue = invalidIssue(field, value, detail)
    return `${issue.field}: ${issue.message}`
  }
  const keyErrs = isQualifiedName(key)
  if (keyErrs.length > 0) errs.push(render(at('key'), key, keyErrs.join('; ')))
  const valuePath = at('values')
  if (operator === 'in' || operator === 'notin') {
    if (values.length === 0) errs.push(render(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"))
  } else if (operator === '=' || operator === '==' || operator === '!=') {
    if (values.length !== 1) errs.push(render(valuePath, values, 'exact-match compatibility requires one single value'))
  } else if (operator === 'exists' || operator === '!') {
    if (values.length !== 0) errs.push(render(valuePath, values, 'values set must be empty for exists and does not exist'))
  } else if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) errs.push(render(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"))
    values.forEach((v, i) => {
      if (parseInt64(v) === undefined) errs.push(render(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"))
    })
  } else {
    errs.push(`${at('operator')}: Unsupported value: ${goQuote(operator)}: supported values: ${operatorNames.map(goQuote).join(', ')}`)
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v)
    if (valueErrs.length > 0) errs.push(render(`${valuePath}[${i}][${key}]`, v, valueErrs.join('; ')))
  })
  if (errs.length > 0) throw new SelectorParseError(aggregate(errs))
  return { key, operator, values: [...values] }
}

// utilerrors.NewAggregate(...).Error(): duplicates dropped, brackets only for several.
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)]
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`
}

// Upstream sorts requirements by key for a deterministic String(); a stable sort keeps equal keys in order.
const byKey = (a: LabelRequirement, b: LabelRequirement) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

function withRequirements(requirements: LabelRequirement[]): LabelSelector {
  return { requirements: requirements.sort(byKey), matchesNothing: false }
}

// ---- Matching ----

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key)
  const value = has ? labels[r.key] : undefined
  switch (r.operator) {
    case 'in': case '=': case '==': return has && r.values.includes(value as string)
    case 'notin': case '!=': return !has || !r.values.includes(value as string)
    case 'exists': return has
    case '!': return !has
    case 'gt': case 'lt': {
      const actual = has ? parseInt64(value as string) : undefined
      const bound = r.values.length === 1 ? parseInt64(r.values[0]) : undefined
      if (actual === undefined || bound === undefined) return false
      return r.operator === 'gt' ? actual > bound : actual < bound
    }
  }
}

/** Whether an object with these labels is selected. Missing labels count as none. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | null | undefined): boolean {
  if (selector.matchesNothing) return false
  return selector.requirements.every((r) => requirementMatches(r, labels ?? {}))
}

// ---- String form ----

const operatorText: Record<LabelOperator, string> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '' }

function requirementToString(r: LabelRequirement): string {
  if (r.operator === 'exists') return r.key
  if (r.operator === '!') return `!${r.key}`
  // Several values print sorted (the requirement itself keeps the given order).
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',')
  const set = r.operator === 'in' || r.operator === 'notin'
  return `${r.key}${operatorText[r.operator]}${set ? `(${values})` : values}`
}

/**
 * Upstream's Selector.String(): `a=b,c in (d,e),!f`; '' for everything and
 * for nothing. The form of Scale's status.selector and of `?labelSelector=`.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements.map(requirementToString).join(',')
}

// ---- Objects (metav1.LabelSelector) ----

const objectOperators: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' }

/**
 * Upstream's LabelSelectorAsSelector: null selects nothing, an empty object
 * selects everything. Throws SelectorParseError on a bad key, value or operator.
 */
export function labelSelectorFromObject(obj: LabelSelectorObject | null | undefined): LabelSelector {
  if (obj === null || obj === undefined) return nothingSelector
  const matchLabels = Object.entries(obj.matchLabels ?? {})
  const expressions = obj.matchExpressions ?? []
  if (matchLabels.length + expressions.length === 0) return everythingSelector
  const requirements = matchLabels.map(([key, value]) => newRequirement(key, '=', [value], null))
  for (const expr of expressions) {
    const given = String(expr.operator ?? '')
    const operator = Object.hasOwn(objectOperators, given) ? objectOperators[given] : undefined
    if (!operator) throw new SelectorParseError(`${goQuote(given)} is not a valid pod selector operator`)
    requirements.push(newRequirement(expr.key ?? '', operator, expr.values ?? [], null))
  }
  return withRequirements(requirements)
}

/** Upstream's SelectorFromSet: exact matches, no validation; null or {} selects everything. */
export function labelSelectorFromSet(set: Record<string, string> | null | undefined): LabelSelector {
  const entries = Object.entries(set ?? {})
  if (entries.length === 0) return everythingSelector
  return withRequirements(entries.map(([key, value]) => ({ key, operator: '=', values: [value] })))
}

/** The String() of the object's selector, as Scale's `status.selector` carries it. Throws if invalid. */
export function labelSelectorObjectToString(obj: LabelSelectorObject | null | undefined): string {
  return formatLabelSelector(labelSelectorFromObject(obj))
}

/** Upstream's metav1.FormatLabelSelector, for describe/printers: `<none>` when empty or null, `<error>` when invalid. */
export function describeLabelSelector(obj: LabelSelectorObject | null | undefined): string {
  try {
    return labelSelectorObjectToString(obj) || '<none>'
  } catch {
    return '<error>'
  }
}

export interface LabelSelectorValidationOptions {
  /**
   * Accept In/NotIn values that are not valid label values, for objects
   * stored before upstream started checking them.
   * @default false
   */
  allowInvalidLabelValueInSelector?: boolean
}

/** metav1 ValidateLabelSelector: the field issues of a spec.selector-like object (null is valid). */
export function validateLabelSelectorObject(obj: LabelSelectorObject | null | undefined, fieldPath: string, options: LabelSelectorValidationOptions = {}): FieldIssue[] {
  if (obj === null || obj === undefined) return []
  const issues = validateLabels(obj.matchLabels, childPath(fieldPath, 'matchLabels'))
  ;(obj.matchExpressions ?? []).forEach((expr, i) => {
    const path = `${childPath(fieldPath, 'matchExpressions')}[${i}]`
    const values = expr.values ?? []
    if (expr.operator === 'In' || expr.operator === 'NotIn') {
      if (values.length === 0) issues.push({ type: 'FieldValueRequired', field: `${path}.values`, message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" })
    } else if (expr.operator === 'Exists' || expr.operator === 'DoesNotExist') {
      if (values.length > 0) issues.push({ type: 'FieldValueForbidden', field: `${path}.values`, message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" })
    } else {
      issues.push(invalidIssue(`${path}.operator`, String(expr.operator ?? ''), 'not a valid selector operator'))
    }
    issues.push(...validateLabelName(expr.key ?? '', `${path}.key`))
    if (!options.allowInvalidLabelValueInSelector) {
      values.forEach((value, j) => {
        for (const msg of isValidLabelValue(value)) issues.push(invalidIssue(`${path}.values[${j}]`, value, msg))
      })
    }
  })
  return issues
}

// ---- The string grammar (labels.Parse) ----
// A lexer and recursive-descent parser shaped like upstream's, so that the
// same input fails at the same token with the same message.

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '('
interface Scanned { token: Token; literal: string }

const literalTokens: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' }
const tokenOf = (s: string): Token | undefined => (Object.hasOwn(literalTokens, s) ? literalTokens[s] : undefined)
const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n'
const isSpecial = (ch: string) => ch.length === 1 && '=!(),><'.includes(ch)

// Go's lexer reads a 0 byte at the end of input and treats a NUL in the input the same way.
function scan(input: string): Scanned[] {
  let pos = 0
  const read = () => (pos < input.length ? input[pos++] : '\0')
  const items: Scanned[] = []
  for (;;) {
    let ch = read()
    while (isWhitespace(ch)) ch = read()
    let item: Scanned
    if (ch === '\0') {
      item = { token: 'end', literal: '' }
    } else if (isSpecial(ch)) {
      // The longest run of symbols that is still an operator: "!=" but "!" then "(".
      let buffer = ch
      const single = tokenOf(ch)
      let last = single ? { token: single, literal: ch } : undefined
      for (let next = read(); next !== '\0'; next = read()) {
        if (!isSpecial(next)) { pos--; break }
        buffer += next
        const token = tokenOf(buffer)
        if (token) last = { token, literal: buffer }
        else if (last) { pos--; break }
      }
      item = last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` }
    } else {
      let buffer = ch
      for (let next = read(); next !== '\0'; next = read()) {
        if (isSpecial(next) || isWhitespace(next)) { pos--; break }
        buffer += next
      }
      const keyword = tokenOf(buffer)
      item = { token: keyword === 'in' || keyword === 'notin' ? keyword : 'identifier', literal: buffer }
    }
    items.push(item)
    if (item.token === 'end') return items
  }
}

/**
 * Upstream's labels.Parse. Throws SelectorParseError with upstream's message,
 * e.g. `unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const items = scan(text)
  let position = 0
  // In a value position, `in` and `notin` are plain identifiers ("x in (in)").
  const asValue = (s: Scanned): Scanned => (s.token === 'in' || s.token === 'notin' ? { token: 'identifier', literal: s.literal } : s)
  // The end token repeats forever, so no path can read past it.
  const at = (i: number) => items[Math.min(i, items.length - 1)]
  const peek = () => asValue(at(position))
  const next = () => asValue(at(position++))
  const nextOperator = () => at(position++)
  const fail = (message: string): never => { throw new SelectorParseError(message) }

  function parseRequirement(): LabelRequirement {
    let first = next()
    let operator: LabelOperator | undefined
    if (first.token === '!') { operator = '!'; first = next() }
    if (first.token !== 'identifier') fail(`found '${first.literal}', expected: identifier`)
    const key = first.literal
    const keyErrs = isQualifiedName(key)
    if (keyErrs.length > 0) fail(`<nil>: Invalid value: ${goQuote(key)}: ${keyErrs.join('; ')}`)
    const after = peek().token
    if ((after === 'end' || after === ',') && operator !== '!') operator = 'exists'
    // "!x=a" parses as !x and then fails on the '=' that follows it.
    if (operator) return newRequirement(key, operator, [], null)
    const op = nextOperator()
    const binary: Partial<Record<Token, LabelOperator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' }
    operator = binary[op.token] ?? fail(`found '${op.literal}', expected: in, notin, =, ==, !=, gt, lt`)
    const values = operator === 'in' || operator === 'notin' ? parseValueSet() : parseExactValue()
    return newRequirement(key, operator, [...values].sort(), null)
  }

  function parseValueSet(): Set<string> {
    const open = next()
    if (open.token !== '(') fail(`found '${open.literal}' expected: '('`)
    const ahead = peek()
    if (ahead.token === ')') { next(); return new Set(['']) }
    if (ahead.token !== 'identifier' && ahead.token !== ',') fail(`found '${ahead.literal}', expected: ',', ')' or identifier`)
    // Empty entries ("(,a)", "(a,)", "(a,,b)") stand for the empty value.
    const values = new Set<string>()
    for (;;) {
      const item = next()
      if (item.token === 'identifier') {
        values.add(item.literal)
        const following = peek()
        if (following.token === ')') { next(); return values }
        if (following.token !== ',') fail(`found '${following.literal}', expected: ',' or ')'`)
      } else if (item.token === ',') {
        if (values.size === 0) values.add('')
        const following = peek().token
        if (following === ')') { values.add(''); next(); return values }
        if (following === ',') values.add('')
      } else {
        fail(`found '${item.literal}', expected: ',', or identifier`)
      }
    }
  }

  function parseExactValue(): Set<string> {
    const ahead = peek().token
    if (ahead === 'end' || ahead === ',') return new Set([''])
    const value = next()
    if (value.token !== 'identifier') fail(`found '${value.literal}', expected: identifier`)
    return new Set([value.literal])
  }

  const requirements: LabelRequirement[] = []
  for (;;) {
    const ahead = peek()
    if (ahead.token === 'end') break
    if (ahead.token !== 'identifier' && ahead.token !== '!') fail(`found '${ahead.literal}', expected: !, identifier, or 'end of string'`)
    try {
      requirements.push(parseRequirement())
    } catch (err) {
      throw new SelectorParseError(`unable to parse requirement: ${(err as Error).message}`)
    }
    const after = next()
    if (after.token === 'end') break
    if (after.token !== ',') fail(`found '${after.literal}', expected: ',' or 'end of string'`)
    const following = peek()
    if (following.token !== 'identifier' && following.token !== '!') fail(`found '${following.literal}', expected: identifier after ','`)
  }
  return withRequirements(requirements)
}
