// What upstream's admission plugins add to every new Pod. kubeling has no
// admission chain, so the pod strategy applies these on create:
// - ServiceAccount: spec.serviceAccountName defaults to "default", except for
//   mirror pods (a kubelet's static pods), and without mounting a token
//   volume: kubeling issues no tokens yet.
// - DefaultTolerationSeconds: tolerate not-ready/unreachable nodes for 300 s,
//   so the node lifecycle controller evicts after five minutes. The
//   apiserver's --default-not-ready-toleration-seconds and
//   --default-unreachable-toleration-seconds change the two values: it adds
//   the tolerations first, through a create hook (defaultTolerationAdmission).
// - Priority: spec.priority from the priority class (0 without one).
import type { PodSpec, Toleration } from '../../../../shared/core-types.ts'
import { builtinPriorityClasses } from '../scheduling/priorityclasses.ts'
import type { WriteHooks } from '../../write-hooks.ts'

export const defaultServiceAccountName = 'default'
export const defaultTolerationSeconds = 300
const notReadyTaint = 'node.kubernetes.io/not-ready'
const unreachableTaint = 'node.kubernetes.io/unreachable'

export interface DefaultTolerationSeconds {
  /** @default 300 */
  notReady: number
  /** @default 300 */
  unreachable: number
}

const builtinTolerationSeconds: DefaultTolerationSeconds = { notReady: defaultTolerationSeconds, unreachable: defaultTolerationSeconds }

export const mirrorPodAnnotation = 'kubernetes.io/config.mirror'

export function applyPodAdmissionDefaults(spec: PodSpec, annotations: Record<string, string> | undefined): void {
  if (!annotations?.[mirrorPodAnnotation]) {
    spec.serviceAccountName ||= defaultServiceAccountName
    spec.serviceAccount = spec.serviceAccountName
  }
  addDefaultTolerations(spec)
  setPriority(spec)
}

// Upstream counts a toleration with the taint's key, or no key, and effect
// NoExecute or none, as already covering it.
function toleratesNoExecute(tolerations: Toleration[], key: string): boolean {
  return tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'))
}

/** Adds the not-ready and unreachable NoExecute tolerations a pod lacks. */
export function addDefaultTolerations(spec: PodSpec, seconds: DefaultTolerationSeconds = builtinTolerationSeconds): void {
  const tolerations = spec.tolerations ?? []
  for (const [key, tolerationSeconds] of [[notReadyTaint, seconds.notReady], [unreachableTaint, seconds.unreachable]] as const) {
    if (toleratesNoExecute(tolerations, key)) continue
    tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds })
  }
  spec.tolerations = tolerations
}

/** The DefaultTolerationSeconds admission plugin with this apiserver's flags, as a create hook on pods. */
export function defaultTolerationAdmission(seconds: DefaultTolerationSeconds): WriteHooks {
  return {
    admit(pod) {
      const spec = ((pod.spec ??= {}) as PodSpec)
      if (typeof spec !== 'object' || Array.isArray(spec)) return
      addDefaultTolerations(spec, seconds)
    },
  }
}

// Only the built-in classes can be resolved here: a strategy cannot read the
// store. Pods naming another class keep the priority they were sent.
function setPriority(spec: PodSpec): void {
  const named = spec.priorityClassName ? builtinPriorityClasses.find((pc) => pc.metadata.name === spec.priorityClassName) : undefined
  if (named) {
    spec.priority = named.value
    spec.preemptionPolicy ??= named.preemptionPolicy
  } else if (!spec.priorityClassName) {
    spec.priority ??= 0
  }
  spec.preemptionPolicy ??= 'PreemptLowerPriority'
}
