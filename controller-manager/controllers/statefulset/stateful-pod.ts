// A StatefulSet pod's identity and storage (upstream's stateful_set_utils.go):
// name `<set>-<ordinal>`, the pod-name and pod-index labels, hostname and
// subdomain, one PVC `<claim>-<set>-<ordinal>` per volumeClaimTemplate, and
// the revision label. Pure functions over objects.
import type { OwnerReference } from '../../../shared/api-types.ts'
import type { Pod, Volume } from '../../../shared/core-types.ts'
import { podFromTemplate } from '../../pod-control.ts'
import { revisionLabel, templateFromRevision, type ControllerRevision } from '../history/controller-revision.ts'
import { isPodAvailable, isPodReady } from '../../pod-conditions.ts'
import type { PersistentVolumeClaimTemplate, StatefulSet, StatefulSetStatus } from './statefulset-types.ts'

export const podNameLabel = 'statefulset.kubernetes.io/pod-name'
export const podIndexLabel = 'apps.kubernetes.io/pod-index'

const statefulPodName = /^(.*)-([0-9]+)$/

/** The set name and ordinal a pod's name encodes; ordinal -1 when it encodes none. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = statefulPodName.exec(pod.metadata.name ?? '')
  if (!m) return { parent: '', ordinal: -1 }
  const ordinal = Number(m[2])
  // Go parses into an int32; larger numbers are not ordinals.
  return Number.isSafeInteger(ordinal) && ordinal <= 2147483647 ? { parent: m[1], ordinal } : { parent: m[1], ordinal: -1 }
}

export function getOrdinal(pod: Pod): number {
  return parentAndOrdinal(pod).ordinal
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`
}

/** spec.ordinals.start (0 when unset). */
export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0
}

/** The last ordinal of the wanted range (start - 1 when replicas is 0). */
export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + (set.spec?.replicas ?? 1) - 1
}

export function podInOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const ordinal = getOrdinal(pod)
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set)
}

/** The pod's name says it belongs to set (upstream's isMemberOf). */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name
}

export function claimName(set: StatefulSet, claim: PersistentVolumeClaimTemplate, ordinal: number): string {
  return `${claim.metadata?.name ?? ''}-${set.metadata.name}-${ordinal}`
}

export interface PersistentVolumeClaim {
  apiVersion: 'v1'
  kind: 'PersistentVolumeClaim'
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: OwnerReference[]; [field: string]: unknown }
  spec?: Record<string, unknown>
}

/** The claims the pod needs, by template name (upstream's getPersistentVolumeClaims): labelled with the set's matchLabels. */
export function persistentVolumeClaims(set: StatefulSet, pod: Pod): Map<string, PersistentVolumeClaim> {
  const ordinal = getOrdinal(pod)
  const claims = new Map<string, PersistentVolumeClaim>()
  for (const template of set.spec?.volumeClaimTemplates ?? []) {
    const copy = structuredClone(template)
    const metadata = { ...copy.metadata }
    delete metadata.name
    claims.set(template.metadata?.name ?? '', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...metadata,
        name: claimName(set, template, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...copy.metadata?.labels, ...set.spec?.selector?.matchLabels },
      },
      ...(copy.spec ? { spec: copy.spec } : {}),
    })
  }
  return claims
}

/** Whether name, namespace and labels are the ones the ordinal gives (upstream's identityMatches). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod)
  return ordinal >= 0 && set.metadata.name === parent && pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[podNameLabel] === pod.metadata.name &&
    pod.metadata.labels?.[podIndexLabel] === String(ordinal)
}

/** Sets name, namespace and the identity labels (upstream's updateIdentity). */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = getOrdinal(pod)
  pod.metadata.name = podName(set, ordinal)
  pod.metadata.namespace = set.metadata.namespace
  pod.metadata.labels = { ...pod.metadata.labels, [podNameLabel]: pod.metadata.name, [podIndexLabel]: String(ordinal) }
}

/** Whether every claim template is mounted from the pod's own claim (upstream's storageMatches). */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod)
  if (ordinal < 0) return false
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]))
  for (const template of set.spec?.volumeClaimTemplates ?? []) {
    const volume = volumes.get(template.metadata?.name)
    const source = volume?.persistentVolumeClaim as { claimName?: string } | undefined
    if (source?.claimName !== claimName(set, template, ordinal)) return false
  }
  return true
}

/** Points each claim template's volume at the pod's claim; other volumes stay (upstream's updateStorage). */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = persistentVolumeClaims(set, pod)
  const templates = set.spec?.volumeClaimTemplates ?? []
  if (templates.length === 0) return
  const spec = (pod.spec ??= {})
  const kept: Volume[] = (spec.volumes ?? []).filter((v) => !claims.has(v.name ?? ''))
  for (const template of templates) {
    const name = template.metadata?.name ?? ''
    kept.push({ name, persistentVolumeClaim: { claimName: claims.get(name)?.metadata.name } })
  }
  spec.volumes = kept
}

/** A new pod for ordinal from the set's template (upstream's newStatefulSetPod). */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const owner = { ...set, apiVersion: 'apps/v1', kind: 'StatefulSet' }
  const pod = podFromTemplate(set.spec?.template, owner)
  pod.metadata.name = podName(set, ordinal)
  updateIdentity(set, pod)
  // Set once at creation: the pod's DNS name is <hostname>.<serviceName>.
  pod.spec = { ...pod.spec, hostname: pod.metadata.name }
  if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName
  updateStorage(set, pod)
  return pod
}

export function getPodRevision(pod: Pod): string {
  return pod.metadata.labels?.[revisionLabel] ?? ''
}

export function setPodRevision(pod: Pod, revision: string): void {
  pod.metadata.labels = { ...pod.metadata.labels, [revisionLabel]: revision }
}

/** The set with the revision's template (upstream's ApplyRevision). */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  return { ...set, spec: { ...set.spec, template: templateFromRevision(revision) } }
}

/**
 * A pod for ordinal at the right revision (upstream's newVersionedStatefulSetPod):
 * below the partition it is made from the current revision, else from the update revision.
 */
export function newVersionedStatefulSetPod(currentSet: StatefulSet, updateSet: StatefulSet, currentRevision: string, updateRevision: string, ordinal: number): Pod {
  const strategy = currentSet.spec?.updateStrategy
  const belowPartition = strategy?.type === 'RollingUpdate' && (
    (!strategy.rollingUpdate && ordinal < (currentSet.status?.currentReplicas ?? 0)) ||
    (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null && ordinal < (strategy.rollingUpdate.partition ?? 0))
  )
  const pod = newStatefulSetPod(belowPartition ? currentSet : updateSet, ordinal)
  setPodRevision(pod, belowPartition ? currentRevision : updateRevision)
  return pod
}

/** The apiserver gave it a phase: it exists. */
export function isCreated(pod: Pod): boolean {
  return Boolean(pod.status?.phase)
}

export function isPending(pod: Pod): boolean {
  return pod.status?.phase === 'Pending'
}

export function isFailed(pod: Pod): boolean {
  return pod.status?.phase === 'Failed'
}

export function isSucceeded(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded'
}

export function isTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata.deletionTimestamp)
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod)
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now)
}

/** Running, ready and not going away. */
export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod)
}

/** Counts for status over some pods (upstream's computeReplicaStatus). */
export function replicaCounts(pods: readonly Pod[], minReadySeconds: number, currentRevision: string, updateRevision: string, now: number): Pick<StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'> {
  const counts = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 }
  for (const pod of pods) {
    if (isCreated(pod)) counts.replicas++
    if (isRunningAndReady(pod)) {
      counts.readyReplicas++
      if (isRunningAndAvailable(pod, minReadySeconds, now)) counts.availableReplicas++
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const revision = getPodRevision(pod)
      if (revision === currentRevision) counts.currentReplicas++
      if (revision === updateRevision) counts.updatedReplicas++
    }
  }
  return counts
}
