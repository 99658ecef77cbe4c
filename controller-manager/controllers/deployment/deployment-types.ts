// The apps/v1 Deployment and ReplicaSet shapes this controller reads and
// writes, and the annotation keys and condition reasons upstream's
// deployment controller puts on them (kubectl and users read these
// verbatim). Fields it does not touch round-trip through the index signatures.
import type { KubeObject } from '../../../shared/api-types.ts'
import type { PodTemplateSpec } from '../../../shared/core-types.ts'
import type { LabelSelectorObject } from '../../../shared/label-selector.ts'

type Open = { [field: string]: unknown }

/** An int or a percentage string such as '25%' (upstream's IntOrString). */
export type IntOrPercent = number | string

export interface DeploymentCondition extends Open {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
  lastUpdateTime?: string
  lastTransitionTime?: string
}

export interface DeploymentStatus extends Open {
  observedGeneration?: number
  replicas?: number
  updatedReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  unavailableReplicas?: number
  conditions?: DeploymentCondition[]
  collisionCount?: number
}

export interface Deployment extends KubeObject {
  spec: Open & {
    replicas?: number
    selector?: LabelSelectorObject | null
    template?: PodTemplateSpec
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } | null }
    minReadySeconds?: number
    revisionHistoryLimit?: number
    paused?: boolean
    progressDeadlineSeconds?: number
  }
  status?: DeploymentStatus
}

export interface ReplicaSetCondition extends Open {
  type: string
  status: string
  reason?: string
  message?: string
  lastTransitionTime?: string
}

export interface ReplicaSet extends KubeObject {
  spec: Open & {
    replicas?: number
    minReadySeconds?: number
    selector?: LabelSelectorObject | null
    template?: PodTemplateSpec
  }
  status?: Open & {
    replicas?: number
    fullyLabeledReplicas?: number
    readyReplicas?: number
    availableReplicas?: number
    observedGeneration?: number
    conditions?: ReplicaSetCondition[]
  }
}

/** The label that keeps the ReplicaSets of one Deployment apart (apps.DefaultDeploymentUniqueLabelKey). */
export const podTemplateHashLabel = 'pod-template-hash'

export const revisionAnnotation = 'deployment.kubernetes.io/revision'
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history'
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas'
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas'
/** Set by conversion from extensions/v1beta1 and apps/v1beta1 rollbackTo; apps/v1 has no field for it. */
export const rollbackToAnnotation = 'deprecated.deployment.rollback.to'
export const lastAppliedConfigAnnotation = 'kubectl.kubernetes.io/last-applied-configuration'

export const conditionProgressing = 'Progressing'
export const conditionAvailable = 'Available'
export const conditionReplicaFailure = 'ReplicaFailure'

/** Condition reasons, as upstream's deployment util names them. */
export const reasons = {
  replicaSetUpdated: 'ReplicaSetUpdated',
  failedRSCreate: 'ReplicaSetCreateError',
  newReplicaSet: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const

/** Event reasons of the deprecated rollback path. */
export const rollbackReasons = {
  done: 'DeploymentRollback',
  revisionNotFound: 'DeploymentRollbackRevisionNotFound',
  templateUnchanged: 'DeploymentRollbackTemplateUnchanged',
} as const

/** Go's math.MaxInt32: progressDeadlineSeconds and revisionHistoryLimit at this value mean "none". */
export const maxInt32 = 2147483647

/** spec.replicas; the apiserver defaults it to 1, so absence only happens in hand-built objects. */
export function replicasOf(obj: Deployment | ReplicaSet): number {
  return obj.spec.replicas ?? 1
}

export function isRollingUpdate(d: Deployment): boolean {
  return d.spec.strategy?.type === 'RollingUpdate'
}

export function isRecreate(d: Deployment): boolean {
  return d.spec.strategy?.type === 'Recreate'
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds
  return s !== undefined && s !== null && s !== maxInt32
}

export function hasRevisionHistoryLimit(d: Deployment): boolean {
  const l = d.spec.revisionHistoryLimit
  return l !== undefined && l !== null && l !== maxInt32
}
