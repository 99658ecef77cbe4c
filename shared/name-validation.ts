// The string formats Kubernetes checks everywhere (names, label keys and
// values, port names, env var names), with upstream's exact messages, since
// clients and tests match on them. Follows apimachinery as of v1.34+: label
// keys and values come from `api/validate/content`, whose length errors say
// "bytes"; DNS names come from `util/validation`, whose errors say
// "characters". Each `is*` returns the problems found; empty means valid.
// Lengths are UTF-8 bytes, as Go's len() counts them.

/** One field-level problem, shaped like apiserver's FieldError (upstream's field.Error). */
export interface FieldIssue {
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueTooLong'
  /** Dotted path as upstream prints it, e.g. `metadata.labels`. */
  field: string
  /** The message without the field, e.g. `Invalid value: "x y": name part must ...`. */
  message: string
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8')

/** Upstream's RegexError; its doubled spaces ("'MyName',  or ...") are upstream's too. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`
}

function maxLenError(length: number, unit: 'characters' | 'bytes'): string {
  return `must be no more than ${length} ${unit}`
}

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`)

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const dns1123LabelRe = anchored(dns1123LabelFmt)
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`
const dns1123SubdomainRe = anchored(dns1123SubdomainFmt)
const dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"

/** RFC 1123 label, at most 63 characters: namespace names, most `metadata.name`s of DNS-label kinds. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = []
  if (byteLength(value) > 63) errs.push(maxLenError(63, 'characters'))
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label can only be failing on dots.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots')
    else errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFmt, 'my-name', '123-abc'))
  }
  return errs
}

/** RFC 1123 subdomain, at most 253 characters: the default rule for `metadata.name`. */
export function isDNS1123Subdomain(value: string): string[] {
  return checkSubdomain(value, 'characters')
}

// The label-key prefix goes through content.IsDNS1123Subdomain, which counts in bytes.
function checkSubdomain(value: string, unit: 'characters' | 'bytes'): string[] {
  const errs: string[] = []
  if (byteLength(value) > 253) errs.push(maxLenError(253, unit))
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'))
  return errs
}

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?'
const dns1035LabelRe = anchored(dns1035LabelFmt)

/** RFC 1035 label: starts with a letter. Service names. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = []
  if (byteLength(value) > 63) errs.push(maxLenError(63, 'characters'))
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", dns1035LabelFmt, 'my-name', 'abc-123'))
  }
  return errs
}

const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const labelKeyRe = anchored(labelKeyFmt)
const labelKeyErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

/** Label and annotation keys, finalizers, condition types: `[prefix/]name` (content.IsLabelKey). */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) {
    name = parts[0]
  } else if (parts.length === 2) {
    const prefix = parts[0]
    name = parts[1]
    if (prefix.length === 0) errs.push('prefix part must be non-empty')
    else errs.push(...checkSubdomain(prefix, 'bytes').map((m) => `prefix part ${m}`))
  } else {
    return [`a valid label key ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]
  }
  if (name.length === 0) errs.push('name part must be non-empty')
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63, 'bytes')}`)
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')}`)
  return errs
}

const labelValueFmt = `(${labelKeyFmt})?`
const labelValueRe = anchored(labelValueFmt)

/** Label values: empty, or up to 63 bytes of `[-A-Za-z0-9_.]` starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = []
  if (byteLength(value) > 63) errs.push(maxLenError(63, 'bytes'))
  if (!labelValueRe.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", labelValueFmt, 'MyValue', 'my_value', '12345'))
  }
  return errs
}

/** IANA service names (RFC 6335), lower case only: container port names. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = []
  if (byteLength(port) > 15) errs.push(maxLenError(15, 'characters'))
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)')
  if (port.includes('--')) errs.push('must not contain consecutive hyphens')
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen')
  return errs
}

const cIdentifierFmt = '[A-Za-z_][A-Za-z0-9_]*'
const cIdentifierRe = anchored(cIdentifierFmt)

/** A C identifier (format only, no length limit). */
export function isCIdentifier(value: string): string[] {
  if (cIdentifierRe.test(value)) return []
  return [regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'", cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')]
}

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*'
const envVarNameRe = anchored(envVarNameFmt)

/** The strict env var rule: looser than a C identifier ('-' and '.' allowed), but no leading digit. */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = []
  if (!envVarNameRe.test(value)) {
    errs.push(regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'))
  }
  errs.push(...chDirPrefixErrors(value))
  return errs
}

/**
 * The relaxed rule (RelaxedEnvironmentVariableValidation, on by default since
 * v1.32): any printable ASCII except '='. Pod validation uses this one.
 */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = []
  if (value.length === 0) errs.push('environment variable name must be non-empty')
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0
    if (code < 0x20 || code > 0x7e || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='")
      break
    }
  }
  return errs
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+'
const configMapKeyRe = anchored(configMapKeyFmt)

/** Keys of ConfigMap and Secret data: they become file names when mounted, hence no '..'. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = []
  if (byteLength(value) > 253) errs.push(maxLenError(253, 'characters'))
  if (!configMapKeyRe.test(value)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'))
  }
  errs.push(...chDirPrefixErrors(value))
  return errs
}

function chDirPrefixErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"]
  if (value === '..') return ["must not be '..'"]
  if (value.startsWith('..')) return ["must not start with '..'"]
  return []
}

// ---- Field issues, as upstream's field.Invalid and friends render them ----

const goEscapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' }

/** Go's %q for a string (ASCII control characters escaped; other text kept as is). */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0
    if (goEscapes[ch]) out += goEscapes[ch]
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return `${out}"`
}

/**
 * The bad value as field.Error prints it: strings with %q, string slices with
 * %#v. An empty slice prints as a nil one, `[]string(nil)`, because every
 * caller here passes values Go would hold as nil.
 */
function renderBadValue(value: string | readonly string[]): string {
  if (typeof value === 'string') return goQuote(value)
  if (value.length === 0) return '[]string(nil)'
  return `[]string{${value.map(goQuote).join(', ')}}`
}

/** `a.b` + `c` → `a.b.c`; an empty parent yields just the child. */
export function childPath(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child
}

export function invalidIssue(field: string, value: string | readonly string[], detail: string): FieldIssue {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${renderBadValue(value)}${detail ? `: ${detail}` : ''}` }
}

/** The key half of upstream's ValidateLabelName: one issue per problem. */
export function validateLabelName(key: string, fieldPath: string): FieldIssue[] {
  return isQualifiedName(key).map((msg) => invalidIssue(fieldPath, key, msg))
}

/** metav1 ValidateLabels: every key a qualified name, every value a label value. */
export function validateLabels(labels: Record<string, string> | null | undefined, fieldPath: string): FieldIssue[] {
  const issues: FieldIssue[] = []
  for (const [key, value] of Object.entries(labels ?? {})) {
    issues.push(...validateLabelName(key, fieldPath))
    for (const msg of isValidLabelValue(value)) issues.push(invalidIssue(fieldPath, value, msg))
  }
  return issues
}

/** Keys plus values, in bytes, across all annotations of one object. */
export const totalAnnotationSizeLimitBytes = 256 * 1024

/** ValidateAnnotations: keys are qualified names ignoring case; the total stays under 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | null | undefined, fieldPath: string): FieldIssue[] {
  const issues: FieldIssue[] = []
  let totalSize = 0
  for (const [key, value] of Object.entries(annotations ?? {})) {
    // Upstream lower-cases before checking but reports the key as written.
    for (const msg of isQualifiedName(key.toLowerCase())) issues.push(invalidIssue(fieldPath, key, msg))
    totalSize += byteLength(key) + byteLength(value)
  }
  if (totalSize > totalAnnotationSizeLimitBytes) {
    issues.push({ type: 'FieldValueTooLong', field: fieldPath, message: `Too long: may not be more than ${totalAnnotationSizeLimitBytes} bytes` })
  }
  return issues
}
