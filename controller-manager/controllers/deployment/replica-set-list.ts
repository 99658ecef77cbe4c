// Questions about a Deployment's ReplicaSets that upstream answers in
// deployment/util and controller_utils: which is the new one, which are
// old, in which order to scale them, how many pods they hold.
import { equalIgnoreHash } from './template-equality.ts'
import { replicasOf, type Deployment, type ReplicaSet } from './deployment-types.ts'

function createdAt(rs: ReplicaSet): number {
  const t = Date.parse(rs.metadata.creationTimestamp ?? '')
  return Number.isNaN(t) ? 0 : t
}

/** Oldest first; the name breaks ties (upstream's ReplicaSetsByCreationTimestamp). */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  const d = createdAt(a) - createdAt(b)
  if (d !== 0) return d
  const an = a.metadata.name ?? ''
  const bn = b.metadata.name ?? ''
  return an < bn ? -1 : an > bn ? 1 : 0
}

/** Largest first; of equal size the older first: scale down old ones first (ReplicaSetsBySizeOlder). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const d = replicasOf(b) - replicasOf(a)
  return d !== 0 ? d : byCreationTimestamp(a, b)
}

/** Largest first; of equal size the newer first: scale up new ones first (ReplicaSetsBySizeNewer). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const d = replicasOf(b) - replicasOf(a)
  return d !== 0 ? d : byCreationTimestamp(b, a)
}

/** ReplicaSets that have, or ought to have, pods. */
export function filterActive(list: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return list.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0)
}

/** Sum of spec.replicas. */
export function specReplicaCount(list: readonly (ReplicaSet | undefined)[]): number {
  return list.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0)
}

/** Sum of status.replicas (pods that exist). */
export function actualReplicaCount(list: readonly (ReplicaSet | undefined)[]): number {
  return list.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0)
}

export function readyReplicaCount(list: readonly (ReplicaSet | undefined)[]): number {
  return list.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0)
}

export function availableReplicaCount(list: readonly (ReplicaSet | undefined)[]): number {
  return list.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0)
}

/**
 * The ReplicaSet whose template is the Deployment's; of several (it happens
 * after upgrades), deterministically the oldest.
 */
export function findNewReplicaSet(d: Deployment, list: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...list].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template))
}

/** Every ReplicaSet but the new one (`all`), and those of them with replicas (`active`). */
export function findOldReplicaSets(d: Deployment, list: readonly ReplicaSet[]): { active: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, list)
  const all = list.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid)
  return { active: all.filter((rs) => replicasOf(rs) !== 0), all }
}

/**
 * The only active ReplicaSet, or when none is active the newest (the new one
 * if it exists); undefined when several are active, which calls for
 * proportional scaling.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a))
  const active = filterActive([...newestFirst, newRS])
  if (active.length === 0) return newRS ?? newestFirst[0]
  return active.length === 1 ? active[0] : undefined
}
