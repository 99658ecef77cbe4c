// Event recording: core/v1 Events about an object, as client-go's
// tools/record recorder writes them.
//
// Contract:
// - event() never blocks and never throws: it stamps the time, queues the
//   Event and returns. One worker writes queued Events in order; a failed
//   write is logged and dropped. When the queue is full (1000, upstream's
//   maxQueuedEvents) new Events are dropped, as upstream drops them.
// - Names are `<object name>.<creation time in nanoseconds as hex>`, so a list
//   of an object's Events comes back in time order.
// - Repeats of one Event (same source, involved object, type, reason and
//   message) are not written again: the first occurrence is PATCHed with a
//   higher count and a new lastTimestamp. As upstream, repeats are
//   remembered in an LRU of 4096 keys, with no time window; if the first
//   occurrence is gone from the server, the Event is created again with its
//   count kept.
// - Not done (upstream's EventCorrelator does): folding >= 10 similar Events
//   with different messages into one "(combined from similar events)" Event,
//   and the per-object spam filter.
import type { KubeObject } from './api-types.ts'
import { realClock, type Clock } from './clock.ts'
import { isNotFound, type Client } from './client/index.ts'
import type { Logger } from './logger.ts'

export type EventType = 'Normal' | 'Warning'

export interface ObjectReference {
  kind?: string
  namespace?: string
  name?: string
  uid?: string
  apiVersion?: string
  resourceVersion?: string
}

export interface CoreEvent extends KubeObject {
  involvedObject: ObjectReference
  reason: string
  message: string
  source: { component: string; host?: string }
  firstTimestamp: string
  lastTimestamp: string
  /** Always null: only events.k8s.io/v1 Events carry eventTime; the core recorder leaves it unset. */
  eventTime: null
  count: number
  type: EventType
}

export interface EventRecorderOptions {
  client: Pick<Client, 'events'>
  /** source.component, e.g. 'default-scheduler'. */
  component: string
  /** source.host; upstream's scheduler and controller-manager leave it empty. */
  host?: string
  /** @default realClock */
  clock?: Clock
  log?: Logger
  /** Distinct Events remembered for aggregation. @default 4096 */
  cacheSize?: number
  /** Events waiting to be written before new ones are dropped. @default 1000 */
  queueSize?: number
}

interface Observation {
  name: string
  namespace: string
  count: number
  firstTimestamp: string
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

export class EventRecorder {
  readonly #opts: EventRecorderOptions
  readonly #clock: Clock
  readonly #cache = new Map<string, Observation>()
  readonly #queue: CoreEvent[] = []
  #draining: Promise<void> | undefined
  #lastNanos = 0n

  constructor(options: EventRecorderOptions) {
    if (!options.component) throw new RangeError('component must not be empty')
    this.#opts = options
    this.#clock = options.clock ?? realClock
  }

  /** Queues an Event about object; returns at once. */
  event(object: KubeObject, type: EventType, reason: string, message: string): void {
    const meta = object.metadata
    const now = this.#clock.now()
    const time = formatTime(now)
    const namespace = meta.namespace || 'default'
    const involvedObject: ObjectReference = {
      kind: object.kind, namespace: meta.namespace || undefined, name: meta.name,
      uid: meta.uid, apiVersion: object.apiVersion, resourceVersion: meta.resourceVersion,
    }
    const event: CoreEvent = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${meta.name}.${this.#nanos(now).toString(16)}`, namespace },
      involvedObject, reason, message, type,
      source: this.#opts.host ? { component: this.#opts.component, host: this.#opts.host } : { component: this.#opts.component },
      firstTimestamp: time, lastTimestamp: time, eventTime: null, count: 1,
    }
    if (this.#queue.length >= (this.#opts.queueSize ?? 1000)) {
      this.#opts.log?.warn({ reason, object: `${namespace}/${meta.name}` }, 'event queue full, dropping event')
      return
    }
    this.#queue.push(event)
    // Start the worker on a later turn: no part of the write runs in the caller.
    this.#draining ??= Promise.resolve().then(() => this.#drain())
  }

  /** Resolves once every Event queued so far was written (or failed). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining
  }

  /**
   * Nanoseconds since the epoch for a name. The clock has millisecond
   * resolution, so Events within one millisecond get consecutive
   * nanoseconds: names stay unique and in order.
   */
  #nanos(ms: number): bigint {
    let n = BigInt(ms) * 1_000_000n
    if (n <= this.#lastNanos) n = this.#lastNanos + 1n
    this.#lastNanos = n
    return n
  }

  async #drain(): Promise<void> {
    try {
      for (let event = this.#queue.shift(); event; event = this.#queue.shift()) {
        try {
          await this.#write(event)
        } catch (err) {
          this.#opts.log?.warn({ err, reason: event.reason, name: event.metadata.name, namespace: event.metadata.namespace }, 'failed to write event')
        }
      }
    } finally {
      this.#draining = undefined
    }
  }

  async #write(event: CoreEvent): Promise<void> {
    const key = JSON.stringify([event.source.component, event.source.host ?? '', event.involvedObject.kind, event.involvedObject.namespace,
      event.involvedObject.name, event.involvedObject.uid, event.involvedObject.apiVersion, event.type, event.reason, event.message])
    const events = this.#opts.client.events.namespace(event.metadata.namespace!)
    const seen = this.#cache.get(key)
    if (seen) {
      this.#cache.delete(key) // re-insert below: most recently used last
      const count = seen.count + 1
      this.#remember(key, { ...seen, count })
      try {
        await events.patch(seen.name, { count, lastTimestamp: event.lastTimestamp, message: event.message }, 'strategic')
        return
      } catch (err) {
        if (!isNotFound(err)) throw err
        // Deleted (TTL) while still cached: create it again, keeping the count.
        await events.create({ ...event, metadata: { ...event.metadata, name: seen.name }, firstTimestamp: seen.firstTimestamp, count })
        return
      }
    }
    this.#remember(key, { name: event.metadata.name!, namespace: event.metadata.namespace!, count: 1, firstTimestamp: event.firstTimestamp })
    await events.create(event)
  }

  #remember(key: string, observation: Observation): void {
    this.#cache.set(key, observation)
    if (this.#cache.size > (this.#opts.cacheSize ?? 4096)) this.#cache.delete(this.#cache.keys().next().value!)
  }
}
