// Reading what kubectl prints: tables from `get` and the layout of `describe`.

/** Non-empty lines. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '')

/** Table lines as cells: kubectl pads columns with at least three spaces, cells hold at most one. */
export const rows = (text: string): string[][] => lines(text).map((l) => l.trim().split(/\s{3,}/))

/** Sections of a multi-kind `get` (`get deploy,rs,po`, `get all`), each as rows. */
export const sections = (text: string): string[][][] => text.split('\n\n').map(rows).filter((s) => s.length > 0)

/** The value of a top-level `describe` field (`Name:`, `Status:`…), or undefined when absent. */
export function describeField(text: string, field: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${field}:`))
  return line?.slice(field.length + 1).trim()
}

/** The continuation lines of a multi-line `describe` field such as `Labels:`: its values, trimmed. */
export function describeValues(text: string, field: string): string[] {
  const all = text.split('\n')
  const at = all.findIndex((l) => l.startsWith(`${field}:`))
  if (at < 0) return []
  const values = [all[at].slice(field.length + 1).trim()]
  for (const l of all.slice(at + 1)) {
    // Continuation lines are indented to the value column; the next field starts at column 0.
    if (!l.startsWith(' ') || l.trim() === '') break
    values.push(l.trim())
  }
  return values
}

/** The indented lines under a `describe` heading such as `Conditions:`, each split into cells (describe pads with two spaces or more). */
export function describeSection(text: string, heading: string): string[][] {
  const all = text.split('\n')
  const at = all.findIndex((l) => l.startsWith(`${heading}:`))
  if (at < 0) return []
  const body: string[][] = []
  for (const l of all.slice(at + 1)) {
    if (!l.startsWith(' ')) break
    body.push(l.trim().split(/\s{2,}/))
  }
  return body
}

/**
 * The rows under `describe`'s `Events:` heading (Type Reason Age From Message),
 * each split into its five cells; `[]` for `Events: <none>`, undefined when there is no such heading.
 */
export function describeEvents(text: string): string[][] | undefined {
  const all = text.split('\n')
  const at = all.findIndex((l) => l.startsWith('Events:'))
  if (at < 0) return undefined
  if (all[at].trim().endsWith('<none>')) return []
  const table = all.slice(at + 1).filter((l) => l.startsWith('  '))
  const [header, rule, ...body] = table.map((l) => l.trim().split(/\s{2,}/))
  if (header.join(' ') !== 'Type Reason Age From Message' || rule[0] !== '----') throw new Error(`not an events table:\n${table.join('\n')}`)
  return body
}

/**
 * A `get` table cut at the header's column offsets, so empty cells (an absent
 * `-L` label) keep their place: kubectl's tabwriter starts each column at the same offset on every line.
 */
export function columns(text: string): string[][] {
  const [header, ...body] = lines(text)
  const starts = [...header.matchAll(/(?:^|\s{3})(\S)/g)].map((m) => m.index + m[0].length - 1)
  const cut = (line: string) => starts.map((start, i) => line.slice(start, starts[i + 1]).trim())
  return [cut(header), ...body.map(cut)]
}
