// The scheduler's main loop (upstream's scheduleOne), wired to the informers.
//
// Informer handlers only sort events: a pending pod of ours goes into the
// scheduling queue; a bound pod, a node or a namespace goes into the cache,
// and may move unschedulable pods back to the queue. The loop pops one pod at
// a time, decides synchronously (filters, scores), assumes the pod onto the
// chosen node, and binds it in the background, so the next pod can be
// decided while the binding is on the wire.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { performance } from 'node:perf_hooks'
import type { KubeObject } from '../shared/api-types.ts'
import { isConflict, isNotFound, type Client } from '../shared/client/index.ts'
import { realClock, type Clock } from '../shared/clock.ts'
import type { Condition, Node, Pod } from '../shared/core-types.ts'
import type { EventRecorder } from '../shared/event-recorder.ts'
import type { Informer } from '../shared/informer/index.ts'
import type { Logger } from '../shared/logger.ts'
import { SchedulerCache } from './cache.ts'
import { failureMessage, truncateEventMessage } from './fit-error.ts'
import { podInfoOf, podKey, type ClusterEvent, type PodInfo } from './framework.ts'
import type { SchedulerMetrics } from './metrics.ts'
import { evaluatePreemption } from './preemption.ts'
import { PodScheduler, type Profile, type StageTimes } from './schedule-pod.ts'
import { SchedulingQueue, type QueuedPodInfo, type SchedulingQueueOptions } from './scheduling-queue.ts'

export interface SchedulerOptions {
  client: Pick<Client, 'pods'>
  pods: Informer<Pod>
  nodes: Informer<Node>
  namespaces: Informer<KubeObject>
  profile: Profile
  recorder: EventRecorder
  metrics: SchedulerMetrics
  log: Logger
  clock?: Clock
  queue?: Omit<SchedulingQueueOptions, 'clock'>
  /** Try preemption for pods that fit nowhere. @default true */
  preemption?: boolean
}

/** Where each stage's time went, cumulative; the benchmark prints it. */
export interface SchedulerTimings extends StageTimes {
  /** Time pods waited in the active queue before their attempt. */
  queue: number
  /** Time from sending a binding to its answer (overlaps the other stages). */
  bind: number
  scheduled: number
}

function isAssigned(pod: Pod): boolean {
  return Boolean(pod.spec?.nodeName)
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** Node changes that can make a pod fit that did not: labels, taints, cordon, allocatable. */
function schedulingRelevantChange(oldNode: Node, newNode: Node): boolean {
  const view = (n: Node) => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable])
  return view(oldNode) !== view(newNode)
}

export class Scheduler {
  readonly cache = new SchedulerCache()
  readonly queue: SchedulingQueue
  readonly timings: SchedulerTimings = { queue: 0, filter: 0, score: 0, bind: 0, scheduled: 0 }
  readonly #opts: SchedulerOptions
  readonly #clock: Clock
  readonly #algorithm: PodScheduler
  readonly #pluginsByEvent = new Map<ClusterEvent, Set<string>>()
  readonly #bindings = new Set<Promise<void>>()

  constructor(options: SchedulerOptions) {
    this.#opts = options
    this.#clock = options.clock ?? realClock
    this.queue = new SchedulingQueue({ ...options.queue, clock: this.#clock })
    this.#algorithm = new PodScheduler(options.profile)
    for (const plugin of options.profile.filters) {
      for (const event of plugin.events) {
        let names = this.#pluginsByEvent.get(event)
        if (!names) this.#pluginsByEvent.set(event, (names = new Set()))
        names.add(plugin.name)
      }
    }
    this.#watchPods(options.pods)
    this.#watchNodes(options.nodes)
    this.#watchNamespaces(options.namespaces)
  }

  /** Pods whose spec.schedulerName names this profile are ours to place. */
  responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? 'default-scheduler') === this.#opts.profile.schedulerName
  }

  /** Schedules pods until signal aborts; in-flight bindings finish first. */
  async run(signal: AbortSignal): Promise<void> {
    const log = this.#opts.log
    log.info({ profile: this.#opts.profile.schedulerName }, 'scheduling started')
    try {
      while (!signal.aborted) {
        const queued = await this.queue.pop(signal)
        if (!queued) break
        try {
          this.#scheduleOne(queued)
        } catch (err) {
          log.error({ err, pod: queued.podInfo.key }, 'scheduling attempt failed')
          this.#opts.metrics.attempt('error', 0)
          this.queue.addBackoff(queued)
        }
        // Let sockets and timers run between pods: pop() resolves on a
        // microtask while the active queue is full.
        await nextTurn()
      }
    } finally {
      await Promise.allSettled([...this.#bindings])
    }
  }

  /** Waits for bindings in flight (tests and shutdown). */
  async flushBindings(): Promise<void> {
    while (this.#bindings.size > 0) await Promise.allSettled([...this.#bindings])
  }

  /** Refreshes the gauges that are read from state rather than counted. */
  refreshGauges(): void {
    const { metrics } = this.#opts
    const lengths = this.queue.lengths()
    metrics.pendingPods.set({ queue: 'active' }, lengths.active)
    metrics.pendingPods.set({ queue: 'backoff' }, lengths.backoff)
    metrics.pendingPods.set({ queue: 'unschedulable' }, lengths.unschedulable)
    const stats = this.cache.stats()
    metrics.cacheSize.set({ type: 'nodes' }, stats.nodes)
    metrics.cacheSize.set({ type: 'pods' }, stats.pods)
    metrics.cacheSize.set({ type: 'assumed_pods' }, stats.assumed)
    for (const stage of ['queue', 'filter', 'score', 'bind'] as const) metrics.stageSeconds.set({ stage }, this.timings[stage] / 1000)
  }

  #moveUnschedulable(event: ClusterEvent): void {
    const interested = this.#pluginsByEvent.get(event)
    this.queue.moveAllToActiveOrBackoff(event, (plugins) => {
      for (const name of plugins) if (interested?.has(name)) return true
      return false
    })
  }

  #watchPods(informer: Informer<Pod>): void {
    informer.addEventHandler({
      onAdd: (pod) => {
        if (isTerminal(pod)) return
        if (isAssigned(pod)) {
          this.cache.setPod(pod)
          this.#moveUnschedulable('PodAdd')
        } else if (this.responsibleFor(pod) && !pod.metadata.deletionTimestamp && !pod.spec?.schedulingGates?.length) {
          this.queue.add(podInfoOf(pod))
        }
      },
      onUpdate: (oldPod, pod) => {
        if (isTerminal(pod)) return this.#podGone(pod)
        if (isAssigned(pod)) {
          if (!isAssigned(oldPod)) this.queue.delete(podKey(pod))
          this.cache.setPod(pod)
          this.#moveUnschedulable(isAssigned(oldPod) ? 'PodUpdate' : 'PodAdd')
        } else if (this.responsibleFor(pod)) {
          const key = podKey(pod)
          if (pod.metadata.deletionTimestamp || pod.spec?.schedulingGates?.length) this.queue.delete(key)
          else if (this.queue.has(key)) this.queue.update(oldPod, podInfoOf(pod))
          else if (!this.cache.isAssumed(key)) this.queue.add(podInfoOf(pod))
        }
      },
      onDelete: (pod) => this.#podGone(pod),
    })
  }

  #podGone(pod: Pod): void {
    const key = podKey(pod)
    this.queue.delete(key)
    if (this.cache.nodeOf(key) !== undefined) {
      this.cache.removePod(pod)
      this.#moveUnschedulable('PodDelete')
    }
  }

  #watchNodes(informer: Informer<Node>): void {
    informer.addEventHandler({
      onAdd: (node) => {
        this.cache.setNode(node)
        this.#moveUnschedulable('NodeAdd')
      },
      onUpdate: (oldNode, node) => {
        this.cache.setNode(node)
        if (schedulingRelevantChange(oldNode, node)) this.#moveUnschedulable('NodeUpdate')
      },
      onDelete: (node) => this.cache.removeNode(node.metadata.name ?? ''),
    })
  }

  #watchNamespaces(informer: Informer<KubeObject>): void {
    informer.addEventHandler({
      onAdd: (ns) => this.cache.setNamespace(ns.metadata.name ?? '', ns.metadata.labels ?? {}),
      onUpdate: (_, ns) => {
        this.cache.setNamespace(ns.metadata.name ?? '', ns.metadata.labels ?? {})
        this.#moveUnschedulable('NamespaceChange')
      },
      onDelete: (ns) => this.cache.removeNamespace(ns.metadata.name ?? ''),
    })
  }

  #scheduleOne(queued: QueuedPodInfo): void {
    const { log, metrics } = this.#opts
    const key = queued.podInfo.key
    // Decide on the newest copy: the pod may have changed, been bound by
    // someone else, or be going away since it was queued.
    const pod = this.#opts.pods.get(key)
    if (!pod || isAssigned(pod) || pod.metadata.deletionTimestamp || this.cache.isAssumed(key)) {
      this.queue.done(key)
      return
    }
    const podInfo: PodInfo = pod === queued.podInfo.pod ? queued.podInfo : podInfoOf(pod)
    const cycle = this.queue.schedulingCycle()
    const started = performance.now()
    this.timings.queue += Math.max(0, this.#clock.now() - queued.timestamp)

    const result = this.#algorithm.schedule(podInfo, this.cache, this.timings)
    if (result.scheduled) {
      this.cache.assume(podInfo, result.nodeName)
      log.debug({ pod: key, node: result.nodeName, evaluatedNodes: result.evaluatedNodes, feasibleNodes: result.feasibleNodes }, 'pod assumed')
      this.#track(this.#bind(queued, podInfo, result.nodeName, started))
      return
    }

    let preemptionMessage: string | undefined
    let nominatedNodeName: string | undefined
    if (this.#opts.preemption ?? true) {
      metrics.preemptionAttempts.inc()
      const outcome = evaluatePreemption({
        pod: podInfo, snapshot: this.cache, filters: this.#opts.profile.filters, statuses: result.statuses,
      })
      if ('nodeName' in outcome) {
        nominatedNodeName = outcome.nodeName
        this.#track(this.#preempt(pod, outcome.nodeName, outcome.victims))
        metrics.preemptionVictims.observe({}, outcome.victims.length)
      } else {
        preemptionMessage = outcome.message
        // No node could ever help: an earlier nomination is void.
        if (outcome.clearNominatedNodeName && pod.status?.nominatedNodeName) nominatedNodeName = ''
      }
    }
    const preFilterMessage = result.preFilterStatus?.reasons.join(', ')
    const message = failureMessage(result.numAllNodes, result.statuses, preemptionMessage, { preFilterMessage })
    queued.unschedulablePlugins.clear()
    for (const status of result.statuses.values()) if (status.plugin) queued.unschedulablePlugins.add(status.plugin)
    this.queue.addUnschedulableIfNotPresent(queued, cycle)
    metrics.attempt('unschedulable', (performance.now() - started) / 1000)
    log.info({ pod: key, reason: message }, 'unable to schedule pod; waiting')
    this.#reportFailure(pod, 'Unschedulable', message, nominatedNodeName)
  }

  #track(work: Promise<void>): void {
    this.#bindings.add(work)
    void work.finally(() => this.#bindings.delete(work))
  }

  async #bind(queued: QueuedPodInfo, podInfo: PodInfo, nodeName: string, started: number): Promise<void> {
    const { client, log, metrics, recorder } = this.#opts
    const { pod, key } = podInfo
    const { namespace = 'default', name = '', uid } = pod.metadata
    const sent = performance.now()
    try {
      await client.pods.namespace(namespace).subresource('binding').create(name, {
        apiVersion: 'v1', kind: 'Binding',
        metadata: { name, namespace, ...(uid ? { uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      })
    } catch (err) {
      this.cache.forget(key)
      this.timings.bind += performance.now() - sent
      // Gone, or bound meanwhile (by another scheduler): the watch tells the rest.
      if (isNotFound(err) || isConflict(err)) {
        this.queue.done(key)
        log.info({ pod: key, node: nodeName, err: (err as Error).message }, 'binding not needed any more')
        return
      }
      log.warn({ err, pod: key, node: nodeName }, 'binding failed')
      metrics.attempt('error', (performance.now() - started) / 1000)
      this.queue.addBackoff(queued)
      this.#reportFailure(pod, 'SchedulerError', `Binding rejected: ${(err as Error).message}`)
      return
    }
    this.queue.done(key)
    const now = performance.now()
    this.timings.bind += now - sent
    this.timings.scheduled++
    metrics.attempt('scheduled', (now - started) / 1000)
    metrics.podSchedulingSLI.observe({ attempts: String(queued.attempts) }, Math.max(0, this.#clock.now() - queued.initialAttemptTimestamp) / 1000)
    log.debug({ pod: key, node: nodeName }, 'pod bound')
    recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`)
  }

  /** FailedScheduling Event and the PodScheduled=False condition, as upstream's handleSchedulingFailure. */
  #reportFailure(pod: Pod, reason: 'Unschedulable' | 'SchedulerError', message: string, nominatedNodeName?: string): void {
    this.#opts.recorder.event(pod, 'Warning', 'FailedScheduling', truncateEventMessage(message))
    this.#track(this.#updateCondition(pod, reason, message, nominatedNodeName))
  }

  async #updateCondition(pod: Pod, reason: string, message: string, nominatedNodeName?: string): Promise<void> {
    const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
    const unchanged = old?.status === 'False' && old.reason === reason && old.message === message
    const nominationUnchanged = nominatedNodeName === undefined || pod.status?.nominatedNodeName === nominatedNodeName
    if (unchanged && nominationUnchanged) return
    const condition: Condition = {
      type: 'PodScheduled', status: 'False', lastProbeTime: null,
      lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : formatTime(this.#clock.now()),
      reason, message,
    }
    const status: Record<string, unknown> = { conditions: [condition] }
    if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName
    const { namespace = 'default', name = '' } = pod.metadata
    try {
      await this.#opts.client.pods.namespace(namespace).patch(name, { status }, 'strategic', { subresource: 'status' })
    } catch (err) {
      if (!isNotFound(err)) this.#opts.log.warn({ err, pod: podKey(pod) }, 'failed to update pod condition')
    }
  }

  /** Evicts the victims so that pod fits on nodeName next time; the caller nominates the node. */
  async #preempt(pod: Pod, nodeName: string, victims: readonly Pod[]): Promise<void> {
    const { client, log, recorder } = this.#opts
    log.info({ pod: podKey(pod), node: nodeName, victims: victims.map(podKey) }, 'preempting')
    await Promise.all(victims.map(async (victim) => {
      const { namespace = 'default', name = '' } = victim.metadata
      try {
        await client.pods.namespace(namespace).patch(name, {
          status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${this.#opts.profile.schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: formatTime(this.#clock.now()) }] },
        }, 'strategic', { subresource: 'status' })
        await client.pods.namespace(namespace).delete(name)
        recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.uid ?? ''} on node ${nodeName}`)
      } catch (err) {
        if (!isNotFound(err)) log.warn({ err, victim: podKey(victim) }, 'failed to preempt victim')
      }
    }))
  }
}
