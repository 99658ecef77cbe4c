// The TTL-after-finished controller (upstream's pkg/controller/ttlafterfinished):
// deletes a Job spec.ttlSecondsAfterFinished seconds after it finished
// (its Complete or Failed condition's lastTransitionTime). Before deleting
// it reads the Job fresh from the server: the TTL may have been changed or
// the Job restarted meanwhile.
import { commonResources, isNotFound, type Client, type DeleteOptions } from '../../../shared/client/index.ts'
import type { Clock } from '../../../shared/clock.ts'
import type { EventHandler } from '../../../shared/informer/index.ts'
import type { Logger } from '../../../shared/logger.ts'
import type { ProcessResult } from '../../../shared/work-queue.ts'
import type { ControllerContext, ControllerDefinition } from '../../controller-context.ts'
import { keyOf, Reconciler, splitKey } from '../../reconciler.ts'
import { finishedCondition, isJobFinished, type Job } from '../job/job-types.ts'

export interface TtlAfterFinishedOptions {
  /**
   * How dependents (the Job's pods) go. Upstream deletes with Foreground,
   * which needs the garbage collector to finish the deletion.
   * @default 'Background'
   */
  propagationPolicy?: DeleteOptions['propagationPolicy']
}

export function needsCleanup(job: Job): boolean {
  return typeof job.spec?.ttlSecondsAfterFinished === 'number' && isJobFinished(job)
}

/** ms until the Job expires (<= 0: expired), or undefined if it has no TTL or is not finished. */
export function timeLeft(job: Job, now: number): number | undefined {
  if (!needsCleanup(job) || job.metadata.deletionTimestamp) return undefined
  const finishedAt = finishedCondition(job)?.lastTransitionTime
  if (!finishedAt) return undefined
  return Date.parse(finishedAt) + job.spec!.ttlSecondsAfterFinished! * 1000 - now
}

export interface TtlAfterFinishedDeps {
  client: Pick<Client, 'jobs'>
  jobs: { get(key: string): Job | undefined }
  clock: Clock
  log: Logger
  options?: TtlAfterFinishedOptions
}

export class TtlAfterFinishedController {
  readonly reconciler: Reconciler
  readonly #deps: TtlAfterFinishedDeps

  constructor(deps: TtlAfterFinishedDeps) {
    this.#deps = deps
    this.reconciler = new Reconciler({ name: 'ttl_jobs_to_delete', sync: (key) => this.sync(key), log: deps.log, clock: deps.clock })
  }

  readonly jobHandler: EventHandler<Job> = {
    onAdd: (job) => this.#maybeEnqueue(job),
    onUpdate: (_old, cur) => this.#maybeEnqueue(cur),
  }

  #maybeEnqueue(job: Job): void {
    if (!job.metadata.deletionTimestamp && needsCleanup(job)) this.reconciler.enqueue(job)
  }

  async sync(key: string): Promise<ProcessResult> {
    const cached = this.#deps.jobs.get(key)
    if (!cached) return
    const left = timeLeft(cached, this.#deps.clock.now())
    if (left === undefined) return
    if (left > 0) return { requeueAfter: left }
    // The cache may be stale: decide again on the server's copy.
    const { namespace, name } = splitKey(key)
    const jobs = this.#deps.client.jobs.namespace(namespace)
    let fresh: Job
    try {
      fresh = await jobs.get(name) as Job
    } catch (err) {
      if (isNotFound(err)) return
      throw err
    }
    const freshLeft = timeLeft(fresh, this.#deps.clock.now())
    if (freshLeft === undefined) return
    if (freshLeft > 0) return { requeueAfter: freshLeft }
    this.#deps.log.info({ job: keyOf(fresh) }, 'cleaning up finished job')
    try {
      await jobs.delete(name, { propagationPolicy: this.#deps.options?.propagationPolicy ?? 'Background', preconditions: { uid: fresh.metadata.uid } })
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
  }
}

/** The 'ttl-after-finished' controller (--concurrent-ttl-after-finished-syncs workers, default 5 upstream). */
export function ttlAfterFinishedController(options: TtlAfterFinishedOptions = {}): ControllerDefinition {
  return {
    name: 'ttl-after-finished',
    init(ctx: ControllerContext) {
      const jobs = ctx.informers.informerFor<Job>(commonResources.jobs)
      const controller = new TtlAfterFinishedController({ client: ctx.client, jobs, clock: ctx.clock, log: ctx.log.child({ controller: 'ttl-after-finished' }), options })
      jobs.addEventHandler(controller.jobHandler)
      return async (signal) => {
        await jobs.whenSynced()
        await controller.reconciler.run(ctx.workers('ttl-after-finished'), signal)
      }
    },
  }
}
