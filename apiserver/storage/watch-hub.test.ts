import { describe, expect, it } from 'vitest'
import type { StoreEvent, Watch } from './store.ts'
import { WatchHub } from './watch-hub.ts'

function event(key: string, revision: number): StoreEvent {
  return { type: 'ADDED', key, revision, current: { key, object: { metadata: {} }, json: '{}', revision } }
}

describe('WatchHub', () => {
  it('matches any prefix, whether or not it ends at a slash', () => {
    const hub = new WatchHub()
    const seen = new Map<string, string[]>()
    for (const prefix of ['', '/', '/registry/pods/', '/registry/pods/def', '/registry/pods/default/web-1', 'x']) {
      seen.set(prefix, [])
      hub.add(prefix, 0, (e) => seen.get(prefix)!.push(e.key), [])
    }
    hub.dispatch(event('/registry/pods/default/web-1', 1))
    hub.dispatch(event('/registry/pods/default/web-10', 2))
    hub.dispatch(event('/registry/pods/kube-system/dns', 3))
    hub.dispatch(event('/registry/services/default/s', 4))
    expect(seen.get('')).toHaveLength(4)
    expect(seen.get('/')).toHaveLength(4)
    expect(seen.get('/registry/pods/')).toHaveLength(3)
    expect(seen.get('/registry/pods/def')).toEqual(['/registry/pods/default/web-1', '/registry/pods/default/web-10'])
    expect(seen.get('/registry/pods/default/web-1')).toEqual(['/registry/pods/default/web-1', '/registry/pods/default/web-10'])
    expect(seen.get('x')).toEqual([])
  })

  it('forgets stopped watchers, including ones stopped by another watcher mid-delivery', () => {
    const hub = new WatchHub()
    const got: string[] = []
    let second: Watch | undefined
    hub.add('/a/', 0, () => {
      got.push('first')
      second?.stop()
    }, [])
    second = hub.add('/a/', 0, () => got.push('second'), [])
    expect(hub.size).toBe(2)
    hub.dispatch(event('/a/x', 1))
    expect(got).toEqual(['first'])
    expect(hub.size).toBe(1)
    hub.stopAll()
    expect(hub.size).toBe(0)
  })

  it('does not deliver events at or below the watcher\'s starting revision', () => {
    const hub = new WatchHub()
    const revisions: number[] = []
    hub.add('/', 5, (e) => revisions.push(e.revision), [])
    for (let r = 4; r <= 7; r++) hub.dispatch(event('/k', r))
    expect(revisions).toEqual([6, 7])
  })
})
