// Pods as `kubectl get pods` shows them. READY counts ready containers
// (sidecars included), STATUS condenses phase, reason, init and container
// states into one word the way upstream's printPod does, and RESTARTS says
// when the last restart was.
import type { KubeObject } from '../../shared/api-types.ts'
import { since } from './cell-formats.ts'
import { humanDuration } from '../../shared/human-duration.ts'
import { ageColumn, column, definePrinter, nameColumn, type Cell, type RowCondition } from './printer.ts'

interface ContainerState {
  waiting?: { reason?: string }
  running?: { startedAt?: string }
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string }
}

interface ContainerStatus {
  name?: string
  ready?: boolean
  started?: boolean
  restartCount?: number
  state?: ContainerState
  lastState?: ContainerState
}

interface PrintedPod extends KubeObject {
  spec?: {
    nodeName?: string
    containers?: { name?: string }[]
    initContainers?: { name?: string; restartPolicy?: string }[]
    readinessGates?: { conditionType?: string }[]
  }
  status?: {
    phase?: string
    reason?: string
    nominatedNodeName?: string
    podIP?: string
    podIPs?: { ip?: string }[]
    conditions?: { type?: string; status?: string; reason?: string }[]
    initContainerStatuses?: ContainerStatus[]
    containerStatuses?: ContainerStatus[]
  }
}

/** What the node lifecycle controller sets on pods of a node that stopped answering. */
const nodeUnreachablePodReason = 'NodeLost'

// A Go zero time sorts before every real one; an unset finishedAt is that zero.
function laterOf(current: number, finishedAt: string | undefined): number {
  const at = finishedAt ? Date.parse(finishedAt) : Number.NaN
  return !Number.isNaN(at) && at > current ? at : current
}

// Upstream reads Initialized from the first condition of that type, but
// counts the pod Ready if any Ready condition is True.
function firstConditionTrue(pod: PrintedPod, type: string): boolean {
  return (pod.status?.conditions ?? []).find((c) => c.type === type)?.status === 'True'
}

function anyConditionTrue(pod: PrintedPod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True')
}

interface PodSummary {
  ready: number
  total: number
  status: string
  restarts: number
  /** ms since the epoch; -Infinity when no container has restarted. */
  lastRestart: number
}

/** READY, STATUS and RESTARTS as upstream's printPod computes them. */
function summarizePod(pod: PrintedPod): PodSummary {
  const spec = pod.spec ?? {}
  const status = pod.status ?? {}
  const phase = status.phase ?? ''
  let reason = status.reason || phase
  // A pod held back by scheduling gates says so.
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated'
  }

  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name, c]))
  const isSidecar = (name: string | undefined) => initSpecs.get(name)?.restartPolicy === 'Always'
  const total = (spec.containers ?? []).length + (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').length
  let ready = 0
  let restarts = 0
  let sidecarRestarts = 0
  let lastRestart = -Infinity
  let lastSidecarRestart = -Infinity

  let initializing = false
  const initStatuses = status.initContainerStatuses ?? []
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]
    restarts += c.restartCount ?? 0
    if (c.lastState?.terminated) lastRestart = laterOf(lastRestart, c.lastState.terminated.finishedAt)
    if (isSidecar(c.name)) {
      sidecarRestarts += c.restartCount ?? 0
      if (c.lastState?.terminated) lastSidecarRestart = laterOf(lastSidecarRestart, c.lastState.terminated.finishedAt)
    }
    const terminated = c.state?.terminated
    const waiting = c.state?.waiting
    if (terminated && (terminated.exitCode ?? 0) === 0) continue
    if (isSidecar(c.name) && c.started === true) {
      if (c.ready) ready++
      continue
    }
    if (terminated) {
      // Initialization failed.
      if (!terminated.reason) reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`
      else reason = `Init:${terminated.reason}`
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`
    }
    initializing = true
    break
  }

  if (!initializing || firstConditionTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts
    lastRestart = lastSidecarRestart
    let hasRunning = false
    const statuses = status.containerStatuses ?? []
    // Last to first, so the first container's state wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]
      restarts += c.restartCount ?? 0
      if (c.lastState?.terminated) lastRestart = laterOf(lastRestart, c.lastState.terminated.finishedAt)
      const waiting = c.state?.waiting
      const terminated = c.state?.terminated
      if (waiting?.reason) reason = waiting.reason
      else if (terminated?.reason) reason = terminated.reason
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`
      else if (c.ready && c.state?.running) {
        hasRunning = true
        ready++
      }
    }
    // A completed container beside a running one leaves the pod running (or not ready).
    if (reason === 'Completed' && hasRunning) reason = anyConditionTrue(pod, 'Ready') ? 'Running' : 'NotReady'
  }

  if (pod.metadata.deletionTimestamp && status.reason === nodeUnreachablePodReason) reason = 'Unknown'
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating'

  return { ready, total, status: reason, restarts, lastRestart }
}

function readinessGates(pod: PrintedPod): string {
  const gates = pod.spec?.readinessGates ?? []
  if (gates.length === 0) return '<none>'
  const conditions = pod.status?.conditions ?? []
  const met = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length
  return `${met}/${gates.length}`
}

const completedConditions: Record<string, RowCondition[]> = {
  Succeeded: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
  Failed: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
}

export const podPrinter = definePrinter<PrintedPod>({
  columns: [
    nameColumn,
    column('Ready', 'string', { text: 'The aggregate readiness state of this pod for accepting traffic.' }),
    column('Status', 'string', { text: 'The aggregate status of the containers in this pod.' }),
    column('Restarts', 'string', { text: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.' }),
    ageColumn,
    column('IP', 'string', 'core.PodStatus.podIP', { priority: 1 }),
    column('Node', 'string', 'core.PodSpec.nodeName', { priority: 1 }),
    column('Nominated Node', 'string', 'core.PodStatus.nominatedNodeName', { priority: 1 }),
    column('Readiness Gates', 'string', 'core.PodSpec.readinessGates', { priority: 1 }),
  ],
  cells(pod, now): Cell[] {
    const s = summarizePod(pod)
    const restarts = s.restarts !== 0 && s.lastRestart !== -Infinity ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)` : String(s.restarts)
    return [
      pod.metadata.name ?? '',
      `${s.ready}/${s.total}`,
      s.status,
      restarts,
      since(pod.metadata.creationTimestamp, now),
      // The internal API fills podIPs from podIP; either may be what a client wrote.
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ]
  },
  conditions: (pod) => completedConditions[pod.status?.phase ?? ''] ?? [],
})
