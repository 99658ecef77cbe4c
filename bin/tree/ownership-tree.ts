// The ownership tree of one object, as the community kubectl-tree plugin
// prints it: every object whose ownerReferences name it, then theirs, with
// NAMESPACE, NAME (Kind/name with ├─ └─ │ branches), READY, REASON and AGE.
import type { KubeObject } from '../../shared/api-types.ts'
import { humanDuration } from '../../shared/human-duration.ts'

interface Condition {
  type?: string
  status?: string
  reason?: string
}

/** uid → objects that name it in their ownerReferences, sorted by kind then name. */
export function dependentsIndex(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const index = new Map<string, KubeObject[]>()
  for (const obj of objects) {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let list = index.get(ref.uid)
      if (!list) index.set(ref.uid, (list = []))
      if (!list.includes(obj)) list.push(obj)
    }
  }
  for (const list of index.values()) list.sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`))
  return index
}

function readyOf(obj: KubeObject): { ready: string; reason: string } {
  const conditions = ((obj as { status?: { conditions?: Condition[] } }).status?.conditions ?? [])
  const ready = conditions.find((c) => c.type === 'Ready')
  return ready ? { ready: ready.status ?? '-', reason: ready.reason ?? '' } : { ready: '-', reason: '' }
}

export function treeRows(root: KubeObject, objects: readonly KubeObject[], now: number): string[][] {
  const index = dependentsIndex(objects)
  const rows: string[][] = []
  const seen = new Set<string>()
  const visit = (obj: KubeObject, prefix: string, branch: string) => {
    const { ready, reason } = readyOf(obj)
    const created = Date.parse(obj.metadata.creationTimestamp ?? '')
    rows.push([obj.metadata.namespace ?? '', `${prefix}${branch}${obj.kind}/${obj.metadata.name}`, ready, reason, Number.isFinite(created) ? humanDuration(now - created) : '<unknown>'])
    const uid = obj.metadata.uid ?? ''
    if (seen.has(uid)) return // an ownership cycle: print it once
    seen.add(uid)
    const children = index.get(uid) ?? []
    const childPrefix = branch === '' ? '' : `${prefix}${branch === '└─' ? '  ' : '│ '}`
    children.forEach((child, i) => visit(child, childPrefix, i === children.length - 1 ? '└─' : '├─'))
  }
  visit(root, '', '')
  return rows
}

/** Columns padded as kubectl pads them: three spaces between, no trailing blanks. */
export function renderTable(header: readonly string[], rows: readonly string[][]): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)))
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length))).join('   ').trimEnd()).join('\n') + '\n'
}

export const treeHeader = ['NAMESPACE', 'NAME', 'READY', 'REASON', 'AGE'] as const
