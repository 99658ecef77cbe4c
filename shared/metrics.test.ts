import { describe, expect, it } from 'vitest'
import { exponentialBuckets, Registry } from './metrics.ts'

describe('Registry', () => {
  it('renders counters and gauges with labels in the text format', () => {
    const registry = new Registry()
    const attempts = registry.counter('scheduler_schedule_attempts_total', 'Number of attempts.')
    attempts.inc({ result: 'scheduled', profile: 'default-scheduler' })
    attempts.inc({ profile: 'default-scheduler', result: 'scheduled' })
    const pending = registry.gauge('scheduler_pending_pods', 'Pending pods.')
    pending.set({ queue: 'active' }, 3)
    expect(registry.render()).toBe(
      [
        '# HELP scheduler_schedule_attempts_total Number of attempts.',
        '# TYPE scheduler_schedule_attempts_total counter',
        'scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"} 2',
        '# HELP scheduler_pending_pods Pending pods.',
        '# TYPE scheduler_pending_pods gauge',
        'scheduler_pending_pods{queue="active"} 3',
        '',
      ].join('\n'),
    )
  })

  it('counts a histogram observation in every bucket it fits', () => {
    const registry = new Registry()
    const h = registry.histogram('latency_seconds', 'Latency.', [0.1, 1])
    h.observe({}, 0.05)
    h.observe({}, 0.5)
    h.observe({}, 5)
    const text = registry.render()
    expect(text).toContain('latency_seconds_bucket{le="0.1"} 1\n')
    expect(text).toContain('latency_seconds_bucket{le="1"} 2\n')
    expect(text).toContain('latency_seconds_bucket{le="+Inf"} 3\n')
    expect(text).toContain('latency_seconds_sum 5.55\n')
    expect(text).toContain('latency_seconds_count 3\n')
  })

  it('escapes label values and refuses a name twice', () => {
    const registry = new Registry()
    registry.counter('c', 'C.').inc({ reason: 'a "b"\\c' })
    expect(registry.render()).toContain('c{reason="a \\"b\\"\\\\c"} 1')
    expect(() => registry.counter('c', 'again')).toThrow()
  })

  it('builds exponential buckets', () => {
    expect(exponentialBuckets(0.001, 2, 4)).toEqual([0.001, 0.002, 0.004, 0.008])
  })
})
