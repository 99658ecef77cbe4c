// spec.podFailurePolicy: the first rule matching a failed pod decides.
// FailJob fails the whole Job with a message naming the rule; Ignore does
// not count the failure toward backoffLimit; Count counts it as usual.
// Rules match exit codes of terminated containers (non-zero only) or pod
// conditions such as DisruptionTarget.
import type { Pod } from '../../../shared/core-types.ts'
import { containerStatuses, initContainerStatuses } from './job-pods.ts'
import type { PodFailurePolicy, PodFailurePolicyOnExitCodes } from './job-types.ts'

export interface PodFailurePolicyMatch {
  /** Set when a FailJob rule matched: the Job's failure message. */
  failJobMessage?: string
  /** Whether the failure counts toward backoffLimit (false for Ignore). */
  countFailed: boolean
  /** The matched rule's action, if any rule matched. */
  action?: string
}

function exitCodeMatches(code: number, req: PodFailurePolicyOnExitCodes): boolean {
  if (req.operator === 'In') return req.values.includes(code)
  if (req.operator === 'NotIn') return !req.values.includes(code)
  return false
}

function matchingContainer(pod: Pod, req: PodFailurePolicyOnExitCodes): { name: string; exitCode: number } | undefined {
  for (const list of [containerStatuses(pod), initContainerStatuses(pod)]) {
    for (const s of list) {
      const terminated = s.state?.terminated
      if (!terminated) continue
      if (req.containerName && req.containerName !== s.name) continue
      const code = terminated.exitCode ?? 0
      if (code !== 0 && exitCodeMatches(code, req)) return { name: s.name ?? '', exitCode: code }
    }
  }
  return undefined
}

export function matchPodFailurePolicy(policy: PodFailurePolicy | null | undefined, pod: Pod): PodFailurePolicyMatch {
  if (!policy) return { countFailed: true }
  const where = `${pod.metadata.namespace}/${pod.metadata.name}`
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    let failJobMessage: string | undefined
    if (rule.onExitCodes) {
      const container = matchingContainer(pod, rule.onExitCodes)
      if (!container) continue
      failJobMessage = `Container ${container.name} for pod ${where} failed with exit code ${container.exitCode} matching ${rule.action} rule at index ${index}`
    } else if (rule.onPodConditions) {
      const condition = (pod.status?.conditions ?? []).find((c) => rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? 'True') === c.status))
      if (!condition) continue
      failJobMessage = `Pod ${where} has condition ${condition.type} matching ${rule.action} rule at index ${index}`
    } else {
      continue
    }
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' }
      case 'Count':
        return { countFailed: true, action: 'Count' }
      case 'FailJob':
        return { failJobMessage, countFailed: true, action: 'FailJob' }
      default:
        // FailIndex belongs to backoffLimitPerIndex, which this controller does not implement; later rules decide.
        continue
    }
  }
  return { countFailed: true }
}
