import { describe, expect, it } from 'vitest'
import { formatLogLine } from './log-lines.ts'

describe('formatLogLine', () => {
  it('turns a pino line into time, level, message and fields after the component name', () => {
    const line = JSON.stringify({ level: 40, time: '2026-11-23T19:20:01.123Z', pid: 1, component: 'kubelet', msg: 'failed to update pod status', pod: 'default/web', err: { message: 'socket hang up' } })
    expect(formatLogLine('kubelet node-1', line, 16)).toBe('kubelet node-1   | 19:20:01 WARN  failed to update pod status pod=default/web err="socket hang up"')
  })

  it('passes other text through', () => {
    expect(formatLogLine('apiserver', 'plain text', 10)).toBe('apiserver  | plain text')
  })
})
