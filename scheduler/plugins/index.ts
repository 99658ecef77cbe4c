// The default profile: upstream's default plugins in upstream's order and
// weights (pkg/scheduler/apis/config/v1/default_plugins.go), less the volume
// and image plugins, which have nothing to look at here.
import type { FilterPlugin, ScorePlugin } from '../framework.ts'
import type { Profile } from '../schedule-pod.ts'
import { interPodAffinityFilter, interPodAffinityScore } from './inter-pod-affinity.ts'
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.ts'
import { nodeNameFilter } from './node-name.ts'
import { nodePortsFilter } from './node-ports.ts'
import { balancedAllocationScore, nodeResourcesFitFilter, nodeResourcesFitScore } from './node-resources.ts'
import { nodeUnschedulableFilter } from './node-unschedulable.ts'
import { podTopologySpreadFilter, podTopologySpreadScore } from './pod-topology-spread.ts'
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.ts'

/** Cheap, node-only checks first: most nodes are ruled out before the pod-counting ones run. */
export const defaultFilters: readonly FilterPlugin[] = [
  nodeUnschedulableFilter,
  nodeNameFilter,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePortsFilter,
  nodeResourcesFitFilter,
  podTopologySpreadFilter,
  interPodAffinityFilter,
]

export const defaultScores: readonly ScorePlugin[] = [
  taintTolerationScore,
  nodeAffinityScore,
  nodeResourcesFitScore,
  podTopologySpreadScore,
  interPodAffinityScore,
  balancedAllocationScore,
]

export function defaultProfile(schedulerName = 'default-scheduler'): Profile {
  return { schedulerName, filters: defaultFilters, scores: defaultScores }
}
