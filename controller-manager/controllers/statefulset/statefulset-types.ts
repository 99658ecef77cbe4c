// apps/v1 StatefulSet as the controller reads it.
import type { KubeObject } from '../../../shared/api-types.ts'
import type { PodTemplateSpec } from '../../../shared/core-types.ts'
import type { LabelSelectorObject } from '../../../shared/label-selector.ts'

export interface PersistentVolumeClaimTemplate {
  apiVersion?: string
  kind?: string
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [field: string]: unknown }
  spec?: Record<string, unknown>
  status?: Record<string, unknown>
}

export interface StatefulSetStatus {
  observedGeneration?: number
  replicas: number
  readyReplicas?: number
  currentReplicas?: number
  updatedReplicas?: number
  availableReplicas: number
  currentRevision?: string
  updateRevision?: string
  collisionCount?: number
  [field: string]: unknown
}

export interface StatefulSet extends KubeObject {
  spec?: {
    replicas?: number
    selector?: LabelSelectorObject
    template?: PodTemplateSpec
    volumeClaimTemplates?: PersistentVolumeClaimTemplate[]
    serviceName?: string
    podManagementPolicy?: string
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } | null }
    revisionHistoryLimit?: number
    minReadySeconds?: number
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string }
    ordinals?: { start?: number }
    [field: string]: unknown
  }
  status?: StatefulSetStatus
}
