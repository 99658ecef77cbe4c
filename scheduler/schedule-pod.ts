// One pod's scheduling decision (upstream's schedulePod): filter the nodes,
// score the feasible ones, pick the best. Synchronous, so the cache cannot
// change in the middle.
//
// As upstream, it stops filtering once it has found "enough" feasible nodes
// in a big cluster (percentageOfNodesToScore, adaptive by default) and starts
// the next pod where this one stopped, so every node gets its turn.
import { performance } from 'node:perf_hooks'
import type { CycleState, FilterPlugin, NodeInfo, PodInfo, ScorePlugin, Snapshot, Status } from './framework.ts'

export interface Profile {
  /** Profile name: pods whose spec.schedulerName is this are ours. */
  readonly schedulerName: string
  readonly filters: readonly FilterPlugin[]
  readonly scores: readonly ScorePlugin[]
  /** 0 = adaptive as upstream (50% minus 1% per 125 nodes, at least 5%). @default 0 */
  readonly percentageOfNodesToScore?: number
}

export type ScheduleResult =
  | { readonly scheduled: true; readonly nodeName: string; readonly evaluatedNodes: number; readonly feasibleNodes: number }
  | {
      readonly scheduled: false
      readonly numAllNodes: number
      /** Why each node was rejected (every node is evaluated before giving up). */
      readonly statuses: ReadonlyMap<string, Status>
      /** Set when a preFilter rejected the pod everywhere (statuses then repeat it for every node). */
      readonly preFilterStatus?: Status
      readonly state: CycleState
    }

/** Cumulative milliseconds per stage, for the benchmark's breakdown. */
export interface StageTimes {
  filter: number
  score: number
}

/** Below this many nodes all are evaluated (upstream's minFeasibleNodesToFind). */
const minFeasibleNodesToFind = 100
const minFeasibleNodesPercentageToFind = 5

export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes
  let adaptive = percentage
  if (adaptive <= 0) adaptive = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125))
  if (adaptive >= 100) return numAllNodes
  return Math.max(minFeasibleNodesToFind, Math.trunc((numAllNodes * adaptive) / 100))
}

/** Runs the filters in order on one node; the first rejection answers. */
export function runFilters(filters: readonly FilterPlugin[], state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
  for (const plugin of filters) {
    const status = plugin.filter(state, pod, node)
    if (status.code !== 'Success') return status.plugin ? status : { ...status, plugin: plugin.name }
  }
  return undefined
}

/** Runs every preFilter; a rejection there rejects the pod on every node. */
export function runPreFilters(filters: readonly FilterPlugin[], state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | undefined {
  for (const plugin of filters) {
    const status = plugin.preFilter?.(state, pod, snapshot)
    if (status && status.code !== 'Success') return status.plugin ? status : { ...status, plugin: plugin.name }
  }
  return undefined
}

export class PodScheduler {
  readonly profile: Profile
  readonly #random: () => number
  #nextStartNodeIndex = 0

  constructor(profile: Profile, random: () => number = Math.random) {
    this.profile = profile
    this.#random = random
  }

  schedule(pod: PodInfo, snapshot: Snapshot, times?: StageTimes): ScheduleResult {
    const started = times ? performance.now() : 0
    const nodes = snapshot.nodes
    const state: CycleState = new Map()
    const { filters } = this.profile
    const statuses = new Map<string, Status>()
    if (nodes.length === 0) return { scheduled: false, numAllNodes: 0, statuses, state }

    const rejected = runPreFilters(filters, state, pod, snapshot)
    if (rejected) {
      for (const node of nodes) statuses.set(node.name, rejected)
      return { scheduled: false, numAllNodes: nodes.length, statuses, state, preFilterStatus: rejected }
    }

    // A pod that preemption nominated a node for tries that node first.
    const nominated = pod.pod.status?.nominatedNodeName
    const nominatedInfo = nominated ? snapshot.get(nominated) : undefined
    if (nominatedInfo && !runFilters(filters, state, pod, nominatedInfo)) {
      if (times) times.filter += performance.now() - started
      return { scheduled: true, nodeName: nominatedInfo.name, evaluatedNodes: 1, feasibleNodes: 1 }
    }

    const toFind = numFeasibleNodesToFind(nodes.length, this.profile.percentageOfNodesToScore)
    const feasible: NodeInfo[] = []
    let processed = 0
    const start = this.#nextStartNodeIndex % nodes.length
    for (; processed < nodes.length && feasible.length < toFind; processed++) {
      const node = nodes[(start + processed) % nodes.length]
      const status = runFilters(filters, state, pod, node)
      if (status) statuses.set(node.name, status)
      else feasible.push(node)
    }
    this.#nextStartNodeIndex = (start + processed) % nodes.length
    const filtered = times ? performance.now() : 0
    if (times) times.filter += filtered - started

    if (feasible.length === 0) return { scheduled: false, numAllNodes: nodes.length, statuses, state }
    if (feasible.length === 1) return { scheduled: true, nodeName: feasible[0].name, evaluatedNodes: processed, feasibleNodes: 1 }

    const totals = this.#score(state, pod, feasible, snapshot)
    const nodeName = this.#selectHost(feasible, totals)
    if (times) times.score += performance.now() - filtered
    return { scheduled: true, nodeName, evaluatedNodes: processed, feasibleNodes: feasible.length }
  }

  #score(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): number[] {
    const totals = new Array<number>(nodes.length).fill(0)
    for (const plugin of this.profile.scores) {
      plugin.preScore?.(state, pod, nodes, snapshot)
      const scores = nodes.map((node) => plugin.score(state, pod, node))
      plugin.normalize?.(state, pod, nodes, scores)
      for (let i = 0; i < nodes.length; i++) totals[i] += scores[i] * plugin.weight
    }
    return totals
  }

  /** The highest total; ties broken at random (reservoir sampling, as upstream) so equal nodes share the load. */
  #selectHost(nodes: readonly NodeInfo[], totals: readonly number[]): string {
    let best = 0
    let ties = 1
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i] > totals[best]) {
        best = i
        ties = 1
      } else if (totals[i] === totals[best]) {
        ties++
        if (this.#random() * ties < 1) best = i
      }
    }
    return nodes[best].name
  }
}
