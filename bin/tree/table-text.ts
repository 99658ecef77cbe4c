// A plain-text table as kubectl prints one: columns left-aligned, padded to
// the widest cell (counted in characters, so `├─` is two), three spaces
// apart, no trailing blanks.

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows]
  const width = (s: string) => [...s].length
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))))
  const line = (r: readonly string[]) => r.map((cell, i) => cell + ' '.repeat(widths[i] - width(cell))).join('   ').trimEnd()
  return all.map(line).join('\n') + '\n'
}
