// core/v1 Event. Old-style events (no eventTime) only need their namespace to
// agree with the involved object's; new-style ones (eventTime set, as
// events.k8s.io clients write them) must name who reported what.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isDNS1123Subdomain, isQualifiedName } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import type { Strategy } from '../../types.ts'

export interface ObjectReference {
  kind?: string
  namespace?: string
  name?: string
  uid?: string
  apiVersion?: string
  resourceVersion?: string
  fieldPath?: string
}

export interface Event extends KubeObject {
  involvedObject?: ObjectReference
  reason?: string
  message?: string
  source?: { component?: string; host?: string }
  type?: string
  eventTime?: string | null
  reportingComponent?: string
  reportingInstance?: string
  action?: string
}

// Upstream's limits for the new-style fields.
export const eventTextLimit = 128
export const eventNoteLimit = 1024

function validateEvent(event: Event): FieldError[] {
  const errs: FieldError[] = []
  const namespace = event.metadata.namespace ?? ''
  const involvedNamespace = event.involvedObject?.namespace ?? ''
  const mismatch = () => fieldErrors.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace')
  if (!event.eventTime) {
    // Old clients put events about cluster-scoped objects in "default".
    if (involvedNamespace ? namespace !== involvedNamespace : namespace !== '' && namespace !== 'default') errs.push(mismatch())
  } else {
    if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch())
    const controller = event.reportingComponent ?? ''
    if (!controller) errs.push(fieldErrors.required('reportingComponent'))
    for (const msg of isQualifiedName(controller)) errs.push(fieldErrors.invalid('reportingComponent', controller, msg))
    for (const [field, limit] of [['reportingInstance', eventTextLimit], ['action', eventTextLimit], ['reason', eventTextLimit]] as const) {
      const value = event[field] ?? ''
      if (!value) errs.push(fieldErrors.required(field))
      if (value.length > limit) errs.push(fieldErrors.invalid(field, '', `can have at most ${limit} characters`))
    }
    if ((event.message ?? '').length > eventNoteLimit) errs.push(fieldErrors.invalid('message', '', `can have at most ${eventNoteLimit} characters`))
  }
  for (const msg of isDNS1123Subdomain(namespace)) errs.push(fieldErrors.invalid('namespace', namespace, msg))
  return errs
}

export const eventStrategy: Strategy<Event> = {
  validate: validateEvent,
  // Recorders update count and lastTimestamp in place, so nothing is frozen.
  validateUpdate: validateEvent,
}
