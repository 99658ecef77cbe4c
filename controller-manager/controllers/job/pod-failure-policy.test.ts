import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import type { PodFailurePolicy } from './job-types.ts'
import { matchPodFailurePolicy } from './pod-failure-policy.ts'

function failedPod(exitCode: number, conditions: { type: string; status: string }[] = []): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns' },
    status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode } } }] },
  }
}

const policy: PodFailurePolicy = {
  rules: [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [42, 43] } },
  ],
}

describe('matchPodFailurePolicy', () => {
  it('counts every failure without a policy', () => {
    expect(matchPodFailurePolicy(undefined, failedPod(1))).toEqual({ countFailed: true })
  })

  it('FailJob on a matching exit code, with upstream message', () => {
    expect(matchPodFailurePolicy(policy, failedPod(42))).toEqual({
      countFailed: true, action: 'FailJob',
      failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
    })
  })

  it('Ignore on the DisruptionTarget condition (status defaults to True)', () => {
    expect(matchPodFailurePolicy(policy, failedPod(42, [{ type: 'DisruptionTarget', status: 'True' }]))).toEqual({ countFailed: false, action: 'Ignore' })
    expect(matchPodFailurePolicy(policy, failedPod(42, [{ type: 'DisruptionTarget', status: 'False' }])).action).toBe('FailJob')
  })

  it('Count with NotIn; no rule matched counts too; exit code 0 never matches', () => {
    expect(matchPodFailurePolicy(policy, failedPod(1))).toEqual({ countFailed: true, action: 'Count' })
    expect(matchPodFailurePolicy(policy, failedPod(43))).toEqual({ countFailed: true })
    expect(matchPodFailurePolicy({ rules: [{ action: 'Ignore', onExitCodes: { operator: 'NotIn', values: [1] } }] }, failedPod(0))).toEqual({ countFailed: true })
  })
})
