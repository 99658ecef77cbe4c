import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../shared/clock.ts'
import { FakeCluster } from '../job/fake-cluster.ts'
import type { Job } from '../job/job-types.ts'
import { CronJobController, formatRfc1123z, jobFromTemplate, type CronJobControllerDeps } from './cronjob-controller.ts'
import type { CronJob, CronJobSpec } from './cronjob-types.ts'

const key = 'default/cj'

function setup(spec: CronJobSpec, created = '2025-01-01T10:00:30Z') {
  const clock = new FakeClock(Date.parse(created))
  const cluster = new FakeCluster(() => clock.now())
  const controller = new CronJobController({
    client: cluster.client, cronJobs: cluster.cronJobs as unknown as CronJobControllerDeps['cronJobs'], jobs: cluster.jobs as unknown as CronJobControllerDeps['jobs'],
    recorder: cluster.recorder, clock, log: cluster.log,
  })
  cluster.cronJobs.put({
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'default', creationTimestamp: created },
    spec: {
      schedule: '*/5 * * * *', timeZone: 'UTC', concurrencyPolicy: 'Allow', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { app: 'x' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } },
      ...spec,
    },
  })
  const cj = () => cluster.cronJobs.get(key) as CronJob
  const jobs = () => cluster.jobs.list() as Job[]
  const finish = (job: Job, type: 'Complete' | 'Failed', at: number) => {
    job.status = { startTime: new Date(at - 1000).toISOString(), completionTime: type === 'Complete' ? new Date(at).toISOString() : undefined, conditions: [{ type, status: 'True', lastTransitionTime: new Date(at).toISOString() }] }
    cluster.jobs.put(job)
  }
  return { clock, cluster, controller, cj, jobs, finish }
}

describe('CronJobController', () => {
  it('waits for the first activation, then creates one Job named by the minute', async () => {
    const { clock, cluster, controller, cj, jobs } = setup({})
    expect(await controller.sync(key)).toEqual({ requeueAfter: 270_100 })
    expect(jobs()).toEqual([])
    await clock.advance(270_000)
    const result = await controller.sync(key)
    expect(jobs().map((j) => j.metadata.name)).toEqual([`cj-${Date.parse('2025-01-01T10:05:00Z') / 60_000}`])
    const job = jobs()[0]
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2025-01-01T10:05:00Z')
    expect(job.metadata.labels).toEqual({ app: 'x' })
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'cj', controller: true, apiVersion: 'batch/v1' })
    expect(cj().status?.lastScheduleTime).toBe('2025-01-01T10:05:00Z')
    expect(cj().status?.active?.map((r) => r.name)).toEqual([job.metadata.name])
    expect(cluster.events.at(-1)).toMatchObject({ reason: 'SuccessfulCreate', message: `Created job ${job.metadata.name}` })
    expect(result).toEqual({ requeueAfter: 300_000 + 100 })
    // The same activation is not started twice.
    await controller.sync(key)
    expect(jobs()).toHaveLength(1)
  })

  it('Forbid skips an activation while a Job runs; Allow starts another', async () => {
    for (const [policy, count] of [['Forbid', 1], ['Allow', 2]] as const) {
      const { clock, cluster, controller, jobs } = setup({ concurrencyPolicy: policy })
      await clock.advance(270_000)
      await controller.sync(key)
      await clock.advance(300_000)
      await controller.sync(key)
      expect(jobs()).toHaveLength(count)
      if (policy === 'Forbid') expect(cluster.events.at(-1)).toMatchObject({ reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' })
    }
  })

  it('Replace deletes the running Job before creating the next', async () => {
    const { clock, cluster, controller, cj, jobs } = setup({ concurrencyPolicy: 'Replace' })
    await clock.advance(270_000)
    await controller.sync(key)
    const first = jobs()[0].metadata.name
    await clock.advance(300_000)
    await controller.sync(key)
    expect(jobs().map((j) => j.metadata.name)).not.toContain(first)
    expect(jobs()).toHaveLength(1)
    expect(cj().status?.active).toHaveLength(1)
    expect(cluster.events.map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulDelete', 'SuccessfulCreate'])
    expect(cluster.events[1].message).toBe(`Deleted job ${first}`)
  })

  it('sees completed Jobs, sets lastSuccessfulTime and keeps the history limits', async () => {
    const { clock, cluster, controller, cj, jobs, finish } = setup({ successfulJobsHistoryLimit: 1 })
    await clock.advance(270_000)
    await controller.sync(key)
    finish(jobs()[0], 'Complete', clock.now() + 2_000)
    await clock.advance(300_000)
    await controller.sync(key)
    const second = jobs().find((j) => !j.status)!
    finish(second, 'Complete', clock.now() + 2_000)
    await controller.sync(key)
    expect(jobs().map((j) => j.metadata.name)).toEqual([second.metadata.name])
    expect(cj().status?.active).toEqual([])
    expect(cj().status?.lastSuccessfulTime).toBe(second.status?.completionTime)
    const reasons = cluster.events.map((e) => `${e.reason}: ${e.message}`)
    expect(reasons).toContain(`SawCompletedJob: Saw completed job: ${second.metadata.name}, condition: Complete`)
    expect(reasons.filter((r) => r.startsWith('SuccessfulDelete'))).toHaveLength(1)
  })

  it('skips an activation older than startingDeadlineSeconds and does nothing while suspended', async () => {
    const late = setup({ startingDeadlineSeconds: 10 })
    await late.clock.advance(270_000 + 60_000)
    await late.controller.sync(key)
    expect(late.jobs()).toEqual([])
    const onTime = setup({ startingDeadlineSeconds: 100 })
    await onTime.clock.advance(270_000 + 60_000)
    await onTime.controller.sync(key)
    expect(onTime.jobs()).toHaveLength(1)
    expect(formatRfc1123z(Date.parse('2025-01-01T10:05:00Z'))).toBe('Wed, 01 Jan 2025 10:05:00 +0000')

    const suspended = setup({ suspend: true })
    await suspended.clock.advance(3_600_000)
    expect(await suspended.controller.sync(key)).toBeUndefined()
    expect(suspended.jobs()).toEqual([])
  })

  it('warns about too many missed start times', async () => {
    const { clock, cluster, controller, jobs } = setup({ schedule: '* * * * *' })
    await clock.advance(200 * 60_000)
    await controller.sync(key)
    expect(cluster.events[0]).toMatchObject({ reason: 'TooManyMissedTimes', message: 'too many missed start times: 200. Set or decrease .spec.startingDeadlineSeconds or check clock skew' })
    // Only the most recent activation runs.
    expect(jobs()).toHaveLength(1)
  })

  it('stamps the scheduled time in spec.timeZone', () => {
    const cjob: CronJob = { metadata: { name: 'n', namespace: 'ns', uid: 'u' }, spec: { timeZone: 'Asia/Tokyo', jobTemplate: { spec: { parallelism: 2 } } } }
    const job = jobFromTemplate(cjob, Date.parse('2025-01-01T00:00:00Z'))
    expect(job.metadata.annotations).toEqual({ 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2025-01-01T09:00:00+09:00' })
    expect(job.spec).toEqual({ parallelism: 2 })
  })
})
