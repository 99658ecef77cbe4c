// The small formats many printers share: ages, label maps, container lists,
// booleans and "a,b,c + 2 more..." lists, each as upstream prints it.
import { labelSelectorObjectToString, type LabelSelectorObject } from '../../shared/label-selector.ts'
import { humanDuration } from '../../shared/human-duration.ts'

/** translateTimestampSince: the age of a timestamp at `now`, `<unknown>` when unset. */
export function since(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return '<unknown>'
  const at = Date.parse(timestamp)
  return Number.isNaN(at) ? '<unknown>' : humanDuration(now - at)
}

/** labels.FormatLabels: `a=b,c=d` sorted, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`)
  return pairs.length === 0 ? '<none>' : pairs.sort().join(',')
}

/** The selector's String(): '' for none or everything, `<invalid>` when it does not parse (printDeployment's form). */
export function selectorString(selector: LabelSelectorObject | null | undefined): string {
  try {
    return labelSelectorObjectToString(selector)
  } catch {
    return '<invalid>'
  }
}

export interface NamedImage {
  name?: string
  image?: string
}

/** layoutContainerCells: the CONTAINERS and IMAGES cells of a pod template. */
export function containerCells(containers: readonly NamedImage[] | null | undefined): [string, string] {
  const list = containers ?? []
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')]
}

export function printBool(value: boolean): string {
  return value ? 'True' : 'False'
}

/** printBoolPtr: `<unset>` for a missing field. */
export function printOptionalBool(value: boolean | null | undefined): string {
  return value === undefined || value === null ? '<unset>' : printBool(value)
}

/** listWithMoreString: at most `max` items, then ` + N more...`; `<unset>` for none. */
export function listWithMore(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(',')
  if (items.length > max) return `${shown} + ${items.length - max} more...`
  return shown === '' ? '<unset>' : shown
}
