// The scheduler's metrics, under upstream kube-scheduler's names so that the
// same dashboards and queries work.
import { exponentialBuckets, Registry, type Counter, type Gauge, type Histogram } from '../shared/metrics.ts'

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error'

export class SchedulerMetrics {
  readonly registry = new Registry()
  readonly attempts: Counter = this.registry.counter(
    'scheduler_schedule_attempts_total',
    'Number of attempts to schedule pods, by the result. \'unschedulable\' means a pod could not be scheduled, while \'error\' means an internal scheduler problem.',
  )
  readonly attemptDuration: Histogram = this.registry.histogram(
    'scheduler_scheduling_attempt_duration_seconds',
    'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
    exponentialBuckets(0.001, 2, 15),
  )
  readonly podSchedulingSLI: Histogram = this.registry.histogram(
    'scheduler_pod_scheduling_sli_duration_seconds',
    'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.',
    exponentialBuckets(0.01, 2, 20),
  )
  readonly pendingPods: Gauge = this.registry.gauge(
    'scheduler_pending_pods',
    "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods.",
  )
  readonly cacheSize: Gauge = this.registry.gauge('scheduler_scheduler_cache_size', 'Number of nodes, pods, and assumed (bound) pods in the scheduler cache.')
  readonly preemptionAttempts: Counter = this.registry.counter('scheduler_preemption_attempts_total', 'Total preemption attempts in the cluster till now')
  readonly preemptionVictims: Histogram = this.registry.histogram('scheduler_preemption_victims', 'Number of selected preemption victims', exponentialBuckets(1, 2, 7))
  /** kubeling's own: cumulative seconds per stage (queue wait, filter, score, bind round trip), for the benchmark's breakdown. */
  readonly stageSeconds: Gauge = this.registry.gauge('kubeling_scheduler_stage_seconds', 'Cumulative seconds spent per scheduling stage: queue (waiting in activeQ), filter, score, bind (binding round trips, overlapping).')
  readonly profile: string

  constructor(profile: string) {
    this.profile = profile
  }

  attempt(result: AttemptResult, seconds: number): void {
    this.attempts.inc({ result, profile: this.profile })
    this.attemptDuration.observe({ result, profile: this.profile }, seconds)
  }
}
