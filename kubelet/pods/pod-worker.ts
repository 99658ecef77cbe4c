// One pod's life on its node (upstream's pod worker + syncPod): set up the
// sandbox, run init containers one by one, then the containers, restart them
// as restartPolicy says with crash-loop back-off, report status, and on
// deletion stop everything and confirm with a delete of grace period 0.
//
// Level-triggered: every trigger (pod update, container exit, back-off
// timer, probe result) asks for a sync; syncs of one pod never overlap, and
// requests during a sync coalesce into one more sync after it.
import type { Clock, CancelTimer } from '../../shared/clock.ts'
import type { Container, Pod } from '../../shared/core-types.ts'
import type { EventRecorder } from '../../shared/event-recorder.ts'
import type { Logger } from '../../shared/logger.ts'
import { buildPodStatus, type ContainerRecord, type TerminatedState } from './pod-status.ts'
import { ContainerProbes, type ExecInContainer } from './probes.ts'
import {
  ImageError, StartError,
  type ContainerConfig, type ContainerExit, type ContainerRuntime, type ImageInfo, type Mount, type RunningContainer, type Sandbox,
} from '../runtime/types.ts'
import type { PodStatus } from '../../shared/core-types.ts'

/** What the worker needs from the kubelet around it. */
export interface PodWorkerDeps {
  runtime: ContainerRuntime
  recorder: Pick<EventRecorder, 'event'>
  clock: Clock
  log: Logger
  nodeName: string
  hostIP: string
  /** The pod's own directory: <root-dir>/pods/<uid>. */
  podDir(pod: Pod): string
  allocateIP(pod: Pod): Promise<string> | string
  releaseIP(pod: Pod): void
  /** Creates the pod's directory and its volumes: volume name → host directory, and each container's mounts (which throw with a CreateContainerConfigError message); throws with the FailedMount message. */
  prepareVolumes(pod: Pod, podIP: string): Promise<PreparedVolumes>
  /** The container's environment in order; throws with the CreateContainerConfigError message. */
  resolveEnv(pod: Pod, container: Container, podIP: string): Promise<Array<[string, string]>>
  /** $(VAR) expansion of command/args. */
  expand(args: readonly string[], env: ReadonlyArray<readonly [string, string]>): string[]
  publishStatus(pod: Pod, status: PodStatus): void
  /** The final delete with grace period 0 (uid precondition). */
  confirmDeletion(pod: Pod): Promise<void>
  /** Crash-loop back-off: first restart at once, then initialMs doubling to maxMs. */
  backoff: { initialMs: number; maxMs: number }
}

export interface ContainerView {
  running?: RunningContainer
  current?: RunningContainer
  previous?: RunningContainer
  config?: ContainerConfig
  record: ContainerRecord
}

export interface PreparedVolumes {
  volumes: ReadonlyMap<string, string>
  mountsFor(container: Container, env: ReadonlyArray<readonly [string, string]>): Promise<Mount[]>
}

interface Slot {
  record: ContainerRecord
  spec: Container
  running?: RunningContainer
  /** The latest attempt (running or ended) and the one before: their logs serve `kubectl logs [--previous]`. */
  current?: RunningContainer
  previous?: RunningContainer
  config?: ContainerConfig
  image?: ImageInfo
  /** How the container last ended (under this kubelet or the one before); a restart reports it as lastState. */
  lastExit?: TerminatedState
  /** The next crash-loop (or image pull) delay; 0 until the first restart, which is immediate. */
  backoffMs: number
  /** When the current back-off ends (ms). */
  backoffUntil: number
  /** The back-off period a BackOff Event was emitted for, so one period gives one Event. */
  backoffReported: number
  /** Start attempts made by this kubelet (log file numbering). */
  attempts: number
  /** A start is in progress. */
  starting: boolean
  /** The running attempt's probes, if its spec has any. */
  probes?: ContainerProbes
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

const signalNumbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 }

export class PodWorker {
  #pod: Pod
  readonly #deps: PodWorkerDeps
  readonly #slots = new Map<string, Slot>()
  #sandbox: Sandbox | undefined
  #podIP: string | undefined
  #startTime: string
  #terminal: 'Succeeded' | 'Failed' | undefined
  #syncing = false
  #again = false
  #timer: CancelTimer | undefined
  #stopping: Promise<void> | undefined
  #done = false
  readonly #sandboxWarned = new Set<string>()

  constructor(pod: Pod, deps: PodWorkerDeps) {
    this.#pod = pod
    this.#deps = deps
    this.#startTime = pod.status?.startTime ?? rfc3339(deps.clock.now())
    const phase = pod.status?.phase
    if (phase === 'Succeeded' || phase === 'Failed') this.#terminal = phase
    this.#initSlots(pod)
  }

  get pod(): Pod {
    return this.#pod
  }

  get podIP(): string | undefined {
    return this.#podIP
  }

  get sandbox(): Sandbox | undefined {
    return this.#sandbox
  }

  /** A container's attempts, config and reported state, for logs and exec. */
  container(name: string): ContainerView | undefined {
    const slot = this.#slots.get(name)
    return slot ? { running: slot.running, current: slot.current, previous: slot.previous, config: slot.config, record: slot.record } : undefined
  }

  /** Slots in spec order, rebuilt from a previous kubelet's status when there is one, so restart counts survive a kubelet restart. */
  #initSlots(pod: Pod): void {
    const previous = new Map<string, Record<string, unknown>>()
    for (const s of [...(pod.status?.initContainerStatuses as Array<Record<string, unknown>> | undefined ?? []), ...(pod.status?.containerStatuses as Array<Record<string, unknown>> | undefined ?? [])]) {
      previous.set(String(s.name), s)
    }
    const add = (spec: Container, init: boolean) => {
      const name = spec.name ?? ''
      const old = previous.get(name)
      const oldState = old?.state as ContainerRecord['state'] | undefined
      const record: ContainerRecord = {
        name, init, sidecar: init && spec.restartPolicy === 'Always',
        image: spec.image ?? '', imageID: '',
        state: { waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' } },
        restartCount: Number(old?.restartCount ?? 0),
        started: false, ready: false,
      }
      if (old?.lastState && (old.lastState as { terminated?: TerminatedState }).terminated) record.lastState = old.lastState as { terminated: TerminatedState }
      // A finished container stays finished; a running one is started again (its process did not survive the kubelet).
      const lastExit = oldState && 'terminated' in oldState ? oldState.terminated : undefined
      if (oldState && 'terminated' in oldState) record.state = oldState
      this.#slots.set(name, { record, spec, lastExit, backoffMs: 0, backoffUntil: 0, backoffReported: 0, attempts: 0, starting: false })
    }
    for (const c of pod.spec?.initContainers ?? []) add(c, true)
    for (const c of pod.spec?.containers ?? []) add(c, false)
    // The first regular containers wait on init containers with PodInitializing, as upstream.
    if ((pod.spec?.initContainers?.length ?? 0) > 0) {
      for (const slot of this.#slots.values()) if (!slot.record.init && 'waiting' in slot.record.state) slot.record.state = { waiting: { reason: 'PodInitializing' } }
    }
  }

  /** A newer copy of the pod from the watch. */
  update(pod: Pod): void {
    this.#pod = pod
    this.requestSync()
  }

  requestSync(): void {
    if (this.#done) return
    if (this.#syncing) {
      this.#again = true
      return
    }
    this.#syncing = true
    void this.#loop()
  }

  async #loop(): Promise<void> {
    try {
      do {
        this.#again = false
        try {
          await this.#sync()
        } catch (err) {
          this.#deps.log.error({ err, pod: this.#key() }, 'pod sync failed')
          this.#after(2000)
        }
      } while (this.#again && !this.#done)
    } finally {
      this.#syncing = false
    }
  }

  #key(): string {
    return `${this.#pod.metadata.namespace}/${this.#pod.metadata.name}`
  }

  #event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#deps.recorder.event(this.#pod, type, reason, message)
  }

  /** Sync again after ms (the earliest request wins). */
  #after(ms: number): void {
    this.#timer?.()
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = undefined
      this.requestSync()
    }, ms)
  }

  async #sync(): Promise<void> {
    const pod = this.#pod
    if (pod.metadata.deletionTimestamp) {
      await this.terminate('deleted')
      return
    }
    if (this.#terminal) {
      this.#publish()
      return
    }
    if (!(await this.#ensureSandbox())) return

    const restartPolicy = pod.spec?.restartPolicy ?? 'Always'
    // Init containers, one at a time; sidecars start and keep running.
    for (const slot of this.#slots.values()) {
      if (!slot.record.init) continue
      const exit = slot.lastExit
      if (slot.record.sidecar) {
        if (!slot.running && !slot.starting) await this.#startOrBackOff(slot, exit !== undefined)
        if (!slot.record.started) return this.#publish()
        continue
      }
      if (slot.running || slot.starting) return this.#publish()
      if (exit?.exitCode === 0) continue
      if (exit && restartPolicy === 'Never') return this.#finish('Failed')
      await this.#startOrBackOff(slot, exit !== undefined)
      return this.#publish()
    }
    // Regular containers.
    for (const slot of this.#slots.values()) {
      if (slot.record.init || slot.running || slot.starting) continue
      const exit = slot.lastExit
      if (!exit) await this.#startOrBackOff(slot, false)
      else if (restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && exit.exitCode !== 0)) await this.#startOrBackOff(slot, true)
    }
    const mains = [...this.#slots.values()].filter((s) => !s.record.init)
    const allFinished = mains.every((s) => !s.running && !s.starting && s.lastExit && 'terminated' in s.record.state)
    if (allFinished && restartPolicy !== 'Always') {
      const anyFailed = mains.some((s) => s.lastExit!.exitCode !== 0)
      if (restartPolicy === 'Never' || !anyFailed) return this.#finish(anyFailed ? 'Failed' : 'Succeeded')
    }
    this.#publish()
  }

  async #ensureSandbox(): Promise<boolean> {
    if (this.#sandbox) return true
    const pod = this.#pod
    const deps = this.#deps
    this.#podIP ??= await deps.allocateIP(pod)
    let prepared: PreparedVolumes
    try {
      prepared = await deps.prepareVolumes(pod, this.#podIP)
    } catch (err) {
      const message = (err as Error).message
      if (!this.#sandboxWarned.has(message)) this.#event('Warning', 'FailedMount', message)
      this.#sandboxWarned.add(message)
      this.#publish()
      this.#after(2000)
      return false
    }
    this.#mountsFor = prepared.mountsFor
    const meta = pod.metadata
    this.#sandbox = await deps.runtime.startSandbox({
      uid: meta.uid ?? '', namespace: meta.namespace ?? 'default', name: meta.name ?? '',
      hostname: pod.spec?.hostname ?? meta.name ?? '', podIP: this.#podIP, podDir: deps.podDir(pod),
      volumes: prepared.volumes, annotations: meta.annotations ?? {},
    })
    return true
  }

  #mountsFor: PreparedVolumes['mountsFor'] = async () => []

  /** Starts the container now, or parks it in CrashLoopBackOff until its back-off ends. */
  async #startOrBackOff(slot: Slot, isRestart: boolean): Promise<void> {
    const now = this.#deps.clock.now()
    if (isRestart && now < slot.backoffUntil) {
      this.#waitingBackOff(slot, now)
      this.#after(slot.backoffUntil - now)
      return
    }
    await this.#start(slot, isRestart)
  }

  #waitingBackOff(slot: Slot, now: number): void {
    const pod = this.#pod
    const podName = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`
    if (slot.lastExit) slot.record.lastState = { terminated: slot.lastExit }
    const finished = slot.lastExit ? Date.parse(slot.lastExit.finishedAt) : now
    const seconds = Math.max(1, Math.round((slot.backoffUntil - finished) / 1000))
    const delay = seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`
    slot.record.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${slot.record.name} pod=${podName}` } }
    if (slot.backoffReported !== slot.backoffUntil) {
      slot.backoffReported = slot.backoffUntil
      this.#event('Warning', 'BackOff', `Back-off restarting failed container ${slot.record.name} in pod ${podName}`)
    }
  }

  async #start(slot: Slot, isRestart: boolean): Promise<void> {
    const { runtime, clock } = this.#deps
    const spec = slot.spec
    const name = slot.record.name
    if (!isRestart && clock.now() < slot.backoffUntil) {
      // Image pulls back off as crash loops do.
      if (slot.backoffReported !== slot.backoffUntil) {
        slot.backoffReported = slot.backoffUntil
        this.#event('Normal', 'BackOff', `Back-off pulling image "${spec.image}"`)
        this.#event('Warning', 'Failed', 'Error: ImagePullBackOff')
      }
      slot.record.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${spec.image}"` } }
      this.#after(slot.backoffUntil - clock.now())
      return
    }
    slot.starting = true
    try {
      let image: ImageInfo
      try {
        image = await runtime.pullImage(spec.image ?? '')
      } catch (err) {
        if (!(err instanceof ImageError)) throw err
        slot.record.state = { waiting: { reason: err.reason, message: err.message } }
        if (err.reason === 'InvalidImageName') {
          this.#event('Warning', 'InspectFailed', err.message)
          this.#event('Warning', 'Failed', 'Error: InvalidImageName')
          return
        }
        this.#event('Normal', 'Pulling', `Pulling image "${spec.image}"`)
        this.#event('Warning', 'Failed', `Failed to pull image "${spec.image}": ${err.message}`)
        this.#event('Warning', 'Failed', 'Error: ErrImagePull')
        // Unlike a crash loop, a failed pull waits from the first failure on (10 s, 20 s, …).
        this.#noteBackoff(slot, clock.now())
        if (slot.backoffUntil <= clock.now()) this.#noteBackoff(slot, clock.now())
        this.#after(slot.backoffUntil - clock.now())
        return
      }
      slot.backoffUntil = 0
      slot.image = image
      slot.record.image = image.image
      slot.record.imageID = image.imageID
      this.#event('Normal', 'Pulled', `Container image "${spec.image}" already present on machine`)
      // Only a container with nothing to run is simulated; a command runs as a real process.
      if (image.simulated && (spec.command?.length ?? 0) === 0) this.#event('Normal', 'Simulated', `Image "${spec.image}" has no built-in stand-in and the container has no command: it runs simulated`)

      let env: Array<[string, string]>
      let mounts: Mount[]
      try {
        env = await this.#deps.resolveEnv(this.#pod, spec, this.#podIP ?? '')
        mounts = await this.#mountsFor(spec, env)
      } catch (err) {
        const message = (err as Error).message
        slot.record.state = { waiting: { reason: 'CreateContainerConfigError', message } }
        this.#event('Warning', 'Failed', `Error: ${message}`)
        this.#after(2000)
        return
      }
      const config: ContainerConfig = {
        name, image: spec.image ?? '',
        command: this.#deps.expand(spec.command ?? [], env),
        args: this.#deps.expand(spec.args ?? [], env),
        env, workingDir: spec.workingDir as string | undefined,
        mounts, ports: spec.ports ?? [],
        stdin: Boolean(spec.stdin), tty: Boolean(spec.tty),
        attempt: slot.record.restartCount,
        runsToCompletion: (slot.record.init && !slot.record.sidecar) || (this.#pod.spec?.restartPolicy ?? 'Always') !== 'Always',
      }
      slot.config = config
      let running: RunningContainer
      if (isRestart) {
        slot.record.restartCount++
        if (slot.lastExit) slot.record.lastState = { terminated: slot.lastExit }
      }
      try {
        running = await runtime.startContainer(this.#sandbox!, config, image)
      } catch (err) {
        if (!(err instanceof StartError)) throw err
        const now = clock.now()
        this.#event('Normal', 'Created', `Created container: ${name}`)
        this.#event('Warning', 'Failed', `Error: ${err.message}`)
        this.#ended(slot, { exitCode: 128, reason: 'StartError', message: err.message, startedAt: rfc3339(0), finishedAt: rfc3339(now) }, now)
        return
      }
      slot.attempts++
      slot.running = running
      slot.previous = slot.current
      slot.current = running
      slot.record.containerID = running.id
      slot.record.state = { running: { startedAt: rfc3339(running.startedAt) } }
      this.#event('Normal', 'Created', `Created container: ${name}`)
      this.#event('Normal', 'Started', `Started container ${name}`)
      this.#startProbes(slot, running, config)
      void running.exited.then((exit) => this.#exited(slot, running, exit))
    } finally {
      slot.starting = false
    }
  }

  /** Without probes a running container is started and ready at once; with them, they decide. */
  #startProbes(slot: Slot, running: RunningContainer, config: ContainerConfig): void {
    const spec = slot.spec
    if (!spec.livenessProbe && !spec.readinessProbe && !spec.startupProbe) {
      slot.record.started = true
      slot.record.ready = true
      return
    }
    const exec: ExecInContainer = async (command, { signal }) => {
      const session = await this.#deps.runtime.exec(this.#sandbox!, running, config, { command, tty: false, stdin: false })
      signal.addEventListener('abort', () => session.kill(), { once: true })
      let output = ''
      session.stdout.on('data', (d: Buffer) => (output += d))
      session.stderr?.on('data', (d: Buffer) => (output += d))
      return { exitCode: await session.exited, output }
    }
    const probes = new ContainerProbes({
      pod: this.#pod, container: spec, podIP: this.#podIP ?? '', exec, clock: this.#deps.clock, startedAt: running.startedAt,
      onEvent: (event) => this.#event(event.type, event.reason, event.message),
      onChange: (type) => {
        if (slot.running !== running) return
        slot.record.started = probes.started
        slot.record.ready = probes.ready
        if (!probes.live && !this.#stopping) {
          const which = type === 'Startup' ? 'startup' : 'liveness'
          this.#event('Normal', 'Killing', `Container ${slot.record.name} failed ${which} probe, will be restarted`)
          probes.stop()
          void running.stop(this.#gracePeriodMs())
        }
        this.requestSync()
      },
    })
    slot.probes = probes
    slot.record.started = probes.started
    slot.record.ready = probes.ready
    probes.start()
  }

  /**
   * The next attempt may come backoffMs after `from`, and the one after
   * waits twice as long (up to the maximum): the first restart is
   * immediate, then 10 s, 20 s, … 5 min, as upstream's crash-loop back-off.
   */
  #noteBackoff(slot: Slot, from: number): void {
    const { initialMs, maxMs } = this.#deps.backoff
    slot.backoffUntil = from + slot.backoffMs
    slot.backoffMs = slot.backoffMs === 0 ? initialMs : Math.min(slot.backoffMs * 2, maxMs)
  }

  #exited(slot: Slot, running: RunningContainer, exit: ContainerExit): void {
    if (slot.running !== running) return
    slot.running = undefined
    slot.probes?.stop()
    slot.probes = undefined
    // A container that ran long enough starts its back-off afresh, as upstream (after twice the maximum).
    if (exit.finishedAt - running.startedAt > 2 * this.#deps.backoff.maxMs) slot.backoffMs = 0
    this.#ended(slot, {
      exitCode: exit.exitCode, reason: exit.reason,
      ...(exit.message ? { message: exit.message } : {}),
      ...(exit.signal && signalNumbers[exit.signal] ? { signal: signalNumbers[exit.signal] } : {}),
      startedAt: rfc3339(running.startedAt), finishedAt: rfc3339(exit.finishedAt), containerID: running.id,
    }, exit.finishedAt)
  }

  #ended(slot: Slot, terminated: TerminatedState, at: number): void {
    slot.lastExit = terminated
    slot.record.state = { terminated }
    slot.record.ready = false
    slot.record.started = false
    if (!this.#stopping) this.#noteBackoff(slot, at)
    this.requestSync()
  }

  /** The pod is done (restartPolicy says no more restarts): stop what still runs (sidecars) and report the phase. */
  async #finish(phase: 'Succeeded' | 'Failed'): Promise<void> {
    this.#terminal = phase
    await this.#stopAll(this.#gracePeriodMs())
    this.#publish()
  }

  #gracePeriodMs(): number {
    const seconds = this.#pod.metadata.deletionGracePeriodSeconds ?? this.#pod.spec?.terminationGracePeriodSeconds ?? 30
    return Math.max(0, Number(seconds)) * 1000
  }

  async #stopAll(gracePeriodMs: number): Promise<void> {
    await Promise.all([...this.#slots.values()].map(async (slot) => {
      const running = slot.running
      if (!running) return
      this.#event('Normal', 'Killing', `Stopping container ${slot.record.name}`)
      const exit = await running.stop(gracePeriodMs)
      this.#exited(slot, running, exit)
    }))
    if (this.#sandbox) {
      await this.#deps.runtime.stopSandbox(this.#sandbox)
      this.#sandbox = undefined
    }
  }

  /**
   * Stops the pod: on deletion (then confirms with grace period 0) or when
   * it vanished from the API (force delete: nothing to confirm).
   */
  terminate(why: 'deleted' | 'gone'): Promise<void> {
    this.#stopping ??= (async () => {
      this.#timer?.()
      const grace = why === 'gone' ? 0 : this.#gracePeriodMs()
      await this.#stopAll(grace)
      if (why === 'deleted') {
        this.#publish()
        try {
          await this.#deps.confirmDeletion(this.#pod)
        } catch (err) {
          this.#deps.log.warn({ err, pod: this.#key() }, 'failed to confirm pod deletion')
        }
      }
      this.#done = true
      this.#deps.releaseIP(this.#pod)
    })()
    return this.#stopping
  }

  #publish(): void {
    if (this.#done) return
    const status = buildPodStatus({
      pod: this.#pod,
      containers: [...this.#slots.values()].map((s) => s.record),
      hostIP: this.#deps.hostIP,
      podIP: this.#podIP,
      startTime: this.#startTime,
      sandboxReady: this.#sandbox !== undefined || this.#terminal !== undefined,
      terminal: this.#terminal,
      qosClass: this.#pod.status?.qosClass,
      now: rfc3339(this.#deps.clock.now()),
    })
    this.#deps.publishStatus(this.#pod, status)
  }
}
