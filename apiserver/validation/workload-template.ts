// The pod template of a long-running controller (ReplicationController,
// ReplicaSet, Deployment, DaemonSet, StatefulSet): a valid template whose
// pods restart forever and have no deadline.
import { fieldErrors, type FieldError } from './field-error.ts'
import type { PodTemplateSpec } from '../../shared/core-types.ts'
import { validatePodTemplateSpec } from './pod-spec.ts'

/** `controllerKind` names the kind in upstream's message, e.g. "ReplicaSet" (Deployments say that too). */
export function validateLongRunningTemplate(template: PodTemplateSpec | undefined, controllerKind: string): FieldError[] {
  if (!template) return [fieldErrors.required('spec.template')]
  const errs = validatePodTemplateSpec(template, 'spec.template')
  const restartPolicy = template.spec?.restartPolicy
  if (restartPolicy !== 'Always') errs.push(fieldErrors.notSupported('spec.template.spec.restartPolicy', restartPolicy ?? '', ['Always']))
  if (template.spec?.activeDeadlineSeconds !== undefined && template.spec.activeDeadlineSeconds !== null) {
    errs.push(fieldErrors.forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${controllerKind} is not Supported`))
  }
  return errs
}
