// events.k8s.io/v1 Event. Upstream serves it from the same storage as core
// v1 events, converting between the two shapes (regarding ⇄ involvedObject,
// note ⇄ message, ...). Declared separately here: until the store can convert,
// objects written through one group are not visible through the other.
import { defineResource } from '../../types.ts'
import { eventsV1Strategy, type EventsV1Event } from './event-strategy.ts'
import { eventsV1Printer } from '../../../printers/event-printer.ts'

export const eventsV1Events = defineResource<EventsV1Event>({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  printer: eventsV1Printer,
  strategy: eventsV1Strategy,
  fieldSelectors: {
    'regarding.kind': (e) => e.regarding?.kind ?? '',
    'regarding.namespace': (e) => e.regarding?.namespace ?? '',
    'regarding.name': (e) => e.regarding?.name ?? '',
    'regarding.uid': (e) => e.regarding?.uid ?? '',
    'regarding.apiVersion': (e) => e.regarding?.apiVersion ?? '',
    'regarding.resourceVersion': (e) => e.regarding?.resourceVersion ?? '',
    'regarding.fieldPath': (e) => e.regarding?.fieldPath ?? '',
    reason: (e) => e.reason ?? '',
    reportingController: (e) => e.reportingController ?? '',
    type: (e) => e.type ?? '',
  },
})
