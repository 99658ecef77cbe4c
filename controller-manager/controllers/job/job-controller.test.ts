import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../shared/clock.ts'
import type { Pod } from '../../../shared/core-types.ts'
import { FakeCluster } from './fake-cluster.ts'
import { JobController, type JobControllerDeps } from './job-controller.ts'
import type { Job, JobSpec } from './job-types.ts'

const key = 'default/j'

function setup(spec: JobSpec) {
  const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'))
  const cluster = new FakeCluster(() => clock.now())
  const controller = new JobController({
    client: cluster.client, jobs: cluster.jobs as unknown as JobControllerDeps['jobs'], pods: cluster.pods as unknown as JobControllerDeps['pods'],
    recorder: cluster.recorder, clock, log: cluster.log,
  })
  cluster.jobs.put({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', generation: 1 },
    spec: { backoffLimit: 6, parallelism: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'x' }] } }, ...spec },
  })
  const job = () => cluster.jobs.get(key) as Job
  /** Lets the controller's pod handler see every pod, as the informer would. */
  const observe = () => cluster.pods.list().forEach((p) => controller.podHandler.onAdd!(p as Pod))
  const newPods = (before: string[]) => cluster.podNames().filter((n) => !before.includes(n))
  return { clock, cluster, controller, job, observe, newPods }
}

describe('JobController', () => {
  it('runs completions with parallelism, counting through uncountedTerminatedPods and finalizers', async () => {
    const { cluster, controller, job } = setup({ completions: 3, parallelism: 2 })
    await controller.syncJob(key)
    expect(cluster.podNames()).toHaveLength(2)
    expect(job().status).toMatchObject({ active: 2, ready: 0, terminating: 0 })
    expect(job().status?.startTime).toBe('2025-01-01T00:00:00Z')
    expect(cluster.trackedPods()).toHaveLength(2)
    expect(cluster.events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(2)

    // Until the informer shows the two pods, a sync must not create more.
    cluster.pods.objects.clear()
    await controller.syncJob(key)
    expect(cluster.podNames()).toHaveLength(0)
  })

  it('creates only what the expectations allow, then completes', async () => {
    const { cluster, controller, job, observe } = setup({ completions: 3, parallelism: 2 })
    await controller.syncJob(key)
    const first = cluster.podNames()
    await controller.syncJob(key)
    expect(cluster.podNames()).toEqual(first)
    observe()
    for (const name of first) cluster.finishPod(name, 0)
    await controller.syncJob(key)
    // Two counted (finalizers gone), one more created for the last completion.
    expect(job().status).toMatchObject({ succeeded: 2, active: 1, uncountedTerminatedPods: { succeeded: [] } })
    expect(cluster.podNames()).toHaveLength(3)
    expect(cluster.trackedPods()).toHaveLength(1)
    observe()
    cluster.finishPod(cluster.trackedPods()[0], 0)
    await controller.syncJob(key)
    expect(job().status?.succeeded).toBe(3)
    expect(job().status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([['SuccessCriteriaMet', 'True', 'CompletionsReached'], ['Complete', 'True', 'CompletionsReached']])
    expect(job().status?.completionTime).toBe('2025-01-01T00:00:00Z')
    expect(cluster.events.at(-1)).toMatchObject({ reason: 'Completed', message: 'Job completed', type: 'Normal' })
    // A finished Job is left alone.
    const calls = cluster.calls.length
    await controller.syncJob(key)
    expect(cluster.calls.length).toBe(calls)
  })

  it('backs off before replacing a failed pod and fails at backoffLimit', async () => {
    const { clock, cluster, controller, job, observe, newPods } = setup({ backoffLimit: 1 })
    await controller.syncJob(key)
    observe()
    cluster.finishPod(cluster.podNames()[0], 1)
    let before = cluster.podNames()
    await controller.syncJob(key)
    expect(job().status?.failed).toBe(1)
    expect(newPods(before)).toEqual([]) // 10 s back-off after the first failure
    await clock.advance(9_000)
    await controller.syncJob(key)
    expect(newPods(before)).toEqual([])
    await clock.advance(1_000)
    await controller.syncJob(key)
    expect(newPods(before)).toHaveLength(1)
    observe()
    cluster.finishPod(newPods(before)[0], 1)
    before = cluster.podNames()
    await controller.syncJob(key)
    expect(job().status?.failed).toBe(2)
    expect(newPods(before)).toEqual([])
    const failed = job().status?.conditions?.find((c) => c.type === 'Failed')
    expect(failed).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' })
    expect(job().status?.conditions?.[0].type).toBe('FailureTarget')
    expect(cluster.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'BackoffLimitExceeded' })
  })

  it('counts container restarts toward backoffLimit with restartPolicy OnFailure', async () => {
    const { cluster, controller, job, observe } = setup({ backoffLimit: 2 })
    const j = job()
    j.spec!.template!.spec!.restartPolicy = 'OnFailure'
    await controller.syncJob(key)
    observe()
    const pod = cluster.pods.list()[0]
    pod.status = { phase: 'Running', containerStatuses: [{ name: 'work', restartCount: 2, state: { running: {} } }] }
    await controller.syncJob(key)
    // The running pod is deleted; Failed waits until it is gone.
    expect(job().status?.conditions?.map((c) => c.type)).toEqual(['FailureTarget'])
    observe()
    await controller.syncJob(key)
    expect(job().status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('BackoffLimitExceeded')
    expect(job().status?.failed).toBe(1)
  })

  it('fails with DeadlineExceeded after activeDeadlineSeconds', async () => {
    const { clock, cluster, controller, job, observe } = setup({ activeDeadlineSeconds: 5 })
    await controller.syncJob(key)
    observe()
    await clock.advance(5_000)
    await controller.syncJob(key)
    await controller.syncJob(key)
    expect(cluster.podNames()).toEqual([])
    expect(job().status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' })
    expect(cluster.events.some((e) => e.reason === 'DeadlineExceeded')).toBe(true)
  })

  it('creates Indexed pods for the lowest pending indexes and tracks completedIndexes', async () => {
    const { cluster, controller, job, observe } = setup({ completions: 3, parallelism: 2, completionMode: 'Indexed' })
    await controller.syncJob(key)
    const indexes = () => cluster.pods.list().map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort()
    expect(indexes()).toEqual(['0', '1'])
    expect(cluster.podNames().sort()[0]).toMatch(/^j-0-/)
    observe()
    const one = cluster.pods.list().find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1')!
    cluster.finishPod(one.metadata.name!, 0)
    await controller.syncJob(key)
    expect(job().status).toMatchObject({ completedIndexes: '1', succeeded: 1, active: 2 })
    expect(indexes()).toEqual(['0', '1', '2'])
  })

  it('fails the Job on a FailJob pod failure policy rule', async () => {
    const { cluster, controller, job, observe } = setup({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [3] } }] } })
    await controller.syncJob(key)
    observe()
    const name = cluster.podNames()[0]
    cluster.finishPod(name, 3)
    await controller.syncJob(key)
    const failed = job().status?.conditions?.find((c) => c.type === 'Failed')
    expect(failed).toMatchObject({ reason: 'PodFailurePolicy', message: `Container work for pod default/${name} failed with exit code 3 matching FailJob rule at index 0` })
  })

  it('deletes active pods of a suspended Job and says so', async () => {
    const { cluster, controller, job, observe } = setup({ parallelism: 2, completions: 4 })
    await controller.syncJob(key)
    observe()
    job().spec!.suspend = true
    await controller.syncJob(key)
    expect(cluster.trackedPods()).toEqual([])
    expect(job().status?.conditions?.find((c) => c.type === 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended' })
    expect(cluster.events.some((e) => e.reason === 'Suspended')).toBe(true)
  })
})
