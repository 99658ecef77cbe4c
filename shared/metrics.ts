// A small Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format (version 0.0.4) that upstream
// components serve on /metrics. Enough for a few dozen series per process.

type Labels = Record<string, string>

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels)
  if (extra) pairs.push(extra)
  if (pairs.length === 0) return ''
  return `{${pairs.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`
}

function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf'
  if (n === -Infinity) return '-Inf'
  return String(n)
}

interface Metric {
  readonly name: string
  render(): string
}

abstract class Series<V> implements Metric {
  readonly name: string
  readonly #help: string
  readonly #type: string
  protected readonly series = new Map<string, { labels: Labels; value: V }>()

  constructor(name: string, help: string, type: string) {
    this.name = name
    this.#help = help
    this.#type = type
  }

  protected entry(labels: Labels, initial: () => V): { labels: Labels; value: V } {
    const key = seriesKey(labels)
    let entry = this.series.get(key)
    if (!entry) {
      entry = { labels: { ...labels }, value: initial() }
      this.series.set(key, entry)
    }
    return entry
  }

  protected abstract lines(labels: Labels, value: V): string[]

  render(): string {
    const out = [`# HELP ${this.name} ${this.#help}`, `# TYPE ${this.name} ${this.#type}`]
    for (const { labels, value } of this.series.values()) out.push(...this.lines(labels, value))
    return out.join('\n')
  }
}

export class Counter extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, 'counter')
  }

  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels, () => 0).value += by
  }

  get(labels: Labels = {}): number {
    return this.series.get(seriesKey(labels))?.value ?? 0
  }

  protected lines(labels: Labels, value: number): string[] {
    return [`${this.name}${labelText(labels)} ${formatNumber(value)}`]
  }
}

export class Gauge extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge')
  }

  set(labels: Labels, value: number): void {
    this.entry(labels, () => 0).value = value
  }

  get(labels: Labels = {}): number {
    return this.series.get(seriesKey(labels))?.value ?? 0
  }

  protected lines(labels: Labels, value: number): string[] {
    return [`${this.name}${labelText(labels)} ${formatNumber(value)}`]
  }
}

interface HistogramValue {
  counts: number[]
  sum: number
  count: number
}

/** Buckets are upper bounds; each observation counts in every bucket it fits, as Prometheus expects. */
export class Histogram extends Series<HistogramValue> {
  readonly buckets: readonly number[]

  constructor(name: string, help: string, buckets: readonly number[]) {
    super(name, help, 'histogram')
    this.buckets = [...buckets].sort((a, b) => a - b)
  }

  observe(labels: Labels, value: number): void {
    const entry = this.entry(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 })).value
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) entry.counts[i]++
    entry.sum += value
    entry.count++
  }

  /** Observations so far with these labels. */
  count(labels: Labels = {}): number {
    return this.series.get(seriesKey(labels))?.value.count ?? 0
  }

  protected lines(labels: Labels, value: HistogramValue): string[] {
    const out = this.buckets.map((le, i) => `${this.name}_bucket${labelText(labels, ['le', formatNumber(le)])} ${value.counts[i]}`)
    out.push(`${this.name}_bucket${labelText(labels, ['le', '+Inf'])} ${value.count}`)
    out.push(`${this.name}_sum${labelText(labels)} ${formatNumber(value.sum)}`)
    out.push(`${this.name}_count${labelText(labels)} ${value.count}`)
    return out
  }
}

/** start, start*factor, … (count buckets), as Prometheus' ExponentialBuckets. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Number((start * factor ** i).toPrecision(12)))
}

export class Registry {
  readonly #metrics = new Map<string, Metric>()

  register<M extends Metric>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`)
    this.#metrics.set(metric.name, metric)
    return metric
  }

  counter(name: string, help: string): Counter {
    return this.register(new Counter(name, help))
  }

  gauge(name: string, help: string): Gauge {
    return this.register(new Gauge(name, help))
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, buckets))
  }

  /** The exposition text, served with content type `text/plain; version=0.0.4`. */
  render(): string {
    return [...this.#metrics.values()].map((m) => m.render()).join('\n') + '\n'
  }
}

export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8'
