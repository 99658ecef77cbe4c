import { describe, expect, it } from 'vitest'
import { parseSchedule } from './cron-schedule.ts'
import type { CronJob } from './cronjob-types.ts'
import { jobNameFor, mostRecentScheduleTime, nextScheduleTimeDuration } from './schedule-time.ts'

const at = (iso: string) => Date.parse(iso)
const hourly = parseSchedule('0 * * * *', 'UTC')

function cronJob(created: string, status: CronJob['status'] = {}, sds?: number): CronJob {
  return { metadata: { name: 'cj', creationTimestamp: created }, spec: { schedule: '0 * * * *', startingDeadlineSeconds: sds }, status }
}

describe('mostRecentScheduleTime', () => {
  it('nothing due before the first activation', () => {
    const r = mostRecentScheduleTime(cronJob('2025-01-01T10:10:00Z'), at('2025-01-01T10:59:59Z'), hourly, true)
    expect(r.mostRecent).toBeUndefined()
    expect(r.missed).toBe(0)
  })

  it('one activation due', () => {
    const r = mostRecentScheduleTime(cronJob('2025-01-01T10:10:00Z'), at('2025-01-01T11:00:05Z'), hourly, true)
    expect(r).toMatchObject({ mostRecent: at('2025-01-01T11:00:00Z'), missed: 1 })
  })

  it('counts missed activations since the last schedule and returns the latest', () => {
    const cj = cronJob('2025-01-01T00:00:00Z', { lastScheduleTime: '2025-01-01T02:00:00Z' })
    const r = mostRecentScheduleTime(cj, at('2025-01-01T07:30:00Z'), hourly, true)
    expect(r).toMatchObject({ mostRecent: at('2025-01-01T07:00:00Z'), missed: 5 })
  })

  it('startingDeadlineSeconds limits how far back it looks', () => {
    const cj = cronJob('2024-01-01T00:00:00Z', {}, 3600)
    const r = mostRecentScheduleTime(cj, at('2025-01-01T07:30:00Z'), hourly, true)
    expect(r).toMatchObject({ mostRecent: at('2025-01-01T07:00:00Z'), missed: 1 })
    expect(mostRecentScheduleTime(cj, at('2025-01-01T07:30:00Z'), hourly, false).missed).toBeGreaterThan(100)
  })

  it('walks unevenly spaced schedules exactly', () => {
    const weekdays = parseSchedule('0 9 * * 1-5', 'UTC')
    // Friday 2025-01-03 09:00 was the last; now is Tuesday 10:00: Mon 09:00 and Tue 09:00 due.
    const cj = cronJob('2024-12-01T00:00:00Z', { lastScheduleTime: '2025-01-03T09:00:00Z' })
    expect(mostRecentScheduleTime(cj, at('2025-01-07T10:00:00Z'), weekdays, true).mostRecent).toBe(at('2025-01-07T09:00:00Z'))
  })
})

describe('next activation and job name', () => {
  it('sleeps until just after the next activation', () => {
    const cj = cronJob('2025-01-01T10:10:00Z', { lastScheduleTime: '2025-01-01T11:00:00Z' })
    expect(nextScheduleTimeDuration(cj, at('2025-01-01T11:30:00Z'), hourly)).toBe(30 * 60_000 + 100)
  })

  it('names a Job by minutes since the epoch', () => {
    expect(jobNameFor('backup', at('2025-01-01T00:00:00Z'))).toBe('backup-28928160')
  })
})
