import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../shared/clock.ts'
import { FakeCluster } from '../job/fake-cluster.ts'
import type { Job } from '../job/job-types.ts'
import { timeLeft, TtlAfterFinishedController, type TtlAfterFinishedDeps } from './ttl-after-finished-controller.ts'

const finishedJob = (ttl: number | undefined, finishedAt: string): Job => ({
  metadata: { name: 'j', namespace: 'default' },
  spec: { ttlSecondsAfterFinished: ttl },
  status: { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: finishedAt }] },
})

describe('timeLeft', () => {
  it('counts from the finished condition', () => {
    expect(timeLeft(finishedJob(60, '2025-01-01T00:00:00Z'), Date.parse('2025-01-01T00:00:20Z'))).toBe(40_000)
    expect(timeLeft(finishedJob(undefined, '2025-01-01T00:00:00Z'), 0)).toBeUndefined()
    expect(timeLeft({ metadata: {}, spec: { ttlSecondsAfterFinished: 5 } }, 0)).toBeUndefined()
  })
})

describe('TtlAfterFinishedController', () => {
  it('requeues until the TTL passes, then deletes the Job', async () => {
    const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'))
    const cluster = new FakeCluster(() => clock.now())
    const controller = new TtlAfterFinishedController({ client: cluster.client, jobs: cluster.jobs as unknown as TtlAfterFinishedDeps['jobs'], clock, log: cluster.log })
    cluster.jobs.put(finishedJob(30, '2025-01-01T00:00:00Z'))
    expect(await controller.sync('default/j')).toEqual({ requeueAfter: 30_000 })
    await clock.advance(30_000)
    expect(await controller.sync('default/j')).toBeUndefined()
    expect(cluster.jobs.list()).toEqual([])
    expect(cluster.calls).toEqual(['delete j'])
  })
})
