// DaemonSet: one pod per eligible node. A template change bumps both
// generation and the template generation (kept, as in apps/v1, in the
// `deprecated.daemonset.template.generation` annotation).
import type { KubeObject } from '../../../../shared/api-types.ts'
import type { LabelSelectorObject } from '../../../../shared/label-selector.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import type { PodTemplateSpec } from '../../../../shared/core-types.ts'
import { validateWorkloadSelector } from '../../../validation/workload-selector.ts'
import { validateLongRunningTemplate } from '../../../validation/workload-template.ts'
import type { Strategy } from '../../types.ts'
import { defaultPodTemplate } from '../core/pod-spec-defaults.ts'
import { validateCollisionCountNotDecremented, validateReplicaStatus } from '../replica-status.ts'
import { keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { validateDaemonSetRollingUpdate, type RollingUpdate } from './rolling-update.ts'
import { templateWarnings } from '../core/pod-warnings.ts'

export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation'

export interface DaemonSet extends KubeObject {
  spec?: {
    selector?: LabelSelectorObject
    template?: PodTemplateSpec
    updateStrategy?: { type?: string; rollingUpdate?: RollingUpdate | null }
    minReadySeconds?: number
    revisionHistoryLimit?: number
    [field: string]: unknown
  }
  status?: Record<string, unknown>
}

function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= {})
  const strategy = (spec.updateStrategy ??= {})
  strategy.type ||= 'RollingUpdate'
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {})
    ru.maxUnavailable ??= 1
    ru.maxSurge ??= 0
  }
  spec.revisionHistoryLimit ??= 10
  defaultPodTemplate(spec.template)
}

function validateUpdateStrategy(strategy: { type?: string; rollingUpdate?: RollingUpdate | null } | undefined): FieldError[] {
  switch (strategy?.type) {
    case 'OnDelete':
      return []
    case 'RollingUpdate':
      return strategy.rollingUpdate ? validateDaemonSetRollingUpdate(strategy.rollingUpdate, 'spec.updateStrategy.rollingUpdate') : [fieldErrors.required('spec.updateStrategy.rollingUpdate')]
    default:
      return [fieldErrors.notSupported('spec.updateStrategy', strategy ?? {}, ['RollingUpdate', 'OnDelete'])]
  }
}

function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const spec = ds.spec ?? {}
  return [
    ...validateWorkloadSelector(spec.selector, spec.template?.metadata?.labels, { required: false, emptyFor: 'daemonset' }),
    ...validateLongRunningTemplate(spec.template, 'DaemonSet'),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateUpdateStrategy(spec.updateStrategy),
    ...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ]
}

function templateGeneration(ds: DaemonSet): number {
  const value = Number(ds.metadata.annotations?.[templateGenerationAnnotation] ?? 0)
  return Number.isInteger(value) && value > 0 ? value : 0
}

function setTemplateGeneration(ds: DaemonSet, value: number): void {
  ds.metadata.annotations = { ...ds.metadata.annotations, [templateGenerationAnnotation]: String(value) }
}

export const daemonSetStrategy: Strategy<DaemonSet> = {
  warnings: (obj, prev) => templateWarnings(obj.spec?.template, prev === undefined ? undefined : prev.spec?.template, 'spec.template'),
  defaults: defaultDaemonSet,
  prepareForCreate(ds) {
    resetStatus(ds, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 })
    startGeneration(ds)
    setTemplateGeneration(ds, Math.max(1, templateGeneration(ds)))
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    next.metadata.generation = prev.metadata.generation ?? 0
    if (!semanticEqual(next.spec?.template, prev.spec?.template)) {
      setTemplateGeneration(next, templateGeneration(prev) + 1)
      next.metadata.generation += 1
    } else {
      setTemplateGeneration(next, templateGeneration(prev) || 1)
      if (!semanticEqual(next.spec, prev.spec)) next.metadata.generation += 1
    }
  },
  validate: validateDaemonSet,
  validateUpdate: (next, prev) => [...validateDaemonSet(next), ...validateImmutableField(next.spec?.selector, prev.spec?.selector, 'spec.selector')],
  validateStatusUpdate: (next, prev) => [
    ...validateReplicaStatus(next.status, {
      counts: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'],
      subsets: [],
    }),
    ...validateCollisionCountNotDecremented(next.status, prev.status),
  ],
}
