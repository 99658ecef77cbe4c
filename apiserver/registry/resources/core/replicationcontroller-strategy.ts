// ReplicationController, the ReplicaSet's predecessor: its selector is a
// plain label map, defaulted from the template's labels.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { labelSelectorFromSet, matchesLabels } from '../../../../shared/label-selector.ts'
import { validateLabels } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import type { PodTemplateSpec } from '../../../../shared/core-types.ts'
import { selectorMismatchMessage } from '../../../validation/workload-selector.ts'
import { validateLongRunningTemplate } from '../../../validation/workload-template.ts'
import type { Strategy } from '../../types.ts'
import { validateReplicaStatus } from '../replica-status.ts'
import { bumpGenerationOnSpecChange, keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { defaultPodTemplate } from './pod-spec-defaults.ts'
import { templateWarnings } from './pod-warnings.ts'

export interface ReplicationController extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: Record<string, string>; template?: PodTemplateSpec; [field: string]: unknown }
  status?: { replicas?: number; [field: string]: unknown }
}

function defaultReplicationController(rc: ReplicationController): void {
  const spec = (rc.spec ??= {})
  const labels = spec.template?.metadata?.labels
  if (labels) {
    if (Object.keys(spec.selector ?? {}).length === 0) spec.selector = { ...labels }
    if (Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...labels }
  }
  spec.replicas ??= 1
  defaultPodTemplate(spec.template)
}

function validateReplicationController(rc: ReplicationController): FieldError[] {
  const spec = rc.spec ?? {}
  const errs: FieldError[] = [...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds')]
  const selector = spec.selector ?? {}
  if (Object.keys(selector).length === 0) errs.push(fieldErrors.required('spec.selector'))
  else errs.push(...validateLabels(selector, 'spec.selector'))
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'))
  if (spec.template && Object.keys(selector).length > 0 && !matchesLabels(labelSelectorFromSet(selector), spec.template.metadata?.labels)) {
    errs.push(fieldErrors.invalid('spec.template.metadata.labels', spec.template.metadata?.labels ?? {}, selectorMismatchMessage))
  }
  errs.push(...validateLongRunningTemplate(spec.template, 'ReplicationController'))
  return errs
}

export const replicationControllerStrategy: Strategy<ReplicationController> = {
  warnings: (obj, prev) => templateWarnings(obj.spec?.template, prev === undefined ? undefined : prev.spec?.template, 'spec.template'),
  defaults: defaultReplicationController,
  prepareForCreate(rc) {
    resetStatus(rc, { replicas: 0 })
    startGeneration(rc)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: validateReplicationController,
  validateUpdate: validateReplicationController,
  validateStatusUpdate: (next) =>
    validateReplicaStatus(next.status, {
      counts: ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
      subsets: ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
      availableVsReadyMessage: 'cannot be greater than readyReplicas',
    }),
}
