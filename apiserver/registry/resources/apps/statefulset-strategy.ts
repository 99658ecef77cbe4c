// StatefulSet: pods with stable names and storage. After creation only
// replicas, ordinals, template, updateStrategy, the PVC retention policy and
// minReadySeconds may change.
import type { KubeObject } from '../../../../shared/api-types.ts'
import type { LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { validateAnnotations, validateLabels } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { intOrPercentValue, validateNotMoreThan100Percent, validatePositiveIntOrPercent } from '../../../validation/int-or-percent.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import type { PodTemplateSpec } from '../../../../shared/core-types.ts'
import { validateWorkloadSelector } from '../../../validation/workload-selector.ts'
import type { Strategy } from '../../types.ts'
import { defaultPodTemplate } from '../core/pod-spec-defaults.ts'
import { validateCollisionCountNotDecremented, validateReplicaStatus } from '../replica-status.ts'
import { bumpGenerationOnSpecChange, keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { templateWarnings } from '../core/pod-warnings.ts'

interface StatefulSetSpec {
  replicas?: number
  selector?: LabelSelectorObject
  template?: PodTemplateSpec
  volumeClaimTemplates?: Array<{ apiVersion?: string; kind?: string; metadata?: Record<string, unknown>; spec?: Record<string, unknown>; status?: Record<string, unknown> }>
  serviceName?: string
  podManagementPolicy?: string
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } | null }
  revisionHistoryLimit?: number
  minReadySeconds?: number
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string }
  ordinals?: { start?: number }
  [field: string]: unknown
}

export interface StatefulSet extends KubeObject {
  spec?: StatefulSetSpec
  status?: Record<string, unknown>
}

function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= {})
  spec.podManagementPolicy ||= 'OrderedReady'
  const strategy = (spec.updateStrategy ??= {})
  if (!strategy.type) {
    strategy.type = 'RollingUpdate'
    strategy.rollingUpdate ??= {}
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {})
  retention.whenDeleted ||= 'Retain'
  retention.whenScaled ||= 'Retain'
  spec.replicas ??= 1
  spec.revisionHistoryLimit ??= 10
  defaultPodTemplate(spec.template)
  // Claim templates are PersistentVolumeClaims and get their defaults.
  for (const claim of spec.volumeClaimTemplates ?? []) {
    claim.apiVersion ||= 'v1'
    claim.kind ||= 'PersistentVolumeClaim'
    claim.spec ??= {}
    claim.spec.volumeMode ||= 'Filesystem'
    claim.status ??= { phase: 'Pending' }
  }
}

function validateStatefulSetSpec(spec: StatefulSetSpec): FieldError[] {
  const errs: FieldError[] = []
  switch (spec.podManagementPolicy ?? '') {
    case '':
      errs.push(fieldErrors.required('spec.podManagementPolicy'))
      break
    case 'OrderedReady':
    case 'Parallel':
      break
    default:
      errs.push(fieldErrors.invalid('spec.podManagementPolicy', spec.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"))
  }
  const strategy = spec.updateStrategy ?? {}
  const ruPath = 'spec.updateStrategy.rollingUpdate'
  switch (strategy.type ?? '') {
    case '':
      errs.push(fieldErrors.required('spec.updateStrategy'))
      break
    case 'OnDelete':
      if (strategy.rollingUpdate) errs.push(fieldErrors.invalid(ruPath, strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"))
      break
    case 'RollingUpdate': {
      const ru = strategy.rollingUpdate
      if (!ru) break
      errs.push(...validateNonNegative(ru.partition, `${ruPath}.partition`))
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${ruPath}.maxUnavailable`))
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(fieldErrors.invalid(`${ruPath}.maxUnavailable`, ru.maxUnavailable, 'cannot be 0'))
        errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, `${ruPath}.maxUnavailable`))
      }
      break
    }
    default:
      errs.push(fieldErrors.invalid('spec.updateStrategy', strategy, "must be 'RollingUpdate' or 'OnDelete'"))
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy
  for (const field of ['whenDeleted', 'whenScaled'] as const) {
    const value = retention?.[field]
    if (retention && value !== 'Retain' && value !== 'Delete') errs.push(fieldErrors.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${field}`, value ?? '', ['Retain', 'Delete']))
  }
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'))
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'))
  errs.push(...validateNonNegative(spec.ordinals?.start, 'spec.ordinals.start'))
  errs.push(...validateWorkloadSelector(spec.selector, spec.template?.metadata?.labels, { required: true, emptyFor: 'statefulset' }))
  // Upstream checks only the template's labels and annotations here, not its pod spec.
  errs.push(...validateLabels(spec.template?.metadata?.labels, 'spec.template.labels'), ...validateAnnotations(spec.template?.metadata?.annotations, 'spec.template.annotations'))
  const restartPolicy = spec.template?.spec?.restartPolicy
  if (restartPolicy !== 'Always') errs.push(fieldErrors.notSupported('spec.template.spec.restartPolicy', restartPolicy ?? '', ['Always']))
  if (spec.template?.spec?.activeDeadlineSeconds !== undefined) errs.push(fieldErrors.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'))
  return errs
}

const updatableFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'] as const

function validateStatefulSetUpdate(next: StatefulSet, prev: StatefulSet): FieldError[] {
  const errs = validateStatefulSetSpec(next.spec ?? {})
  const rest = (spec: StatefulSetSpec | undefined) => {
    const copy: Record<string, unknown> = { ...spec }
    for (const field of updatableFields) delete copy[field]
    return copy
  }
  if (!semanticEqual(rest(next.spec), rest(prev.spec))) {
    errs.push(fieldErrors.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
  }
  return errs
}

export const statefulSetStrategy: Strategy<StatefulSet> = {
  warnings: (obj, prev) => templateWarnings(obj.spec?.template, prev === undefined ? undefined : prev.spec?.template, 'spec.template'),
  defaults: defaultStatefulSet,
  prepareForCreate(sts) {
    resetStatus(sts, { replicas: 0, availableReplicas: 0 })
    startGeneration(sts)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: (sts) => validateStatefulSetSpec(sts.spec ?? {}),
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: (next, prev) => [
    ...validateReplicaStatus(next.status, {
      counts: ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'],
      subsets: ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'],
      availableVsReadyMessage: 'cannot be greater than status.readyReplicas',
    }),
    ...validateCollisionCountNotDecremented(next.status, prev.status),
  ],
}
