// The ownership tree of one object, as the community kubectl-tree plugin
// prints it: every object whose ownerReferences name it, then theirs, one
// row each with NAMESPACE, NAME (`Kind/name` behind ├─ └─ │ branches),
// READY, REASON and AGE.
import type { KubeObject } from '../../shared/api-types.ts'
import { humanDuration } from '../../shared/human-duration.ts'

interface Condition {
  type?: string
  status?: string
  reason?: string
}

export const treeHeader = ['NAMESPACE', 'NAME', 'READY', 'REASON', 'AGE'] as const

/**
 * uid → the objects whose ownerReferences name it, each once, sorted by kind,
 * then name, then namespace (byte order, as the plugin's Go sort.Sort does).
 */
export function dependentsIndex(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const index = new Map<string, Map<string, KubeObject>>()
  for (const obj of objects) {
    const uid = obj.metadata.uid
    if (!uid) continue
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let dependents = index.get(ref.uid)
      if (!dependents) index.set(ref.uid, (dependents = new Map()))
      dependents.set(uid, obj)
    }
  }
  const byKindNameNamespace = (a: KubeObject, b: KubeObject) =>
    compare(a.kind ?? '', b.kind ?? '') || compare(a.metadata.name ?? '', b.metadata.name ?? '') || compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '')
  return new Map([...index].map(([uid, dependents]) => [uid, [...dependents.values()].sort(byKindNameNamespace)]))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** READY and REASON: the object's `Ready` condition, `-` when it has none (a Deployment, a ReplicaSet). */
export function readiness(obj: KubeObject): { ready: string; reason: string } {
  const conditions = (obj as { status?: { conditions?: Condition[] } }).status?.conditions
  const ready = Array.isArray(conditions) ? conditions.find((c) => c?.type === 'Ready') : undefined
  return { ready: ready?.status || '-', reason: ready?.reason ?? '' }
}

/** AGE as `kubectl get` prints it, `<unknown>` without a creationTimestamp. */
export function age(obj: KubeObject, now: number): string {
  const created = Date.parse(obj.metadata.creationTimestamp ?? '')
  return Number.isFinite(created) ? humanDuration(now - created) : '<unknown>'
}

/** The rows under treeHeader: `root` first, then its dependents depth-first. */
export function treeRows(root: KubeObject, dependents: ReadonlyMap<string, readonly KubeObject[]>, now: number): string[][] {
  const rows: string[][] = []
  const onPath = new Set<string>()
  // `prefix` is what the ancestors draw: `│ ` under a parent with later
  // siblings still to come, blanks under one that was its parent's last.
  const visit = (obj: KubeObject, prefix: string, branch: string) => {
    const { ready, reason } = readiness(obj)
    rows.push([obj.metadata.namespace ?? '', `${prefix}${branch}${obj.kind}/${obj.metadata.name}`, ready, reason, age(obj, now)])
    const uid = obj.metadata.uid ?? ''
    // An ownership cycle (only possible by hand-written ownerReferences) is drawn once around.
    if (onPath.has(uid)) return
    onPath.add(uid)
    const children = dependents.get(uid) ?? []
    const childPrefix = branch === '' ? '' : prefix + (branch === '└─' ? '  ' : '│ ')
    children.forEach((child, i) => visit(child, childPrefix, i === children.length - 1 ? '└─' : '├─'))
    onPath.delete(uid)
  }
  visit(root, '', '')
  return rows
}
