// ReplicaSet: keeps `replicas` pods matching its selector running.
import type { KubeObject } from '../../../../shared/api-types.ts'
import type { LabelSelectorObject } from '../../../../shared/label-selector.ts'
import type { FieldError } from '../../../validation/field-error.ts'
import { validateImmutableField } from '../../../validation/immutable-field.ts'
import { validateNonNegative } from '../../../validation/number-fields.ts'
import type { PodTemplateSpec } from '../../../../shared/core-types.ts'
import { validateWorkloadSelector } from '../../../validation/workload-selector.ts'
import { validateLongRunningTemplate } from '../../../validation/workload-template.ts'
import type { Strategy } from '../../types.ts'
import { defaultPodTemplate } from '../core/pod-spec-defaults.ts'
import { bumpGenerationOnSpecChange, keepStatus, resetStatus, startGeneration } from '../spec-and-status.ts'
import { validateReplicaStatus } from '../replica-status.ts'
import { templateWarnings } from '../core/pod-warnings.ts'

export interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: LabelSelectorObject; template?: PodTemplateSpec; [field: string]: unknown }
  status?: { replicas?: number; [field: string]: unknown }
}

function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec ?? {}
  return [
    ...validateNonNegative(spec.replicas, 'spec.replicas'),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    // Upstream says "deployment" here too.
    ...validateWorkloadSelector(spec.selector, spec.template?.metadata?.labels, { required: true, emptyFor: 'deployment' }),
    ...validateLongRunningTemplate(spec.template, 'ReplicaSet'),
  ]
}

export const replicaSetStrategy: Strategy<ReplicaSet> = {
  warnings: (obj, prev) => templateWarnings(obj.spec?.template, prev === undefined ? undefined : prev.spec?.template, 'spec.template'),
  defaults(rs) {
    rs.spec ??= {}
    rs.spec.replicas ??= 1
    defaultPodTemplate(rs.spec.template)
  },
  prepareForCreate(rs) {
    resetStatus(rs, { replicas: 0 })
    startGeneration(rs)
  },
  prepareForUpdate(next, prev) {
    keepStatus(next, prev)
    bumpGenerationOnSpecChange(next, prev)
  },
  validate: validateReplicaSet,
  validateUpdate: (next, prev) => [...validateReplicaSet(next), ...validateImmutableField(next.spec?.selector, prev.spec?.selector, 'spec.selector')],
  validateStatusUpdate: (next) =>
    validateReplicaStatus(next.status, {
      counts: ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
      subsets: ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
      availableVsReadyMessage: 'cannot be greater than readyReplicas',
    }),
}
