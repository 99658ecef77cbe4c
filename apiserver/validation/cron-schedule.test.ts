import { describe, expect, it } from 'vitest'
import { cronScheduleError } from './cron-schedule.ts'

describe('cronScheduleError', () => {
  it.each(['*/5 * * * *', '0 0 1 jan *', '0 9 * * MON-FRI', '15,45 8-18/2 * * *', '@weekly', '@every 1h30m', '0 0 ? * sun'])('accepts %s', (schedule) => {
    expect(cronScheduleError(schedule)).toBeUndefined()
  })

  it.each([
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['@sometimes', 'unrecognized descriptor: @sometimes'],
  ])('rejects %j with %s', (schedule, message) => {
    expect(cronScheduleError(schedule)).toBe(message)
  })
})
