import { describe, expect, it } from 'vitest'
import { EventHistory } from './event-history.ts'
import type { StoreEvent } from './store.ts'

function event(revision: number, key = `/registry/pods/ns/p${revision}`): StoreEvent {
  const current = { key, object: { metadata: { name: key, resourceVersion: String(revision) } }, json: '{}', revision }
  return { type: 'ADDED', key, current, revision }
}

describe('EventHistory', () => {
  it('keeps the newest events up to its capacity and moves the watchable floor as it evicts', () => {
    const history = new EventHistory({ capacity: 3, maxAgeMs: Infinity, startRevision: 10, now: () => 0 })
    expect(history.oldestWatchableRevision).toBe(10)
    for (let r = 11; r <= 15; r++) history.append(event(r))
    // 11 and 12 were evicted: events after 12 are all still held.
    expect(history.oldestWatchableRevision).toBe(12)
    expect(history.eventsAfter(12, '').map((e) => e.revision)).toEqual([13, 14, 15])
    expect(history.eventsAfter(14, '').map((e) => e.revision)).toEqual([15])
    expect(history.eventsAfter(15, '')).toEqual([])
  })

  it('filters replay by prefix', () => {
    const history = new EventHistory({ capacity: 10, maxAgeMs: Infinity, startRevision: 0, now: () => 0 })
    history.append(event(1, '/registry/pods/a/x'))
    history.append(event(2, '/registry/services/a/x'))
    history.append(event(3, '/registry/pods/b/y'))
    expect(history.eventsAfter(0, '/registry/pods/').map((e) => e.revision)).toEqual([1, 3])
  })

  it('drops events older than maxAgeMs', () => {
    let now = 1_000
    const history = new EventHistory({ capacity: 100, maxAgeMs: 500, startRevision: 0, now: () => now })
    history.append(event(1))
    now = 1_400
    history.append(event(2))
    now = 1_600
    expect(history.oldestWatchableRevision).toBe(1)
    expect(history.eventsAfter(1, '').map((e) => e.revision)).toEqual([2])
    now = 10_000
    expect(history.oldestWatchableRevision).toBe(2)
    expect(history.eventsAfter(2, '')).toEqual([])
  })

  it('with capacity 0 holds nothing: only the latest revision is watchable', () => {
    const history = new EventHistory({ capacity: 0, maxAgeMs: Infinity, startRevision: 5, now: () => 0 })
    history.append(event(6))
    expect(history.oldestWatchableRevision).toBe(6)
  })
})
