import { describe, expect, it } from 'vitest'
import { FlowRecorder, flowLine, matchesFilter, type FlowRecord } from './flow-recorder.ts'

describe('FlowRecorder', () => {
  it('is inactive, and records nothing, while nobody listens', () => {
    const flow = new FlowRecorder()
    expect(flow.active).toBe(false)
    flow.record('kubectl → apiserver  GET /version → 200')
    const got: FlowRecord[] = []
    const stop = flow.subscribe({}, (r) => got.push(r))
    expect(flow.active).toBe(true)
    stop()
    expect(flow.active).toBe(false)
    expect(flow.subscriberCount).toBe(0)
    flow.record('kubectl → apiserver  GET /version → 200')
    expect(got).toEqual([])
  })

  it('hands each subscriber the records its filter matches, in order', () => {
    const flow = new FlowRecorder()
    const all: string[] = []
    const nginx: string[] = []
    const other: string[] = []
    flow.subscribe({}, (r) => all.push(r.text))
    flow.subscribe({ namespace: 'default', name: 'nginx' }, (r) => nginx.push(r.text))
    flow.subscribe({ namespace: 'other' }, (r) => other.push(r.text))
    flow.record('a', 'default', 'nginx')
    flow.record('b', 'default', 'web')
    flow.record('c', 'other', 'nginx')
    flow.record('d')
    expect(all).toEqual(['a', 'b', 'c', 'd'])
    expect(nginx).toEqual(['a'])
    expect(other).toEqual(['c'])
  })

  it('prints every record as a timestamped line while a printer is set', () => {
    const flow = new FlowRecorder()
    const printed: string[] = []
    flow.printTo((line) => printed.push(line))
    expect(flow.active).toBe(true)
    expect(flow.printing).toBe(true)
    flow.record('apiserver → scheduler  watch ADDED pod default/nginx rv=3', 'default', 'nginx')
    expect(printed).toHaveLength(1)
    expect(printed[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} apiserver → scheduler {2}watch ADDED pod default\/nginx rv=3$/)
    flow.printTo(undefined)
    expect(flow.active).toBe(false)
  })
})

describe('matchesFilter', () => {
  const record = (namespace?: string, name?: string): FlowRecord => ({ time: 0, text: 'x', namespace, name })

  it('matches name and namespace exactly, each only when given', () => {
    expect(matchesFilter(record('default', 'nginx'), {})).toBe(true)
    expect(matchesFilter(record('default', 'nginx'), { name: 'nginx' })).toBe(true)
    expect(matchesFilter(record('default', 'nginx-2'), { name: 'nginx' })).toBe(false)
    expect(matchesFilter(record('default', 'nginx'), { namespace: 'kube-system' })).toBe(false)
    expect(matchesFilter(record(undefined, 'node-1'), { namespace: 'default' })).toBe(false)
    expect(matchesFilter(record(), { name: 'nginx' })).toBe(false)
  })

  it('formats a record with its time', () => {
    expect(flowLine({ time: new Date(2024, 0, 1, 13, 2, 3, 45).getTime(), text: 'hello' })).toBe('13:02:03.045 hello')
  })
})
