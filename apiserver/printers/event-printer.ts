// Events as `kubectl get events` shows them. core/v1 and events.k8s.io/v1
// events share one printer, as upstream, which stores both as one internal
// type: the newer shape is mapped onto the older one first.
import type { KubeObject } from '../../shared/api-types.ts'
import { since } from './cell-formats.ts'
import { column, definePrinter, nameColumn, type Cell } from './printer.ts'

interface ObjectReference {
  kind?: string
  name?: string
  fieldPath?: string
}

interface EventSeries {
  count?: number
  lastObservedTime?: string
}

interface CoreEvent extends KubeObject {
  involvedObject?: ObjectReference
  reason?: string
  message?: string
  source?: { component?: string; host?: string }
  firstTimestamp?: string
  lastTimestamp?: string
  count?: number
  type?: string
  eventTime?: string
  series?: EventSeries
  /** reportingController in Go; the JSON name is older. */
  reportingComponent?: string
  reportingInstance?: string
}

interface EventsV1Event extends KubeObject {
  eventTime?: string
  series?: EventSeries
  reportingController?: string
  reportingInstance?: string
  reason?: string
  regarding?: ObjectReference
  note?: string
  type?: string
  deprecatedSource?: { component?: string; host?: string }
  deprecatedFirstTimestamp?: string
  deprecatedLastTimestamp?: string
  deprecatedCount?: number
}

/** formatEventSource: component (or reporting controller), then `, host` (or reporting instance) when known. */
function eventSource(e: CoreEvent): string {
  const component = e.source?.component || e.reportingComponent || ''
  const instance = e.source?.host || e.reportingInstance || ''
  return instance ? `${component}, ${instance}` : component
}

function eventCells(e: CoreEvent, now: number): Cell[] {
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now)
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first
  let count = e.count ?? 0
  if (e.series) {
    last = since(e.series.lastObservedTime, now)
    count = e.series.count ?? 0
  } else if (count === 0) {
    // Singleton events of the newer API carry no count.
    count = 1
  }
  const kind = (e.involvedObject?.kind ?? '').toLowerCase()
  const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind
  return [last, e.type ?? '', e.reason ?? '', target, e.involvedObject?.fieldPath ?? '', eventSource(e), (e.message ?? '').trim(), first, count, e.metadata.name ?? '']
}

const eventColumns = [
  column('Last Seen', 'string', 'core.Event.lastTimestamp'),
  column('Type', 'string', 'core.Event.type'),
  column('Reason', 'string', 'core.Event.reason'),
  column('Object', 'string', 'core.Event.involvedObject'),
  column('Subobject', 'string', 'core.ObjectReference.fieldPath', { priority: 1 }),
  column('Source', 'string', 'core.Event.source', { priority: 1 }),
  column('Message', 'string', 'core.Event.message'),
  column('First Seen', 'string', 'core.Event.firstTimestamp', { priority: 1 }),
  column('Count', 'string', 'core.Event.count', { priority: 1 }),
  { ...nameColumn, priority: 1 },
]

export const eventPrinter = definePrinter<CoreEvent>({ columns: eventColumns, cells: eventCells })

/** The core/v1 shape of an events.k8s.io/v1 Event, as upstream's conversion makes it. */
function asCoreEvent(e: EventsV1Event): CoreEvent {
  return {
    metadata: e.metadata,
    involvedObject: e.regarding,
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime,
    series: e.series,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  }
}

export const eventsV1Printer = definePrinter<EventsV1Event>({ columns: eventColumns, cells: (e, now) => eventCells(asCoreEvent(e), now) })
