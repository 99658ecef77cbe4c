// events.k8s.io/v1 Event: the structured form, which must say when, who
// (reportingController/Instance), what (action, reason) and how bad (type).
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isQualifiedName } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import type { Strategy } from '../../types.ts'
import { eventNoteLimit, eventTextLimit, type ObjectReference } from '../core/event-strategy.ts'

export interface EventsV1Event extends KubeObject {
  eventTime?: string | null
  series?: { count?: number; lastObservedTime?: string }
  reportingController?: string
  reportingInstance?: string
  action?: string
  reason?: string
  regarding?: ObjectReference
  related?: ObjectReference
  note?: string
  type?: string
  deprecatedSource?: { component?: string; host?: string }
  deprecatedFirstTimestamp?: string | null
  deprecatedLastTimestamp?: string | null
  deprecatedCount?: number
}

function validateEvent(event: EventsV1Event): FieldError[] {
  const errs: FieldError[] = []
  if (!event.eventTime) errs.push(fieldErrors.required('eventTime'))
  if (event.type !== 'Normal' && event.type !== 'Warning') errs.push(fieldErrors.invalid('type', '', `has invalid value: ${event.type ?? ''}`))
  if (event.series && (event.series.count ?? 0) < 2) errs.push(fieldErrors.invalid('series.count', '', 'should be at least 2'))
  const controller = event.reportingController ?? ''
  if (!controller) errs.push(fieldErrors.required('reportingController'))
  for (const msg of isQualifiedName(controller)) errs.push(fieldErrors.invalid('reportingController', controller, msg))
  for (const [field, limit] of [['reportingInstance', eventTextLimit], ['action', eventTextLimit], ['reason', eventTextLimit]] as const) {
    const value = event[field] ?? ''
    if (!value) errs.push(fieldErrors.required(field))
    if (value.length > limit) errs.push(fieldErrors.invalid(field, '', `can have at most ${limit} characters`))
  }
  if ((event.note ?? '').length > eventNoteLimit) errs.push(fieldErrors.invalid('note', '', `can have at most ${eventNoteLimit} characters`))
  return errs
}

// A series (count, lastObservedTime) is the only thing that moves after creation.
const frozenFields = ['eventTime', 'action', 'reason', 'reportingController', 'reportingInstance', 'regarding', 'related', 'note', 'type'] as const

export const eventsV1Strategy: Strategy<EventsV1Event> = {
  validate: validateEvent,
  validateUpdate(next, prev) {
    const errs = validateEvent(next)
    for (const field of frozenFields) {
      if (JSON.stringify(next[field] ?? null) !== JSON.stringify(prev[field] ?? null)) errs.push(fieldErrors.invalid(field, next[field] ?? null, 'field is immutable'))
    }
    return errs
  },
}
