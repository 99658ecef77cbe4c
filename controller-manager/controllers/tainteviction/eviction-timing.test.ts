import { describe, expect, it } from 'vitest'
import type { Taint, Toleration } from '../../../shared/core-types.ts'
import { decideEviction, matchingTolerations, minTolerationMs, noExecuteTaints } from './eviction-timing.ts'

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:10Z' }
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:05Z' }
const tol = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) })
const t0 = Date.parse('2024-01-01T00:00:20Z')

describe('eviction timing', () => {
  it('keeps only NoExecute taints', () => {
    expect(noExecuteTaints([unreachable, { key: 'x', effect: 'NoSchedule' }])).toEqual([unreachable])
  })

  it('evicts at once when a taint is not tolerated', () => {
    expect(decideEviction([unreachable, notReady], [tol(unreachable.key!, 300)], t0)).toEqual({ action: 'evict-now' })
    expect(matchingTolerations([unreachable], []).allTolerated).toBe(false)
  })

  it('waits the smallest tolerationSeconds of the tolerations used, counted from the earliest timeAdded', () => {
    const d = decideEviction([unreachable, notReady], [tol(unreachable.key!, 300), tol(notReady.key!, 2), tol('unrelated', 1)], t0)
    expect(d).toEqual({ action: 'evict-after', startMs: Date.parse(notReady.timeAdded!), delayMs: 2000 })
  })

  it('counts from now when a taint has no timeAdded, or one in the future', () => {
    expect(decideEviction([{ ...unreachable, timeAdded: undefined }], [tol(unreachable.key!, 5)], t0)).toEqual({ action: 'evict-after', startMs: t0, delayMs: 5000 })
    expect(decideEviction([{ ...unreachable, timeAdded: '2030-01-01T00:00:00Z' }], [tol(unreachable.key!, 5)], t0)).toEqual({ action: 'evict-after', startMs: t0, delayMs: 5000 })
  })

  it('tolerates for ever without tolerationSeconds, and cancels without taints', () => {
    expect(decideEviction([unreachable], [tol(unreachable.key!)], t0)).toEqual({ action: 'cancel' })
    expect(decideEviction([], [], t0)).toEqual({ action: 'cancel' })
  })

  it('treats tolerationSeconds <= 0 as no time at all', () => {
    expect(minTolerationMs([tol('a', 0), tol('b', 10)])).toBe(0)
    expect(minTolerationMs([tol('a', -5)])).toBe(0)
    expect(minTolerationMs([tol('a'), tol('b', 10)])).toBe(10_000)
  })
})
