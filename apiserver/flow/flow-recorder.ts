// The apiserver's flow: every API request and every watch event it delivers,
// as one line each (shared/flow/flow-line.ts), handed to whoever listens:
// /debug/flow streams and, with --log-format flow, stdout. Callers check
// `active` first, so nothing is built while nobody listens.
import { flowTime } from '../../shared/flow/flow-line.ts'

export interface FlowRecord {
  /** Date.now() when it happened. */
  time: number
  /** The line without its timestamp. */
  text: string
  /** The object's namespace and name, for filters; undefined when there is no single object. */
  namespace?: string
  name?: string
}

export interface FlowFilter {
  namespace?: string
  name?: string
}

/** A record as a line: `12:04:05.123 kubectl → apiserver  …`. */
export function flowLine(record: FlowRecord): string {
  return `${flowTime(record.time)} ${record.text}`
}

export function matchesFilter(record: FlowRecord, filter: FlowFilter): boolean {
  if (filter.namespace !== undefined && record.namespace !== filter.namespace) return false
  if (filter.name !== undefined && record.name !== filter.name) return false
  return true
}

interface Subscriber {
  filter: FlowFilter
  send(record: FlowRecord): void
}

export class FlowRecorder {
  /** True while anything listens; the hot paths read only this. */
  active = false
  readonly #subscribers = new Set<Subscriber>()
  #printer: ((line: string) => void) | undefined

  /** Every record, as a line, to `print` (the apiserver's --log-format flow). */
  printTo(print: ((line: string) => void) | undefined): void {
    this.#printer = print
    this.#update()
  }

  get printing(): boolean {
    return this.#printer !== undefined
  }

  get subscriberCount(): number {
    return this.#subscribers.size
  }

  /** Records matching `filter` go to `send` until the returned function is called. */
  subscribe(filter: FlowFilter, send: (record: FlowRecord) => void): () => void {
    const subscriber: Subscriber = { filter, send }
    this.#subscribers.add(subscriber)
    this.#update()
    return () => {
      this.#subscribers.delete(subscriber)
      this.#update()
    }
  }

  record(text: string, namespace?: string, name?: string): void {
    if (!this.active) return
    const record: FlowRecord = { time: Date.now(), text, namespace, name }
    for (const s of this.#subscribers) if (matchesFilter(record, s.filter)) s.send(record)
    this.#printer?.(flowLine(record))
  }

  #update(): void {
    this.active = this.#printer !== undefined || this.#subscribers.size > 0
  }
}
