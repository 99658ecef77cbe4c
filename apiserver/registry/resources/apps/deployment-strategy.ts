// Deployment: defaults as apps/v1's, status owned by the controller,
// generation bumped by spec and annotation changes (annotations are copied
// to ReplicaSets, so they are part of what a rollout delivers), selector fixed.
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
import { keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { validateCollisionCountNotDecremented, validateReplicaStatus } from '../replica-status.ts'
import { validateDeploymentRollingUpdate, type RollingUpdate } from './rolling-update.ts'
import { templateWarnings } from '../core/pod-warnings.ts'

export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number
    selector?: LabelSelectorObject
    template?: PodTemplateSpec
    strategy?: { type?: string; rollingUpdate?: RollingUpdate | null }
    minReadySeconds?: number
    revisionHistoryLimit?: number
    paused?: boolean
    progressDeadlineSeconds?: number
    [field: string]: unknown
  }
  status?: Record<string, unknown>
}

function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {})
  spec.replicas ??= 1
  const strategy = (spec.strategy ??= {})
  strategy.type ||= 'RollingUpdate'
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {})
    ru.maxUnavailable ??= '25%'
    ru.maxSurge ??= '25%'
  }
  spec.revisionHistoryLimit ??= 10
  spec.progressDeadlineSeconds ??= 600
  defaultPodTemplate(spec.template)
}

function validateStrategy(strategy: { type?: string; rollingUpdate?: RollingUpdate | null } | undefined): FieldError[] {
  switch (strategy?.type) {
    case 'Recreate':
      return strategy.rollingUpdate ? [fieldErrors.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")] : []
    case 'RollingUpdate':
      return strategy.rollingUpdate
        ? validateDeploymentRollingUpdate(strategy.rollingUpdate, 'spec.strategy.rollingUpdate')
        : [fieldErrors.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')]
    default:
      return [fieldErrors.notSupported('spec.strategy', strategy ?? {}, ['Recreate', 'RollingUpdate'])]
  }
}

export function validateDeployment(d: Deployment): FieldError[] {
  const spec = d.spec ?? {}
  const errs = [
    ...validateNonNegative(spec.replicas, 'spec.replicas'),
    ...validateWorkloadSelector(spec.selector, spec.template?.metadata?.labels, { required: true, emptyFor: 'deployment' }),
    ...validateLongRunningTemplate(spec.template, 'ReplicaSet'),
    ...validateStrategy(spec.strategy),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ]
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds !== null) {
    errs.push(...validateNonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'))
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(fieldErrors.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'))
    }
  }
  return errs
}

export const deploymentStrategy: Strategy<Deployment> = {
  warnings: (obj, prev) => templateWarnings(obj.spec?.template, prev === undefined ? undefined : prev.spec?.template, 'spec.template'),
  defaults: defaultDeployment,
  prepareForCreate(d) {
    resetStatus(d)
    startGeneration(d)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    next.metadata.generation = prev.metadata.generation ?? 0
    if (!semanticEqual(next.spec, prev.spec) || !semanticEqual(next.metadata.annotations, prev.metadata.annotations)) next.metadata.generation += 1
  },
  // As upstream's status strategy, a status write may also set annotations (the
  // deployment controller records deployment.kubernetes.io/revision that way); spec and labels stay.
  prepareForStatusUpdate(next, _prev, requested) {
    if (requested.metadata?.annotations) next.metadata.annotations = requested.metadata.annotations
    else delete next.metadata.annotations
  },
  validate: validateDeployment,
  validateUpdate: (next, prev) => [...validateDeployment(next), ...validateImmutableField(next.spec?.selector, prev.spec?.selector, 'spec.selector')],
  validateStatusUpdate: (next, prev) => [
    ...validateReplicaStatus(next.status, {
      counts: ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'],
      subsets: ['updatedReplicas', 'readyReplicas', 'availableReplicas'],
      availableVsReadyMessage: 'cannot be greater than readyReplicas',
    }),
    ...validateCollisionCountNotDecremented(next.status, prev.status),
  ],
}
