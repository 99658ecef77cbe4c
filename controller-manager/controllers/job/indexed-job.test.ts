import { describe, expect, it } from 'vitest'
import type { Pod } from '../../../shared/core-types.ts'
import {
  addCompletionIndexEnv, calculateSucceededIndexes, duplicatedIndexPodsForRemoval, firstPendingIndexes, formatIntervals, generateNameWithIndex,
  parseIndexes, templateForIndex, withOrderedIndexes,
} from './indexed-job.ts'
import { jobTrackingFinalizer, type Job } from './job-types.ts'

function pod(name: string, index: string | undefined, phase = 'Running', finalizer = true): Pod {
  return {
    metadata: { name, annotations: index === undefined ? {} : { 'batch.kubernetes.io/job-completion-index': index }, finalizers: finalizer ? [jobTrackingFinalizer] : [] },
    spec: { nodeName: 'n' }, status: { phase },
  }
}

describe('ordered intervals', () => {
  it('formats as upstream: ranges, and pairs as two numbers', () => {
    expect(formatIntervals(withOrderedIndexes([], [0, 1, 2, 4, 6, 7]))).toBe('0-2,4,6,7')
    expect(formatIntervals(withOrderedIndexes(parseIndexes('0-2', 10), [3, 9]))).toBe('0-3,9')
  })

  it('parses, dropping what is at or past completions', () => {
    expect(parseIndexes('1,3-5,8-12,x', 10)).toEqual([{ first: 1, last: 1 }, { first: 3, last: 5 }, { first: 8, last: 9 }])
  })
})

describe('indexes of a Job', () => {
  const job: Job = { metadata: { name: 'j' }, spec: { completions: 5, completionMode: 'Indexed' }, status: { completedIndexes: '0' } }

  it('counts succeeded indexes from status plus uncounted succeeded pods', () => {
    const { prev, now } = calculateSucceededIndexes(job, [pod('a', '2', 'Succeeded'), pod('b', '3', 'Succeeded', false), pod('c', '7', 'Succeeded'), pod('d', '1')])
    expect(formatIntervals(prev)).toBe('0')
    expect(formatIntervals(now)).toBe('0,2')
  })

  it('picks the lowest indexes neither succeeded nor running', () => {
    expect(firstPendingIndexes([pod('a', '1')], parseIndexes('0,3', 5), 2, 5)).toEqual([2, 4])
    expect(firstPendingIndexes([], [], 10, 3)).toEqual([0, 1, 2])
  })

  it('removes pods without a valid index and all but one pod per index', () => {
    const running = { ...pod('keep', '1'), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }
    const { remove, keep } = duplicatedIndexPodsForRemoval([pod('none', undefined), pod('dup', '1'), running, pod('far', '9'), pod('solo', '2')], 5)
    expect(remove.map((p) => p.metadata.name).sort()).toEqual(['dup', 'far', 'none'])
    expect(keep.map((p) => p.metadata.name)).toEqual(['keep', 'solo'])
  })

  it('gives each index its annotation, label, hostname, env and name', () => {
    const template = { spec: { containers: [{ name: 'c', image: 'x' }] } }
    addCompletionIndexEnv(template)
    const t = templateForIndex(template, 'work', 3)
    expect(t.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).toBe('3')
    expect(t.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe('3')
    expect(t.spec?.hostname).toBe('work-3')
    expect(t.spec?.containers?.[0].env).toEqual([{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }])
    expect(generateNameWithIndex('work', 3)).toBe('work-3-')
    expect(generateNameWithIndex('x'.repeat(60), 12)).toBe('x'.repeat(54) + '-12-')
  })
})
