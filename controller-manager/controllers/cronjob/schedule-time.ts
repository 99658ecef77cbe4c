// When a CronJob should start its next Job (upstream's cronjob/utils.go):
// from the later of its last schedule (or creation) and now minus
// startingDeadlineSeconds, find the most recent activation not after now and
// how many were missed; and how long to sleep until the next one.
import type { Schedule } from './cron-schedule.ts'
import type { CronJob } from './cronjob-types.ts'

/** Upstream's nextScheduleDelta: wake a little after the activation, not before it. */
export const nextScheduleDeltaMs = 100

/** Above this many missed activations the controller says so in an Event (upstream: 100). */
export const tooManyMissedSchedules = 100

export interface MostRecentSchedule {
  /** Where the search started: last schedule, creation, or now − startingDeadlineSeconds. */
  earliest: number
  /** The latest activation in (earliest, now], if any. */
  mostRecent?: number
  missed: number
}

export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: Schedule, includeStartingDeadlineSeconds: boolean): MostRecentSchedule {
  const last = cj.status?.lastScheduleTime
  let earliest = last ? Date.parse(last) : Date.parse(cj.metadata.creationTimestamp ?? '') || now
  const sds = cj.spec?.startingDeadlineSeconds
  if (includeStartingDeadlineSeconds && typeof sds === 'number') {
    const deadline = now - sds * 1000
    if (deadline > earliest) earliest = deadline
  }
  const t1 = schedule.next(earliest)
  const t2 = schedule.next(t1)
  if (now < t1) return { earliest, missed: 0 }
  if (now < t2) return { earliest, mostRecent: t1, missed: 1 }
  // Many activations passed (e.g. the controller was down): count them by the
  // period instead of walking each one, then walk the last few exactly, as
  // schedules like "0 9 * * 1-5" are not evenly spaced.
  const period = Math.floor((t2 - t1) / 1000) * 1000
  if (period < 1000) throw new RangeError(`time difference between two schedules is less than 1 second`)
  const missed = Math.floor((now - t1) / period) + 1
  let mostRecent = t1 + (missed - 1) * period
  for (let t = schedule.next(mostRecent); t <= now; t = schedule.next(t)) mostRecent = t
  return { earliest, mostRecent, missed }
}

/** Milliseconds until just after the next activation. */
export function nextScheduleTimeDuration(cj: CronJob, now: number, schedule: Schedule): number {
  const { earliest, mostRecent } = mostRecentScheduleTime(cj, now, schedule, false)
  const next = schedule.next(mostRecent ?? earliest)
  return next + nextScheduleDeltaMs - now
}

/** `<cronjob>-<scheduled time in minutes since the epoch>`: one Job per activation, whoever creates it. */
export function jobNameFor(cjName: string, scheduledTime: number): string {
  return `${cjName}-${Math.floor(scheduledTime / 60_000)}`
}
