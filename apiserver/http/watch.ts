// Watch streams: one JSON event per line over a chunked response, as
// kube-apiserver writes them. Selectors turn into upstream's transitions: an
// object that starts matching arrives as ADDED, one that stops as DELETED.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject } from '../../shared/api-types.ts'
import { apiVersionOf } from '../../shared/api-types.ts'
import type { Store, StoreEvent, StoredObject } from '../storage/store.ts'
import { StorageError } from '../storage/store.ts'
import { failure } from '../status-error.ts'
import type { ResourceDefinition } from '../registry/types.ts'
import type { OutputFormat } from './negotiation.ts'
import type { Selection } from './selection.ts'
import { toTable, type IncludeObject } from './table.ts'
import { logRequest } from './request-log.ts'
import type { FlowRecorder } from '../flow/flow-recorder.ts'
import { recordRequest, requesterName } from '../flow/request-flow.ts'
import { watchLine } from '../../shared/flow/flow-line.ts'

export interface WatchSettings {
  /** How often a watch that allows bookmarks gets one. */
  bookmarkIntervalMs: number
  /** A watcher whose unsent bytes exceed this is disconnected (it re-watches). */
  maxBufferedBytes: number
  /** Told of each event as it leaves for its watcher, while anyone listens. */
  flow?: FlowRecorder
  /** Log the watch request as it ends. @default true */
  requestLog?: boolean
}

export interface WatchRequest {
  def: ResourceDefinition
  prefix: string
  selection: Selection
  /** The resourceVersion query parameter, as sent. */
  resourceVersion?: string
  sendInitialEvents: boolean
  allowBookmarks: boolean
  timeoutSeconds?: number
  format: OutputFormat
  include: IncludeObject
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export function serveWatch(store: Store, settings: WatchSettings, req: WatchRequest, request: FastifyRequest, reply: FastifyReply): void {
  const { def, selection } = req
  const res = reply.raw
  reply.hijack()
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' })
  res.flushHeaders()

  const table = req.format.type === 'table' ? req.format.version : undefined
  const encode = (type: EventType, stored: StoredObject): string | Buffer => {
    if (table) return `{"type":"${type}","object":${JSON.stringify(toTable(def, [stored.object], { include: req.include, version: table, resourceVersion: String(stored.revision) }))}}\n`
    return encodedEvent(type, stored)
  }

  let closed = false
  let lastRevision = 0
  const timers: NodeJS.Timeout[] = []
  let watch: { stop(): void } | undefined
  const started = performance.now()
  const flow = settings.flow
  const finish = () => {
    closed = true
    watch?.stop()
    for (const t of timers) clearTimeout(t)
    const ms = performance.now() - started
    if (settings.requestLog ?? true) logRequest(request, 200, ms)
    if (flow?.active) recordRequest(flow, request, 200, undefined, `watch ${(ms / 1000).toFixed(1)} s`)
  }
  const close = () => {
    if (closed) return
    finish()
    flush()
    res.end()
  }
  // Events delivered in one tick (one commit batch) leave in one socket write:
  // loopback writes are most of the cost of fanning out to many watchers.
  let pending: Buffer[] = []
  let pendingBytes = 0
  // Events bound for the flow leave with the chunk that carries them.
  let flowPending: StoredObject[] | undefined
  let flowTypes: EventType[] | undefined
  let watcher: string | undefined
  const flush = () => {
    if (pending.length === 0) return
    const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes)
    pending = []
    pendingBytes = 0
    if (res.destroyed) return
    res.write(chunk)
    if (flowPending !== undefined) recordFlow()
    // A watcher that cannot keep up is cut off rather than buffering without bound.
    if (res.writableLength > settings.maxBufferedBytes) {
      request.log.warn({ resource: def.plural, buffered: res.writableLength }, 'watch buffer overflow; closing slow watcher')
      finish()
      res.destroy()
    }
  }
  const noteFlow = (type: EventType, stored: StoredObject) => {
    if (flowPending === undefined) {
      flowPending = []
      flowTypes = []
    }
    flowPending.push(stored)
    flowTypes!.push(type)
  }
  const recordFlow = () => {
    const objects = flowPending!
    const types = flowTypes!
    flowPending = flowTypes = undefined
    if (!flow!.active) return
    watcher ??= requesterName(request)
    const kind = def.kind.toLowerCase()
    for (let i = 0; i < objects.length; i++) {
      const { namespace, name } = objects[i].object.metadata
      flow!.record(watchLine({ to: watcher, type: types[i], kind, namespace, name: name ?? '', rv: String(objects[i].revision) }), namespace, name)
    }
  }
  /** Queues one event for this watcher. */
  const send = (type: EventType, stored: StoredObject) => {
    write(encode(type, stored))
    if (flow !== undefined && flow.active) noteFlow(type, stored)
  }
  const write = (line: string | Buffer) => {
    if (closed) return
    const bytes = typeof line === 'string' ? Buffer.from(line) : line
    if (pending.length === 0) process.nextTick(flush)
    pending.push(bytes)
    pendingBytes += bytes.length
  }
  const bookmark = (revision: number, initialEventsEnd = false) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(revision) }
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' }
    write(`{"type":"BOOKMARK","object":${JSON.stringify({ kind: def.kind, apiVersion: apiVersionOf(def.group, def.version), metadata })}}\n`)
  }

  request.raw.on('close', close)
  res.on('close', close)

  const rvText = req.resourceVersion
  const fromScratch = !rvText || rvText === '0' || req.sendInitialEvents
  let from = fromScratch ? store.revision : Number(rvText)

  const onEvent = (event: StoreEvent) => {
    if (closed) return
    const type = transition(event, selection)
    if (type === 'DELETED' && event.type === 'MODIFIED') {
      // The object stopped matching: upstream sends its previous content, at the event's revision.
      send(type, withRevision(event.previous!, event.revision))
    } else if (type) {
      send(type, event.current)
    }
    lastRevision = event.revision
  }

  try {
    if (fromScratch) {
      // The current state as synthetic ADDED events, then changes after it.
      const list = store.list(req.prefix, selection.everything ? undefined : { filter: (s) => selection.matches(s.object) })
      from = list.revision
      for (const item of list.items) send('ADDED', item)
      watch = store.watch(req.prefix, { fromRevision: from }, onEvent)
      if (req.sendInitialEvents) bookmark(from, true)
    } else {
      watch = store.watch(req.prefix, { fromRevision: from }, onEvent)
    }
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Expired') {
      const status = failure(410, 'Expired', `too old resource version: ${from} (${err.oldestRevision ?? store.oldestWatchableRevision})`)
      write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`)
      close()
      return
    }
    throw err
  }
  lastRevision = Math.max(lastRevision, from)

  if (req.allowBookmarks) {
    const tick = () => {
      bookmark(Math.max(lastRevision, store.committedRevision))
      timers[0] = setTimeout(tick, settings.bookmarkIntervalMs)
    }
    timers[0] = setTimeout(tick, settings.bookmarkIntervalMs)
  }
  if (req.timeoutSeconds && req.timeoutSeconds > 0) timers.push(setTimeout(close, req.timeoutSeconds * 1000))
}

// One encoding per event and type, shared by every watcher that sends it.
const encodedEvents = new WeakMap<StoredObject, Partial<Record<EventType, Buffer>>>()

function encodedEvent(type: EventType, stored: StoredObject): Buffer {
  let byType = encodedEvents.get(stored)
  if (!byType) encodedEvents.set(stored, (byType = {}))
  return (byType[type] ??= Buffer.from(`{"type":"${type}","object":${stored.json}}\n`))
}

function withRevision(stored: StoredObject, revision: number): StoredObject {
  const object = { ...stored.object, metadata: { ...stored.object.metadata, resourceVersion: String(revision) } }
  return { key: stored.key, object, json: JSON.stringify(object), revision }
}

function transition(event: StoreEvent, selection: Selection): EventType | undefined {
  if (selection.everything) return event.type
  const now = event.type !== 'DELETED' && selection.matches(event.current.object)
  const before = event.previous !== undefined && selection.matches(event.previous.object as KubeObject)
  if (event.type === 'DELETED') return before ? 'DELETED' : undefined
  if (event.type === 'ADDED') return now ? 'ADDED' : undefined
  if (now && before) return 'MODIFIED'
  if (now) return 'ADDED'
  if (before) return 'DELETED'
  return undefined
}
