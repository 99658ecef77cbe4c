// Container probes, as upstream's prober workers run them
// (pkg/kubelet/prober/worker.go):
//   - a probe runs every periodSeconds from the moment it is started (the
//     first run right away), and is skipped until initialDelaySeconds have
//     passed since the container started;
//   - liveness and readiness wait until the container has started: the
//     startup probe has succeeded, or there is none; the startup probe stops
//     once it has;
//   - the result changes only after successThreshold successes or
//     failureThreshold failures in a row; before the first change it is
//     failure for readiness, success for liveness and unknown for startup;
//   - after liveness fails or startup decides either way, that probe holds
//     (the container is about to be restarted; a new container gets new probes);
//   - an action that throws (a probe that cannot run) is tried 3 times, then
//     reported and ignored: the result stays as it was.
// Each failure is reported as upstream's Unhealthy event,
// `<Liveness|Readiness|Startup> probe failed: <output>`.
import type { Clock, CancelTimer } from '../../shared/clock.ts'
import type { Container, Pod, Probe } from '../../shared/core-types.ts'
import { expandCommandStatic } from './env-expansion.ts'
import { execProbe, httpProbe, probeURL, resolveProbePort, tcpProbe, type ExecInContainer, type ProbeAction, type ProbeOutcome } from './probe-actions.ts'

export type { ExecInContainer, ProbeAction, ProbeOutcome } from './probe-actions.ts'

export type ProbeType = 'Liveness' | 'Readiness' | 'Startup'
export type ProbeResult = 'success' | 'failure' | 'unknown'

/** A Warning event for the pod, about the container probed. */
export interface ProbeEvent {
  type: 'Warning'
  /** Unhealthy for failures and errors; ProbeWarning for a redirect not followed. */
  reason: 'Unhealthy' | 'ProbeWarning'
  message: string
}

/** Upstream's maxProbeRetries: how often an erroring action is tried per period. */
const maxProbeRetries = 3

const initialResults: Record<ProbeType, ProbeResult> = { Liveness: 'success', Readiness: 'failure', Startup: 'unknown' }

export interface ProberOptions {
  type: ProbeType
  /** timing and thresholds; the action is given separately. */
  probe: Probe
  action: ProbeAction
  clock: Clock
  /** When the container started, ms since the epoch: initialDelaySeconds counts from it. */
  startedAt: number
  /** Whether this probe may run now; ContainerProbes gates liveness and readiness on the startup probe with it. @default always */
  gate?: () => boolean
  /** Called when the result changes, not for the initial value. */
  onChange?: (result: ProbeResult) => void
  onEvent?: (event: ProbeEvent) => void
}

/** One probe of one container. */
export class Prober {
  readonly type: ProbeType
  #options: ProberOptions
  #result: ProbeResult
  #lastResult: ProbeResult | undefined
  #resultRun = 0
  #onHold = false
  #running = false
  #stopped = true
  #cancelTick: CancelTimer = () => {}

  constructor(options: ProberOptions) {
    this.type = options.type
    this.#options = options
    this.#result = initialResults[options.type]
  }

  get result(): ProbeResult {
    return this.#result
  }

  get periodMs(): number {
    return (this.#options.probe.periodSeconds || 10) * 1000
  }

  /** Starts probing: the first run now, then every periodSeconds. */
  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#tick()
  }

  /** Runs now and restarts the period from now, as upstream's manual trigger does. */
  trigger(): void {
    if (this.#stopped) return
    this.#cancelTick()
    this.#tick()
  }

  stop(): void {
    this.#stopped = true
    this.#cancelTick()
  }

  /** Sets the result and stops, e.g. liveness and startup on pod deletion ("a last result to ensure quiet shutdown"). */
  settle(result: ProbeResult): void {
    this.stop()
    this.#set(result)
  }

  #tick(): void {
    this.#cancelTick = this.#options.clock.setTimeout(() => this.#tick(), this.periodMs)
    void this.#probe()
  }

  #set(result: ProbeResult): void {
    if (result === this.#result) return
    this.#result = result
    this.#options.onChange?.(result)
  }

  async #probe(): Promise<void> {
    const { probe, clock, startedAt } = this.#options
    // A run that outlasts the period swallows the tick, as a Go ticker drops ticks nobody reads.
    if (this.#stopped || this.#onHold || this.#running) return
    if (this.#options.gate && !this.#options.gate()) return
    if (clock.now() - startedAt < (probe.initialDelaySeconds ?? 0) * 1000) return
    this.#running = true
    let outcome: ProbeOutcome | undefined
    let error: unknown
    try {
      for (let attempt = 0; attempt < maxProbeRetries && !outcome; attempt++) {
        try {
          outcome = await this.#runOnce()
        } catch (err) {
          error = err
        }
      }
    } finally {
      this.#running = false
    }
    if (this.#stopped) return
    const event = (reason: ProbeEvent['reason'], message: string) => this.#options.onEvent?.({ type: 'Warning', reason, message })
    if (!outcome) {
      event('Unhealthy', `${this.type} probe errored and resulted in unknown state: ${error instanceof Error ? error.message : String(error)}`)
      return
    }
    let result: ProbeResult = 'success'
    if (outcome.result === 'warning') event('ProbeWarning', `${this.type} probe warning: ${outcome.output}`)
    if (outcome.result === 'failure') {
      event('Unhealthy', `${this.type} probe failed: ${outcome.output}`)
      result = 'failure'
    }

    if (this.#lastResult === result) this.#resultRun++
    else {
      this.#lastResult = result
      this.#resultRun = 1
    }
    const threshold = result === 'failure' ? (probe.failureThreshold || 3) : (probe.successThreshold || 1)
    if (this.#resultRun < threshold) return
    this.#set(result)
    if ((this.type === 'Liveness' && result === 'failure') || this.type === 'Startup') {
      this.#onHold = true
      this.#resultRun = 0
    }
  }

  /** One run of the action, aborted after timeoutSeconds on the prober's clock. */
  async #runOnce(): Promise<ProbeOutcome> {
    const controller = new AbortController()
    const cancel = this.#options.clock.setTimeout(() => controller.abort(), (this.#options.probe.timeoutSeconds || 1) * 1000)
    try {
      return await this.#options.action(controller.signal)
    } finally {
      cancel()
    }
  }
}

export interface ActionContext {
  pod: Pod
  container: Container
  /** The default host of httpGet and tcpSocket probes. */
  podIP: string
  exec: ExecInContainer
}

/** The action a probe spec describes. gRPC probes are not supported: they error (the result never changes). */
export function probeAction(probe: Probe, context: ActionContext): ProbeAction {
  const { container, podIP } = context
  if (probe.exec) {
    // Upstream expands only literal env values into probe commands; the command does not see the pod's resolved environment.
    const command = expandCommandStatic(probe.exec.command, container.env)
    return (signal) => execProbe(context.exec, command, signal)
  }
  if (probe.httpGet) {
    const get = probe.httpGet
    return (signal) => {
      const port = resolveProbePort(get.port, container.ports)
      return httpProbe(probeURL(get.scheme, get.host || podIP, port, get.path), get.httpHeaders, signal)
    }
  }
  if (probe.tcpSocket) {
    const socket = probe.tcpSocket
    return (signal) => tcpProbe(socket.host || podIP, resolveProbePort(socket.port, container.ports), signal)
  }
  if (probe.grpc) return async () => { throw new Error('gRPC probes are not supported by kubeling') }
  return async () => { throw new Error(`missing probe handler for ${context.pod.metadata.namespace}/${context.pod.metadata.name}:${container.name}`) }
}

export interface ContainerProbesOptions extends ActionContext {
  clock: Clock
  /** When the container started, ms since the epoch. */
  startedAt: number
  onChange?: (type: ProbeType, result: ProbeResult) => void
  onEvent?: (event: ProbeEvent) => void
  /** Replaces probeAction, for tests. */
  actionFor?: (type: ProbeType, probe: Probe) => ProbeAction
}

/**
 * The probes of one running container (one per container start: a restarted
 * container gets new ones). The pod worker starts them when the container
 * starts, reads started/ready/live, restarts the container when liveness or
 * startup fails (`Container <name> failed <liveness|startup> probe, will be
 * restarted`), and stops them when the container exits.
 */
export class ContainerProbes {
  readonly liveness?: Prober
  readonly readiness?: Prober
  readonly startup?: Prober

  constructor(options: ContainerProbesOptions) {
    const make = (type: ProbeType, probe: Probe | undefined): Prober | undefined => {
      if (!probe) return undefined
      return new Prober({
        type,
        probe,
        action: options.actionFor ? options.actionFor(type, probe) : probeAction(probe, options),
        clock: options.clock,
        startedAt: options.startedAt,
        gate: type === 'Startup' ? () => !this.started : () => this.started,
        onEvent: options.onEvent,
        onChange: (result) => {
          options.onChange?.(type, result)
          // Readiness need not wait a period once the container counts as started.
          if (type === 'Startup' && result === 'success') this.readiness?.trigger()
        },
      })
    }
    this.startup = make('Startup', options.container.startupProbe)
    this.liveness = make('Liveness', options.container.livenessProbe)
    this.readiness = make('Readiness', options.container.readinessProbe)
  }

  /** containerStatuses[].started: no startup probe, or it has succeeded. */
  get started(): boolean {
    return !this.startup || this.startup.result === 'success'
  }

  /** containerStatuses[].ready: started, and readiness succeeded or there is no readiness probe. */
  get ready(): boolean {
    return this.started && (!this.readiness || this.readiness.result === 'success')
  }

  /** False once liveness or startup has failed: the container must be restarted. */
  get live(): boolean {
    return this.liveness?.result !== 'failure' && this.startup?.result !== 'failure'
  }

  start(): void {
    this.startup?.start()
    this.liveness?.start()
    this.readiness?.start()
  }

  stop(): void {
    this.startup?.stop()
    this.liveness?.stop()
    this.readiness?.stop()
  }

  /** The pod is being deleted: liveness and startup stop with success, so a slow shutdown does not trigger a restart; readiness goes on. */
  terminating(): void {
    this.liveness?.settle('success')
    this.startup?.settle('success')
  }
}
