import { describe, expect, it } from 'vitest'
import { parseLogFormat, textLogLine } from './logger.ts'

describe('the flow log format', () => {
  it('turns a pino line into a short text line: time, level, message, fields', () => {
    const at = new Date(2024, 0, 1, 9, 8, 7, 6).getTime()
    expect(textLogLine(JSON.stringify({ level: 40, time: at, pid: 1, component: 'scheduler', msg: 'cannot bind', pod: 'default/nginx', attempts: 2 })))
      .toBe('09:08:07.006 WARN  cannot bind pod=default/nginx attempts=2')
    expect(textLogLine(JSON.stringify({ level: 50, time: at, msg: 'failed', err: { type: 'Error', message: 'boom here', stack: '…' }, note: 'two words' })))
      .toBe('09:08:07.006 ERROR failed err="boom here" note="two words"')
  })

  it('passes text that is not JSON through', () => {
    expect(textLogLine('plain text\n')).toBe('plain text')
  })

  it('accepts json and flow only', () => {
    expect(parseLogFormat('json')).toBe('json')
    expect(parseLogFormat('flow')).toBe('flow')
    expect(() => parseLogFormat('text')).toThrow(/--log-format must be one of json, flow/)
  })
})
