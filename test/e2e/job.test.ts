// The job, cronjob and ttl-after-finished controllers, run in this process
// against real apiserver, scheduler and kubelet (sim runtime) processes,
// driven with real kubectl. The cronjob controller gets a FakeClock so a
// "*/1 * * * *" schedule fires without waiting a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, userAgentFor, type Client } from '../../shared/client/index.ts'
import { FakeClock, realClock } from '../../shared/clock.ts'
import type { Pod } from '../../shared/core-types.ts'
import { SharedInformerFactory } from '../../shared/informer/index.ts'
import { createLogger } from '../../shared/logger.ts'
import { createControllerContext, type ControllerContext, type ControllerDefinition } from '../../controller-manager/controller-context.ts'
import { cronJobController } from '../../controller-manager/controllers/cronjob/cronjob-controller.ts'
import { jobController } from '../../controller-manager/controllers/job/job-controller.ts'
import type { Job } from '../../controller-manager/controllers/job/job-types.ts'
import { ttlAfterFinishedController } from '../../controller-manager/controllers/ttl-after-finished/ttl-after-finished-controller.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

function jobManifest(name: string, spec: Record<string, unknown>, podAnnotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
    spec: {
      ...spec,
      template: {
        metadata: { annotations: podAnnotations },
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36', command: ['true'] }] },
      },
    },
  })
}

describe('job, cronjob and ttl-after-finished controllers', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  let kubelet: KubeletProcess
  let client: Client
  let informers: SharedInformerFactory
  let kubectl: Kubectl
  const cronClock = new FakeClock(Date.now())
  const stop = new AbortController()
  let running: Promise<unknown> = Promise.resolve()
  const ns = 'default'

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    scheduler = await startSchedulerProcess(apiserver.url)
    kubelet = await startKubeletProcess(apiserver.url, { runtime: 'sim', args: ['--nodes', '3', '--node-name-prefix', 'sim-'], nodeIP: '127.0.79.1' })
    client = createClient({ server: apiserver.url, userAgent: userAgentFor('controller-manager') })
    informers = new SharedInformerFactory({ client })
    const log = createLogger('controller-manager', 'warn')
    const base: ControllerContext = createControllerContext({ client, informers, clock: realClock, log, workers: () => 5 })
    const controllers: [ControllerDefinition, ControllerContext][] = [
      [jobController({ podFailureBackoffMs: 200, syncBatchPeriodMs: 100 }), base],
      [cronJobController(), { ...base, clock: cronClock }],
      [ttlAfterFinishedController(), base],
    ]
    const runs = controllers.map(([definition, ctx]) => definition.init(ctx))
    informers.start()
    running = Promise.all(runs.map((run) => run(stop.signal)))
    kubectl = kubectlFor(kubectlVersions()[0].binary, apiserver.url)
  }, 90_000)

  afterAll(async () => {
    stop.abort()
    await running
    await informers?.stop()
    await client?.close()
    await kubelet?.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
  }, 60_000)

  const getJob = async (name: string) => (await client.jobs.namespace(ns).get(name)) as Job
  const podsOf = async (job: string) => (await client.pods.namespace(ns).list({ labelSelector: `job-name=${job}` })).items as Pod[]

  it('runs completions 6 with parallelism 2 to Complete', async () => {
    await kubectl.ok(['create', '-f', '-'], { input: jobManifest('six', { completions: 6, parallelism: 2 }) })
    const line = await waitFor('job six to show 6/6 Complete', async () => {
      const out = await kubectl.ok(['get', 'job', 'six', '--no-headers'])
      return /\bComplete\b/.test(out) && /\b6\/6\b/.test(out) ? out : undefined
    }, 90_000)
    expect(line).toMatch(/^six\s+Complete\s+6\/6/)
    const job = await getJob('six')
    expect(job.status?.succeeded).toBe(6)
    expect(job.status?.conditions?.map((c) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete'])
    expect(job.status?.completionTime).toBeTruthy()
    const pods = await podsOf('six')
    expect(pods).toHaveLength(6)
    // Counted pods lose the tracking finalizer.
    expect(pods.every((p) => !(p.metadata.finalizers ?? []).includes('batch.kubernetes.io/job-tracking'))).toBe(true)
    expect(pods[0].metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'six', 'controller-uid': job.metadata.uid })
    const events = await kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=six', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}'])
    expect(events).toMatch(/SuccessfulCreate:Created pod: six-/)
    expect(events).toMatch(/Completed:Job completed/)
  }, 120_000)

  it('replaces failing pods until backoffLimit, then fails with BackoffLimitExceeded', async () => {
    await kubectl.ok(['create', '-f', '-'], { input: jobManifest('failing', { backoffLimit: 2 }, { 'sim.kubeling.io/exit-code': '1' }) })
    const job = await waitFor('job failing to fail', async () => {
      const j = await getJob('failing')
      return j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True') ? j : undefined
    }, 90_000)
    const failed = job.status!.conditions!.find((c) => c.type === 'Failed')!
    expect(failed.reason).toBe('BackoffLimitExceeded')
    expect(failed.message).toBe('Job has reached the specified backoff limit')
    expect(job.status?.conditions?.map((c) => c.type)).toEqual(['FailureTarget', 'Failed'])
    expect(job.status?.failed).toBe(3)
    expect(await podsOf('failing')).toHaveLength(3)
    const out = await kubectl.ok(['get', 'job', 'failing', '--no-headers'])
    expect(out).toMatch(/Failed/)
  }, 120_000)

  it('gives Indexed job pods their completion indexes', async () => {
    await kubectl.ok(['create', '-f', '-'], { input: jobManifest('indexed', { completions: 3, parallelism: 3, completionMode: 'Indexed' }) })
    const job = await waitFor('indexed job to complete', async () => {
      const j = await getJob('indexed')
      return j.status?.conditions?.some((c) => c.type === 'Complete') ? j : undefined
    }, 90_000)
    expect(job.status?.completedIndexes).toBe('0-2')
    const pods = await podsOf('indexed')
    const indexes = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort()
    expect(indexes).toEqual(['0', '1', '2'])
    for (const pod of pods) {
      const ix = pod.metadata.annotations!['batch.kubernetes.io/job-completion-index']
      expect(pod.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe(ix)
      expect(pod.metadata.name).toMatch(new RegExp(`^indexed-${ix}-`))
      expect(pod.spec?.hostname).toBe(`indexed-${ix}`)
      expect(pod.spec?.containers?.[0].env).toContainEqual({ name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: expect.objectContaining({ fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" }) } })
    }
  }, 120_000)

  it('starts a Job at a */1 CronJob activation and serves kubectl create job --from', async () => {
    await kubectl.ok(['create', 'cronjob', 'every-minute', '--image=busybox:1.36', '--schedule=*/1 * * * *', '--', 'true'])
    const cj = await client.cronJobs.namespace(ns).get('every-minute')
    const created = Date.parse(cj.metadata.creationTimestamp!)
    // Time moves only here: each probe advances the cronjob controller's clock by 10 s.
    const job = await waitFor('a job of cronjob every-minute', async () => {
      await cronClock.advance(10_000)
      const jobs = (await client.jobs.namespace(ns).list()).items as Job[]
      return jobs.find((j) => j.metadata.ownerReferences?.[0]?.name === 'every-minute')
    }, 30_000)
    const scheduled = Date.parse(job.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'])
    expect(scheduled % 60_000).toBe(0)
    expect(scheduled).toBeGreaterThan(created)
    expect(job.metadata.name).toBe(`every-minute-${scheduled / 60_000}`)
    await waitFor('cronjob status to list the job', async () => {
      const c = await client.cronJobs.namespace(ns).get('every-minute')
      const status = c.status as { lastScheduleTime?: string } | undefined
      return status?.lastScheduleTime ? c : undefined
    })
    const events = await kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=every-minute', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}'])
    expect(events).toContain(`SuccessfulCreate:Created job ${job.metadata.name}`)

    await kubectl.ok(['create', 'job', 'by-hand', '--from=cronjob/every-minute'])
    const manual = await waitFor('job by-hand to complete', async () => {
      const j = await getJob('by-hand')
      return j.status?.conditions?.some((c) => c.type === 'Complete') ? j : undefined
    }, 60_000)
    expect(manual.metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual')
    expect(manual.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'every-minute' })
    await kubectl.ok(['delete', 'cronjob', 'every-minute'])
  }, 120_000)

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    await kubectl.ok(['create', '-f', '-'], { input: jobManifest('short-lived', { ttlSecondsAfterFinished: 1 }) })
    await waitFor('job short-lived to complete', async () => {
      const j = await getJob('short-lived')
      return j.status?.conditions?.some((c) => c.type === 'Complete') ? j : undefined
    }, 60_000)
    await waitFor('job short-lived to be deleted', async () => {
      const r = await kubectl(['get', 'job', 'short-lived'])
      return r.code !== 0 && /NotFound|not found/.test(r.stderr) ? r : undefined
    }, 30_000)
  }, 120_000)
})
