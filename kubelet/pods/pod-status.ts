// A pod's status as the kubelet reports it (upstream's generateAPIPodStatus
// and getPhase), computed from what the pod worker knows of its containers.
// Pure: the same records and time give the same status, so the status
// manager can tell whether anything changed before writing.
import type { Condition, Pod, PodStatus } from '../../shared/core-types.ts'

/** A container's state in the API's shape. */
export type ContainerStateValue =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: TerminatedState }

export interface TerminatedState {
  exitCode: number
  reason: string
  message?: string
  signal?: number
  startedAt?: string
  finishedAt: string
  containerID?: string
}

/** What the pod worker keeps per container. */
export interface ContainerRecord {
  readonly name: string
  /** An init container (sidecars included). */
  readonly init: boolean
  /** An init container with restartPolicy Always: it keeps running beside the main containers. */
  readonly sidecar: boolean
  image: string
  imageID: string
  containerID?: string
  state: ContainerStateValue
  lastState?: { terminated: TerminatedState }
  restartCount: number
  /** Passed its startup probe (or has none) while running. */
  started: boolean
  /** Passed its readiness probe (or has none) while running and started. */
  ready: boolean
}

export interface PodStatusInput {
  pod: Pod
  containers: readonly ContainerRecord[]
  hostIP: string
  podIP?: string
  /** When the kubelet first saw the pod (status.startTime). */
  startTime: string
  /** The sandbox (pod dir, IP, volumes) is ready: PodReadyToStartContainers. */
  sandboxReady: boolean
  /** The pod is finished for good: every container is left as it ended. */
  terminal?: 'Succeeded' | 'Failed'
  /** For a Failed pod: status.reason/message, e.g. DeadlineExceeded. */
  reason?: string
  message?: string
  qosClass?: string
  now: string
}

function isTerminated(c: ContainerRecord): c is ContainerRecord & { state: { terminated: TerminatedState } } {
  return 'terminated' in c.state
}

function isRunning(c: ContainerRecord): boolean {
  return 'running' in c.state
}

/** Upstream's getPhase over the main containers (and init containers while they run). */
export function podPhase(pod: Pod, containers: readonly ContainerRecord[]): string {
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always'
  const inits = containers.filter((c) => c.init && !c.sidecar)
  const mains = containers.filter((c) => !c.init)
  // Init containers not all succeeded yet: Pending, or Failed when one failed for good.
  for (const c of inits) {
    if (isTerminated(c) && c.state.terminated.exitCode === 0) continue
    if (isTerminated(c) && restartPolicy === 'Never') return 'Failed'
    return 'Pending'
  }
  let running = 0
  let waiting = 0
  let succeeded = 0
  let failed = 0
  for (const c of mains) {
    if (isRunning(c)) running++
    else if (isTerminated(c)) c.state.terminated.exitCode === 0 ? succeeded++ : failed++
    else if (c.lastState?.terminated) {
      // Waiting to restart after having run.
      if (restartPolicy === 'Never') c.lastState.terminated.exitCode === 0 ? succeeded++ : failed++
      else running++
    } else waiting++
  }
  if (waiting > 0) return 'Pending'
  if (running > 0) return 'Running'
  if (restartPolicy === 'Always') return 'Running'
  if (failed > 0 && restartPolicy === 'Never') return 'Failed'
  if (failed > 0) return 'Running' // OnFailure: it will be restarted
  return 'Succeeded'
}

function condition(type: string, ok: boolean, old: Condition[] | undefined, now: string, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False'
  const previous = old?.find((c) => c.type === type)
  const lastTransitionTime = previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : now
  return { type, status, lastProbeTime: null, lastTransitionTime, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }
}

function namesOf(containers: readonly ContainerRecord[]): string {
  return `[${containers.map((c) => c.name).join(' ')}]`
}

function apiContainerStatus(c: ContainerRecord): Record<string, unknown> {
  return {
    name: c.name,
    state: c.state,
    lastState: c.lastState ?? {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID,
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.started,
  }
}

export function buildPodStatus(input: PodStatusInput): PodStatus {
  const { pod, containers, now } = input
  const old = pod.status?.conditions
  const inits = containers.filter((c) => c.init)
  const mains = containers.filter((c) => !c.init)
  const phase = input.terminal ?? podPhase(pod, containers)
  const finished = phase === 'Succeeded' || phase === 'Failed'

  const initsDone = inits.every((c) => (c.sidecar ? c.started : isTerminated(c) && c.state.terminated.exitCode === 0))
  const notReady = [...mains, ...inits.filter((c) => c.sidecar)].filter((c) => !c.ready)
  const containersReady = notReady.length === 0 && !finished
  const unready = notReady.length > 0 ? `containers with unready status: ${namesOf(notReady)}` : undefined
  const pendingInits = inits.filter((c) => !(c.sidecar ? c.started : isTerminated(c) && c.state.terminated.exitCode === 0))

  const conditions: Condition[] = [
    condition('PodReadyToStartContainers', input.sandboxReady && !finished, old, now),
    condition('Initialized', initsDone, old, now, initsDone ? undefined : 'ContainersNotInitialized', initsDone ? undefined : `containers with incomplete status: ${namesOf(pendingInits)}`),
    condition('Ready', containersReady, old, now, containersReady ? undefined : finished ? 'PodCompleted' : 'ContainersNotReady', containersReady || finished ? undefined : unready),
    condition('ContainersReady', containersReady, old, now, containersReady ? undefined : finished ? 'PodCompleted' : 'ContainersNotReady', containersReady || finished ? undefined : unready),
  ]
  // Conditions the kubelet does not own (PodScheduled, DisruptionTarget, readiness gates' …) stay as they are.
  const owned = new Set(conditions.map((c) => c.type))
  for (const c of old ?? []) if (c.type && !owned.has(c.type)) conditions.push(c)
  if (finished && pod.status?.conditions?.find((c) => c.type === 'Initialized')?.status === 'True') {
    // A finished pod stays Initialized once it was (upstream keeps the condition).
    conditions[1] = condition('Initialized', true, old, now)
  }

  const status: PodStatus = {
    ...pod.status,
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: input.startTime,
    containerStatuses: mains.map(apiContainerStatus),
    ...(inits.length > 0 ? { initContainerStatuses: inits.map(apiContainerStatus) } : {}),
    ...(input.qosClass ? { qosClass: input.qosClass } : {}),
  }
  if (input.podIP) {
    status.podIP = input.podIP
    status.podIPs = [{ ip: input.podIP }]
  }
  if (input.reason) status.reason = input.reason
  if (input.message) status.message = input.message
  return status
}
