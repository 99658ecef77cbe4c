// Taints and tolerations as upstream matches them (k8s.io/api core/v1
// Toleration.ToleratesTaint and component-helpers' FindMatchingUntoleratedTaint).
// The scheduler filters and scores with them, the kubelet admits pods with
// them, and the node lifecycle controller evicts by them, so all three must
// agree on what "tolerated" means.
import type { Taint, Toleration } from './core-types.ts'

export const taintEffectNoSchedule = 'NoSchedule'
export const taintEffectPreferNoSchedule = 'PreferNoSchedule'
export const taintEffectNoExecute = 'NoExecute'

// Well-known taint keys (core/v1 well_known_taints.go and the cloud provider's).
/** Node condition Ready is False. */
export const taintNodeNotReady = 'node.kubernetes.io/not-ready'
/** Node condition Ready is Unknown: the node controller lost contact. */
export const taintNodeUnreachable = 'node.kubernetes.io/unreachable'
/** spec.unschedulable is set (kubectl cordon). */
export const taintNodeUnschedulable = 'node.kubernetes.io/unschedulable'
export const taintNodeMemoryPressure = 'node.kubernetes.io/memory-pressure'
export const taintNodeDiskPressure = 'node.kubernetes.io/disk-pressure'
export const taintNodeNetworkUnavailable = 'node.kubernetes.io/network-unavailable'
export const taintNodePIDPressure = 'node.kubernetes.io/pid-pressure'
/** Set by an admin on a node that is shut down, so its pods may be force-deleted. */
export const taintNodeOutOfService = 'node.kubernetes.io/out-of-service'
/** The kubelet's --cloud-provider=external taint, removed once the cloud controller initialises the node. */
export const taintExternalCloudProvider = 'node.cloudprovider.kubernetes.io/uninitialized'
export const taintNodeShutdown = 'node.cloudprovider.kubernetes.io/shutdown'
/** kubeadm's control-plane taint. */
export const taintNodeControlPlane = 'node-role.kubernetes.io/control-plane'

export interface TolerateOptions {
  /**
   * Honour the Gt/Lt toleration operators (upstream feature gate
   * TaintTolerationComparisonOperators, alpha in v1.35); without it they
   * tolerate nothing, as upstream with the gate off.
   * @default false
   */
  comparisonOperators?: boolean
}

// Go's strconv.ParseInt(s, 10, 64).
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined
  const n = BigInt(s)
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined
}

/**
 * Whether one toleration tolerates the taint: an empty effect matches every
 * effect, an empty key every key (validation allows that only with Exists),
 * Exists every value, and Equal (the default operator) the same value.
 */
export function tolerates(toleration: Toleration, taint: Taint, options: TolerateOptions = {}): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false
  if (toleration.key && toleration.key !== taint.key) return false
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '')
    case 'Exists':
      return true
    case 'Gt':
    case 'Lt': {
      if (!options.comparisonOperators) return false
      const want = parseInt64(toleration.value ?? '')
      const have = parseInt64(taint.value ?? '')
      if (want === undefined || have === undefined) return false
      return toleration.operator === 'Gt' ? have > want : have < want
    }
    default:
      return false
  }
}

/** Whether any of the tolerations tolerates the taint. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint, options?: TolerateOptions): boolean {
  if (!tolerations) return false
  for (const toleration of tolerations) if (tolerates(toleration, taint, options)) return true
  return false
}

/**
 * The first taint that passes the filter (every taint without one) and that
 * no toleration tolerates; undefined when all are tolerated.
 */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  filter?: (taint: Taint) => boolean,
  options?: TolerateOptions,
): Taint | undefined {
  if (!taints) return undefined
  for (const taint of taints) {
    if (filter && !filter(taint)) continue
    if (!tolerationsTolerateTaint(tolerations, taint, options)) return taint
  }
  return undefined
}

/** The taints that keep pods off a node (upstream's DoNotScheduleTaintsFilterFunc): NoSchedule and NoExecute. */
export function isDoNotScheduleTaint(taint: Taint): boolean {
  return taint.effect === taintEffectNoSchedule || taint.effect === taintEffectNoExecute
}
