// NodeResourcesFit and NodeResourcesBalancedAllocation.
//
// The filter checks that the node has room for the pod's requests next to
// the requests of the pods already there (not their usage), and a free pod
// slot. The scores, both over cpu and memory with weight 1 each as upstream's
// defaults:
// - LeastAllocated (NodeResourcesFit): the more stays free, the better;
//   containers that request nothing count as 100m / 200Mi so they spread.
// - BalancedAllocation: the closer the cpu and memory fractions, the better.
import { maxNodeScore, success, type FilterPlugin, type ScorePlugin } from '../framework.ts'
import type { ResourceList } from '../../shared/pod-resources.ts'
import { isQualifiedName } from '../../shared/name-validation.ts'

const fitName = 'NodeResourcesFit'
const balancedName = 'NodeResourcesBalancedAllocation'
const fitPreFilterKey = `PreFilter${fitName}`
const fitPreScoreKey = `PreScore${fitName}`
const balancedPreScoreKey = `PreScore${balancedName}`

export const errReasonTooManyPods = 'Too many pods'

/** The reason for one resource the node lacks: 'Insufficient cpu', 'Insufficient example.com/gpu'. */
export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`
}

const scalarCache = new Map<string, boolean>()

/**
 * Resources the scheduler counts besides cpu, memory, ephemeral-storage and
 * pods (upstream's IsScalarResourceName): extended resources
 * (example.com/gpu), hugepages-*, attachable-volumes-* and kubernetes.io/
 * prefixed ones. Requests for any other name are ignored, as upstream's
 * Resource type drops them.
 */
export function isScalarResourceName(resource: string): boolean {
  let scalar = scalarCache.get(resource)
  if (scalar === undefined) {
    const prefixedNative = resource.includes('kubernetes.io/')
    const extended =
      resource.includes('/') && !prefixedNative && !resource.startsWith('requests.') && isQualifiedName(`requests.${resource}`).length === 0
    scalar = extended || prefixedNative || resource.startsWith('hugepages-') || resource.startsWith('attachable-volumes-')
    scalarCache.set(resource, scalar)
  }
  return scalar
}

interface ResourceCheck {
  readonly resource: string
  readonly amount: number
  readonly reason: string
}

interface FitState {
  /** Upstream skips the resource checks for a pod that requests no cpu, memory, ephemeral storage or scalar resource. */
  readonly requestsNothing: boolean
  /** Only resources the pod requests a positive amount of, in upstream's order. */
  readonly checks: readonly ResourceCheck[]
}

function fitStateOf(requests: ResourceList): FitState {
  const checks: ResourceCheck[] = []
  let requestsNothing = true
  for (const resource of ['cpu', 'memory', 'ephemeral-storage']) {
    const amount = requests.get(resource) ?? 0
    if (amount !== 0) requestsNothing = false
    if (amount > 0) checks.push({ resource, amount, reason: insufficientReason(resource) })
  }
  for (const [resource, amount] of requests) {
    if (!isScalarResourceName(resource)) continue
    // A scalar named at all, even with 0, counts as a request, as in upstream's ScalarResources map.
    requestsNothing = false
    if (amount > 0) checks.push({ resource, amount, reason: insufficientReason(resource) })
  }
  return { requestsNothing, checks }
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: fitName,
  // Room appears when pods go away or shrink (in-place resize), or nodes come or grow.
  events: ['NodeAdd', 'NodeUpdate', 'PodDelete', 'PodUpdate'],
  preFilter(state, pod) {
    state.set(fitPreFilterKey, fitStateOf(pod.requests))
    return undefined
  },
  filter(state, pod, node) {
    const s = (state.get(fitPreFilterKey) as FitState | undefined) ?? fitStateOf(pod.requests)
    let reasons: string[] | undefined
    // A request larger than the whole node cannot fit even if every pod went away (upstream v1.34+).
    let unresolvable = false
    if (node.pods.size + 1 > node.allowedPodNumber) reasons = [errReasonTooManyPods]
    if (!s.requestsNothing) {
      for (const check of s.checks) {
        const allocatable = node.allocatable.get(check.resource) ?? 0
        if (check.amount <= allocatable - (node.requested.get(check.resource) ?? 0)) continue
        reasons ??= []
        reasons.push(check.reason)
        if (check.amount > allocatable) unresolvable = true
      }
    }
    if (!reasons) return success
    return { code: unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasons, plugin: fitName }
  },
}

/** ((capacity - requested) * maxNodeScore) / capacity in integers; 0 when over capacity. */
function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity)
}

interface CpuMemory {
  readonly cpu: number
  readonly memory: number
}

const scoredResources = ['cpu', 'memory'] as const

export const nodeResourcesFitScore: ScorePlugin = {
  name: fitName,
  weight: 1,
  preScore(state, pod) {
    state.set(fitPreScoreKey, { cpu: pod.nonZeroRequests.get('cpu') ?? 0, memory: pod.nonZeroRequests.get('memory') ?? 0 } satisfies CpuMemory)
  },
  score(state, pod, node) {
    const s = (state.get(fitPreScoreKey) as CpuMemory | undefined) ?? { cpu: pod.nonZeroRequests.get('cpu') ?? 0, memory: pod.nonZeroRequests.get('memory') ?? 0 }
    let total = 0
    let weights = 0
    for (const resource of scoredResources) {
      const allocatable = node.allocatable.get(resource) ?? 0
      // A resource the node does not report is left out, not scored 0.
      if (allocatable === 0) continue
      total += leastRequestedScore((node.nonZeroRequested.get(resource) ?? 0) + s[resource], allocatable)
      weights++
    }
    return weights === 0 ? 0 : Math.trunc(total / weights)
  },
}

interface BalancedState extends CpuMemory {
  /** Upstream skips the plugin for pods requesting neither (issue 129138: they all piled onto one node); 0 everywhere is the same. */
  readonly bestEffort: boolean
}

function balancedStateOf(requests: ResourceList): BalancedState {
  const cpu = requests.get('cpu') ?? 0
  const memory = requests.get('memory') ?? 0
  return { cpu, memory, bestEffort: cpu === 0 && memory === 0 }
}

export const balancedAllocationScore: ScorePlugin = {
  name: balancedName,
  weight: 1,
  preScore(state, pod) {
    state.set(balancedPreScoreKey, balancedStateOf(pod.requests))
  },
  // Unlike LeastAllocated this uses the actual requests, without the 100m / 200Mi stand-ins.
  score(state, pod, node) {
    const s = (state.get(balancedPreScoreKey) as BalancedState | undefined) ?? balancedStateOf(pod.requests)
    if (s.bestEffort) return 0
    const fractions: number[] = []
    for (const resource of scoredResources) {
      const allocatable = node.allocatable.get(resource) ?? 0
      if (allocatable === 0) continue
      fractions.push(Math.min(((node.requested.get(resource) ?? 0) + s[resource]) / allocatable, 1))
    }
    // The standard deviation of two fractions is half their difference; of one, zero.
    const std = fractions.length === 2 ? Math.abs((fractions[0] - fractions[1]) / 2) : 0
    return Math.trunc((1 - std) * maxNodeScore)
  },
}
