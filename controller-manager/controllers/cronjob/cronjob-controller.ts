// The CronJob controller (upstream's cronjob_controllerv2.go): at each
// activation of spec.schedule it creates one Job from spec.jobTemplate,
// named <cronjob>-<minutes since epoch> so a retry cannot start a second
// one, honouring suspend, startingDeadlineSeconds and concurrencyPolicy;
// it keeps status.active and lastScheduleTime / lastSuccessfulTime, and
// deletes finished Jobs beyond the history limits. Each sync returns when
// to come back: just after the next activation.
import { commonResources, isAlreadyExists, isConflict, isNotFound, type Client } from '../../../shared/client/index.ts'
import type { Clock } from '../../../shared/clock.ts'
import type { EventRecorder, ObjectReference } from '../../../shared/event-recorder.ts'
import type { EventHandler } from '../../../shared/informer/index.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { controllerOf, controllerRef } from '../../owner-refs.ts'
import { keyOf, Reconciler } from '../../reconciler.ts'
import { finishedCondition, formatTime, isJobFinished, isJobSucceeded, withJobTypeMeta, type Job } from '../job/job-types.ts'
import { formatRfc3339InZone, isValidTimeZone, localTimeZone, parseSchedule, type Schedule } from './cron-schedule.ts'
import { cronJobScheduledTimestampAnnotation, withCronJobTypeMeta, type CronJob } from './cronjob-types.ts'
import { jobNameFor, mostRecentScheduleTime, nextScheduleTimeDuration, tooManyMissedSchedules } from './schedule-time.ts'

export interface CronJobControllerDeps {
  client: Pick<Client, 'jobs' | 'cronJobs'>
  cronJobs: { get(key: string): CronJob | undefined }
  /** Cached Jobs; byIndex('namespace', ns). */
  jobs: { byIndex(name: string, value: string): Job[] }
  recorder: Pick<EventRecorder, 'event'>
  clock: Clock
  log: Logger
}

function jobReference(job: Job): ObjectReference {
  return { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion }
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
export function formatRfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000')
}

/** The Job for one activation (upstream's getJobFromTemplate2). */
export function jobFromTemplate(cj: CronJob, scheduledTime: number): Job {
  const template = cj.spec?.jobTemplate ?? {}
  const timeZone = cj.spec?.timeZone ?? localTimeZone()
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata.name ?? '', scheduledTime),
      namespace: cj.metadata.namespace,
      ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
      annotations: { ...template.metadata?.annotations, [cronJobScheduledTimestampAnnotation]: formatRfc3339InZone(scheduledTime, timeZone) },
      ownerReferences: [controllerRef(withCronJobTypeMeta(cj))],
    },
    spec: structuredClone(template.spec ?? {}),
  }
}

export class CronJobController {
  readonly reconciler: Reconciler
  readonly #deps: CronJobControllerDeps

  constructor(deps: CronJobControllerDeps) {
    this.#deps = deps
    this.reconciler = new Reconciler({ name: 'cronjob', sync: (key) => this.sync(key), log: deps.log, clock: deps.clock })
  }

  readonly cronJobHandler: EventHandler<CronJob> = {
    onAdd: (cj) => this.reconciler.enqueue(cj),
    onUpdate: (old, cur) => {
      // A new schedule or zone may move the next activation earlier than the parked requeue.
      const changed = old.spec?.schedule !== cur.spec?.schedule || (old.spec?.timeZone ?? '') !== (cur.spec?.timeZone ?? '')
      if (changed && !cur.spec?.suspend) {
        try {
          const schedule = parseSchedule(cur.spec?.schedule ?? '', cur.spec?.timeZone ?? undefined)
          this.reconciler.enqueueAfter(cur, nextScheduleTimeDuration(cur, this.#deps.clock.now(), schedule))
          return
        } catch {
          // The sync reports an unparseable schedule.
        }
      }
      this.reconciler.enqueue(cur)
    },
    onDelete: (cj) => this.reconciler.enqueue(cj),
  }

  readonly jobHandler: EventHandler<Job> = {
    onAdd: (job) => this.#enqueueOwner(job),
    onUpdate: (old, cur) => {
      const oldRef = controllerOf(old)
      if (oldRef && oldRef.uid !== controllerOf(cur)?.uid) this.#enqueueOwner(old)
      this.#enqueueOwner(cur)
    },
    onDelete: (job) => this.#enqueueOwner(job),
  }

  #enqueueOwner(job: Job): void {
    const ref = controllerOf(job)
    if (ref?.kind !== 'CronJob') return
    const key = `${job.metadata.namespace}/${ref.name}`
    const cj = this.#deps.cronJobs.get(key)
    if (cj && cj.metadata.uid === ref.uid) this.reconciler.enqueueKey(key)
  }

  /** Jobs whose controller reference names this CronJob (by name, as upstream). */
  #jobsOf(cj: CronJob): Job[] {
    return this.#deps.jobs.byIndex('namespace', cj.metadata.namespace ?? '').filter((j) => {
      const ref = controllerOf(j)
      return ref?.kind === 'CronJob' && ref.name === cj.metadata.name
    })
  }

  async sync(key: string): Promise<ProcessResult> {
    const cached = this.#deps.cronJobs.get(key)
    if (!cached) return
    const cj = withCronJobTypeMeta(structuredClone(cached))
    const jobs = this.#jobsOf(cj)
    const { requeueAfter, updateStatus } = await this.#syncCronJob(cj, jobs)
    let update = updateStatus
    if (!cj.metadata.deletionTimestamp && (await this.#cleanupFinishedJobs(cj, jobs))) update = true
    if (update) await this.#updateStatus(cj)
    return requeueAfter === undefined ? undefined : { requeueAfter }
  }

  async #updateStatus(cj: CronJob): Promise<void> {
    const cronJobs = this.#deps.client.cronJobs.namespace(cj.metadata.namespace ?? 'default')
    let updated: CronJob
    try {
      updated = await cronJobs.updateStatus(cj) as CronJob
    } catch (err) {
      if (!isConflict(err)) throw err
      // Our last status write has not reached the cache yet. Only this
      // controller writes CronJob status, so put ours on the fresh object
      // rather than lose the record of a Job just created.
      const fresh = await cronJobs.get(cj.metadata.name ?? '') as CronJob
      if (fresh.metadata.uid !== cj.metadata.uid) return
      updated = await cronJobs.updateStatus({ ...fresh, status: cj.status }) as CronJob
    }
    cj.metadata.resourceVersion = updated.metadata.resourceVersion
  }

  async #syncCronJob(cj: CronJob, jobs: Job[]): Promise<{ requeueAfter?: number; updateStatus: boolean }> {
    const { recorder, clock } = this.#deps
    const status = (cj.status ??= {})
    const spec = cj.spec ?? {}
    let updateStatus = false
    const now = clock.now()
    const activeUids = () => new Set((status.active ?? []).map((r) => r.uid))

    for (const job of jobs) {
      const found = activeUids().has(job.metadata.uid)
      if (!found && !isJobFinished(job)) {
        // Created by someone else (kubectl create job --from), or we crashed before recording it.
        recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name}`)
      } else if (found && isJobFinished(job)) {
        status.active = (status.active ?? []).filter((r) => r.uid !== job.metadata.uid)
        recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${finishedCondition(job)?.type}`)
        updateStatus = true
      }
      if (isJobSucceeded(job)) {
        const completed = job.status?.completionTime
        if (!status.lastSuccessfulTime || (completed && Date.parse(completed) > Date.parse(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = completed ?? formatTime(now)
          updateStatus = true
        }
      }
    }

    // Active references whose Job is gone from the cache: check the server before dropping them.
    const present = new Set(jobs.map((j) => j.metadata.uid))
    for (const ref of [...(status.active ?? [])]) {
      if (present.has(ref.uid)) continue
      try {
        const job = await this.#deps.client.jobs.namespace(ref.namespace ?? cj.metadata.namespace ?? 'default').get(ref.name ?? '') as Job
        if (job.metadata.uid === ref.uid) continue
      } catch (err) {
        if (!isNotFound(err)) throw err
      }
      recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`)
      status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid)
      updateStatus = true
    }

    if (cj.metadata.deletionTimestamp) return { updateStatus }
    const timeZone = spec.timeZone ?? undefined
    if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
      recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`)
      return { updateStatus }
    }
    if (spec.suspend) return { updateStatus }

    let schedule: Schedule
    try {
      schedule = parseSchedule(spec.schedule ?? '', timeZone)
    } catch (err) {
      recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${(err as Error).message}`)
      return { updateStatus }
    }

    let scheduled: number | undefined
    try {
      const recent = mostRecentScheduleTime(cj, now, schedule, true)
      if (recent.missed > tooManyMissedSchedules) {
        recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`)
      }
      scheduled = recent.mostRecent
    } catch (err) {
      recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${spec.schedule} : ${(err as Error).message}`)
      return { updateStatus }
    }
    const requeueAfter = nextScheduleTimeDuration(cj, now, schedule)
    if (scheduled === undefined) return { requeueAfter, updateStatus }

    const sds = spec.startingDeadlineSeconds
    if (typeof sds === 'number' && scheduled + sds * 1000 < now) {
      recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRfc1123z(scheduled)}`)
      return { requeueAfter, updateStatus }
    }
    const name = jobNameFor(cj.metadata.name ?? '', scheduled)
    const lastSchedule = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined
    if ((status.active ?? []).some((r) => r.name === name) || lastSchedule === Math.floor(scheduled / 1000) * 1000) {
      // This activation was handled already.
      return { requeueAfter, updateStatus }
    }
    const policy = spec.concurrencyPolicy ?? 'Allow'
    if (policy === 'Forbid' && (status.active ?? []).length > 0) {
      // Later activations are retried until startingDeadlineSeconds runs out.
      recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid')
      return { requeueAfter, updateStatus }
    }
    if (policy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) {
        const job = jobs.find((j) => j.metadata.uid === ref.uid)
        if (!job) continue
        await this.#deleteJob(cj, job)
        status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid)
        updateStatus = true
      }
    }

    const request = jobFromTemplate(cj, scheduled)
    let created: Job
    try {
      created = await this.#deps.client.jobs.namespace(cj.metadata.namespace ?? 'default').create(request) as Job
      recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`)
    } catch (err) {
      if (!isAlreadyExists(err)) {
        recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`)
        throw err
      }
      // Created by an earlier attempt whose status write was lost: adopt the record if it is ours.
      created = await this.#deps.client.jobs.namespace(cj.metadata.namespace ?? 'default').get(request.metadata.name ?? '') as Job
      if (controllerOf(created)?.uid !== cj.metadata.uid) throw err
    }
    this.#deps.log.info({ cronjob: keyOf(cj), job: created.metadata.name }, 'created job')
    if (!activeUids().has(created.metadata.uid)) status.active = [...(status.active ?? []), jobReference(created)]
    status.lastScheduleTime = formatTime(scheduled)
    return { requeueAfter, updateStatus: true }
  }

  async #deleteJob(cj: CronJob, job: Job): Promise<void> {
    try {
      await this.#deps.client.jobs.namespace(job.metadata.namespace ?? 'default').delete(job.metadata.name ?? '', { propagationPolicy: 'Background' })
    } catch (err) {
      if (!isNotFound(err)) {
        this.#deps.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`)
        throw err
      }
    }
    this.#deps.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`)
  }

  /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit. */
  async #cleanupFinishedJobs(cj: CronJob, jobs: Job[]): Promise<boolean> {
    const spec = cj.spec ?? {}
    const succeededLimit = spec.successfulJobsHistoryLimit
    const failedLimit = spec.failedJobsHistoryLimit
    if ((succeededLimit === undefined || succeededLimit === null) && (failedLimit === undefined || failedLimit === null)) return false
    let updateStatus = false
    const succeeded = jobs.filter((j) => finishedCondition(j)?.type === 'Complete')
    const failed = jobs.filter((j) => finishedCondition(j)?.type === 'Failed')
    for (const [list, limit] of [[succeeded, succeededLimit], [failed, failedLimit]] as const) {
      if (limit === undefined || limit === null || list.length <= limit) continue
      // Oldest first by start time; Jobs that never started sort first (upstream's byJobStartTime).
      const sorted = [...list].sort((a, b) => startOf(a) - startOf(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
      for (const job of sorted.slice(0, list.length - limit)) {
        await this.#deleteJob(cj, withJobTypeMeta(job))
        if ((cj.status?.active ?? []).some((r) => r.uid === job.metadata.uid)) {
          cj.status!.active = cj.status!.active!.filter((r) => r.uid !== job.metadata.uid)
          updateStatus = true
        }
      }
    }
    return updateStatus
  }
}

function startOf(job: Job): number {
  const start = job.status?.startTime
  return start ? Date.parse(start) : Number.NEGATIVE_INFINITY
}

/** The 'cronjob' controller as the controller-manager starts it (--concurrent-cron-job-syncs workers, default 5 upstream). */
export function cronJobController(): ControllerDefinition {
  return {
    name: 'cronjob',
    init(ctx: ControllerContext) {
      const cronJobs = ctx.informers.informerFor<CronJob>(commonResources.cronJobs)
      const jobs = ctx.informers.informerFor<Job>(commonResources.jobs)
      const controller = new CronJobController({
        client: ctx.client, cronJobs, jobs, recorder: ctx.recorder('cronjob-controller'), clock: ctx.clock, log: ctx.log.child({ controller: 'cronjob' }),
      })
      cronJobs.addEventHandler(controller.cronJobHandler)
      jobs.addEventHandler(controller.jobHandler)
      return async (signal) => {
        await Promise.all([cronJobs.whenSynced(), jobs.whenSynced()])
        await controller.reconciler.run(ctx.workers('cronjob'), signal)
      }
    },
  }
}
