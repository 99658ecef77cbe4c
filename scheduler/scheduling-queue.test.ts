import { describe, expect, it } from 'vitest'
import { FakeClock, flushMicrotasks } from '../shared/clock.ts'
import { podInfoOf, type PodInfo } from './framework.ts'
import { SchedulingQueue, type QueuedPodInfo, type QueueEvent, type QueuePart, type SchedulingQueueOptions } from './scheduling-queue.ts'
import { makePod, podInfo } from './test-fixtures.ts'

function newQueue(options: SchedulingQueueOptions = {}) {
  const clock = new FakeClock(1_000_000)
  return { clock, q: new SchedulingQueue({ clock, ...options }) }
}

/** Resolves with whatever the promise has resolved to by now, or 'pending'. */
async function settle<T>(p: Promise<T>): Promise<T | 'pending'> {
  let out: T | 'pending' = 'pending'
  void p.then((v) => {
    out = v
  })
  await flushMicrotasks()
  return out
}

async function popKey(q: SchedulingQueue): Promise<string | undefined> {
  return (await settle(q.pop()).then((v) => (v === 'pending' ? undefined : v)))?.podInfo.key
}

/** Pops the pod, then hands it back rejected by the plugins, as the scheduler does after a failed cycle. */
async function failOnce(q: SchedulingQueue, plugins: string[] = ['NodeResourcesFit']): Promise<{ qpi: QueuedPodInfo; part: QueuePart | undefined }> {
  const qpi = (await q.pop())!
  const cycle = q.schedulingCycle()
  for (const p of plugins) qpi.unschedulablePlugins.add(p)
  return { qpi, part: q.addUnschedulableIfNotPresent(qpi, cycle) }
}

const fitOnly = (plugins: ReadonlySet<string>) => plugins.has('NodeResourcesFit')

describe('SchedulingQueue activeQ', () => {
  it('pops by priority, then by the time the pod entered the queue', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('low-old', { priority: -5 }))
    await clock.advance(1)
    q.add(podInfo('default-old'))
    await clock.advance(1)
    q.add(podInfo('high', { priority: 1000 }))
    await clock.advance(1)
    q.add(podInfo('default-new', { priority: 0 }))
    q.add(podInfo('default-newest'))
    const order: (string | undefined)[] = []
    for (let i = 0; i < 5; i++) order.push(await popKey(q))
    expect(order).toEqual(['default/high', 'default/default-old', 'default/default-new', 'default/default-newest', 'default/low-old'])
  })

  it('counts attempts and scheduling cycles, and stamps the first attempt', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    const added = clock.now()
    await clock.advance(50)
    expect(q.schedulingCycle()).toBe(0)
    const qpi = (await q.pop())!
    expect(qpi).toMatchObject({ attempts: 1, timestamp: added, initialAttemptTimestamp: added })
    expect(q.schedulingCycle()).toBe(1)
    expect(q.has('default/a')).toBe(false) // in flight, not queued
  })

  it('pop waits for a pod and wakes on add; waiters are served in call order', async () => {
    const { q } = newQueue()
    const first = q.pop()
    const second = q.pop()
    expect(await settle(first)).toBe('pending')
    q.add(podInfo('a'))
    expect((await first)?.podInfo.key).toBe('default/a')
    expect(await settle(second)).toBe('pending')
    q.add(podInfo('b'))
    expect((await second)?.podInfo.key).toBe('default/b')
  })

  it('a waiter woken by a batch gets the best pod of the batch', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('low', { priority: 1 }))
    q.add(podInfo('high', { priority: 9 }))
    await failOnce(q)
    await failOnce(q)
    await clock.advance(60_000)
    const waiting = q.pop()
    expect(await settle(waiting)).toBe('pending')
    q.moveAllToActiveOrBackoff('NodeAdd')
    expect((await waiting)?.podInfo.key).toBe('default/high')
  })

  it('pop resolves undefined when its signal aborts, and the pod goes to the next pop', async () => {
    const { q } = newQueue()
    const ac = new AbortController()
    const aborted = q.pop(ac.signal)
    const other = q.pop()
    ac.abort()
    expect(await aborted).toBeUndefined()
    q.add(podInfo('a'))
    expect((await other)?.podInfo.key).toBe('default/a')
    expect(await q.pop(AbortSignal.abort())).toBeUndefined()
  })

  it('an update to a pod in activeQ takes effect in place, priority included', async () => {
    const { q } = newQueue()
    q.add(podInfo('a', { priority: 1 }))
    q.add(podInfo('b', { priority: 2 }))
    const raised = podInfo('a', { priority: 3, labels: { v: '2' } })
    q.update(makePod('a', { priority: 1 }), raised)
    expect(q.lengths()).toEqual({ active: 2, backoff: 0, unschedulable: 0 })
    const qpi = (await q.pop())!
    expect(qpi.podInfo).toBe(raised)
    expect(qpi.attempts).toBe(1)
  })

  it('update of an unknown pod adds it; add of a known pod updates it', async () => {
    const { q } = newQueue()
    q.update(undefined, podInfo('a'))
    expect(q.has('default/a')).toBe(true)
    const newer = podInfo('a', { labels: { v: '2' } })
    q.add(newer)
    expect(q.lengths().active).toBe(1)
    expect((await q.pop())!.podInfo).toBe(newer)
  })
})

describe('SchedulingQueue backoff', () => {
  it('backs off 1 s, 2 s, 4 s, 8 s, then 10 s at most', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    for (const expected of [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]) {
      const qpi = (await q.pop())!
      expect(q.addBackoff(qpi)).toBe('backoff')
      await clock.advance(expected - 1)
      expect(q.lengths()).toEqual({ active: 0, backoff: 1, unschedulable: 0 })
      await clock.advance(1)
      expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 0 })
    }
  })

  it('takes its durations from the options', async () => {
    const { clock, q } = newQueue({ podInitialBackoffMs: 100, podMaxBackoffMs: 250 })
    q.add(podInfo('a'))
    for (const expected of [100, 200, 250]) {
      q.addBackoff((await q.pop())!)
      await clock.advance(expected - 1)
      expect(q.lengths().backoff).toBe(1)
      await clock.advance(1)
      expect(q.lengths().active).toBe(1)
    }
    expect(() => new SchedulingQueue({ podInitialBackoffMs: 2, podMaxBackoffMs: 1 })).toThrow(RangeError)
    expect(() => new SchedulingQueue({ podMaxInUnschedulablePodsMs: -1 })).toThrow(RangeError)
  })

  it('moves each pod when its own backoff ends, and wakes a waiting pop', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('slow'))
    q.addBackoff((await q.pop())!)
    await clock.advance(1_000)
    q.addBackoff((await q.pop())!) // attempt 2: 2 s
    await clock.advance(500)
    q.add(podInfo('fast'))
    q.addBackoff((await q.pop())!) // attempt 1: 1 s, due before slow
    const waiting = q.pop()
    await clock.advance(999)
    expect(await settle(waiting)).toBe('pending')
    await clock.advance(1)
    expect((await waiting)?.podInfo.key).toBe('default/fast')
    await clock.advance(499)
    expect(q.lengths().backoff).toBe(1)
    await clock.advance(1)
    expect(await popKey(q)).toBe('default/slow')
  })

  it('a pod with no rejecting plugins (an error) goes through backoff, not unschedulablePods', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    const { part } = await failOnce(q, [])
    expect(part).toBe('backoff')
    await clock.advance(1_000)
    expect(q.lengths().active).toBe(1)
  })
})

describe('SchedulingQueue unschedulablePods', () => {
  it('keeps a rejected pod until an event its plugins care about', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    const { qpi, part } = await failOnce(q)
    expect(part).toBe('unschedulable')
    expect([...qpi.unschedulablePlugins]).toEqual(['NodeResourcesFit'])
    await clock.advance(60_000)
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 1 })
    q.moveAllToActiveOrBackoff('NodeAdd', fitOnly)
    expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 0 })
    const again = (await q.pop())!
    expect(again).toBe(qpi)
    expect(again.attempts).toBe(2)
    expect(again.unschedulablePlugins.size).toBe(0) // cleared for the new attempt
  })

  it('an event soon after the failure sends the pod through the rest of its backoff', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    await failOnce(q)
    await clock.advance(400)
    q.moveAllToActiveOrBackoff('NodeAdd', fitOnly)
    expect(q.lengths()).toEqual({ active: 0, backoff: 1, unschedulable: 0 })
    await clock.advance(599)
    expect(q.lengths().backoff).toBe(1)
    await clock.advance(1)
    expect(q.lengths().active).toBe(1)
  })

  it('an irrelevant event leaves the pod where it is', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    await failOnce(q, ['NodeAffinity'])
    await clock.advance(60_000)
    const seen: ReadonlySet<string>[] = []
    q.moveAllToActiveOrBackoff('PodDelete', (plugins) => {
      seen.push(plugins)
      return fitOnly(plugins)
    })
    expect(seen.map((s) => [...s])).toEqual([['NodeAffinity']])
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 1 })
  })

  it('moves only the pods whose plugins care; without relevant() it moves all', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('fit'))
    q.add(podInfo('affinity'))
    q.add(podInfo('taint'))
    await failOnce(q, ['NodeResourcesFit'])
    await failOnce(q, ['NodeAffinity'])
    await failOnce(q, ['TaintToleration'])
    await clock.advance(60_000)
    q.moveAllToActiveOrBackoff('NodeUpdate', fitOnly)
    expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 2 })
    expect(await popKey(q)).toBe('default/fit')
    q.moveAllToActiveOrBackoff('NodeAdd')
    expect(q.lengths()).toEqual({ active: 2, backoff: 0, unschedulable: 0 })
  })

  it('a pod with no recorded plugins moves on any event', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    const { qpi } = await failOnce(q)
    qpi.unschedulablePlugins.clear()
    await clock.advance(60_000)
    q.moveAllToActiveOrBackoff('NamespaceChange', () => false)
    expect(q.lengths().active).toBe(1)
  })

  it('retries a pod after 5 minutes in unschedulablePods even without an event', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    await failOnce(q)
    await clock.advance(30_000)
    q.add(podInfo('b'))
    await failOnce(q)
    await clock.advance(5 * 60_000 - 30_000 - 1)
    expect(q.lengths().unschedulable).toBe(2)
    await clock.advance(1)
    expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 1 })
    expect(await popKey(q)).toBe('default/a')
    await clock.advance(30_000)
    expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 0 })
  })

  it('takes its leftover duration from the options', async () => {
    const { clock, q } = newQueue({ podMaxInUnschedulablePodsMs: 20_000 })
    q.add(podInfo('a'))
    await failOnce(q)
    await clock.advance(19_999)
    expect(q.lengths().unschedulable).toBe(1)
    await clock.advance(1)
    expect(q.lengths().active).toBe(1)
  })

  it('reports which part each pod enters, and why', async () => {
    const seen: [QueuePart, QueueEvent][] = []
    const { clock, q } = newQueue({ metrics: { incoming: (part, event) => seen.push([part, event]) } })
    q.add(podInfo('a'))
    await failOnce(q)
    q.moveAllToActiveOrBackoff('NodeAdd')
    await clock.advance(1_000)
    expect(seen).toEqual([
      ['active', 'UnscheduledPodAdd'],
      ['unschedulable', 'ScheduleAttemptFailure'],
      ['backoff', 'NodeAdd'],
      ['active', 'BackoffComplete'],
    ])
  })
})

describe('SchedulingQueue moveRequestCycle', () => {
  it('a pod rejected in a cycle during which a move request came goes to backoffQ', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    const qpi = (await q.pop())!
    const cycle = q.schedulingCycle()
    // A node arrives while the pod is being scheduled against a snapshot without it.
    q.moveAllToActiveOrBackoff('NodeAdd', fitOnly)
    qpi.unschedulablePlugins.add('NodeResourcesFit')
    expect(q.addUnschedulableIfNotPresent(qpi, cycle)).toBe('backoff')
    await clock.advance(1_000)
    expect(q.lengths().active).toBe(1)
  })

  it('a move request before the cycle began does not count', async () => {
    const { q } = newQueue()
    q.add(podInfo('a'))
    q.moveAllToActiveOrBackoff('NodeAdd')
    const { part } = await failOnce(q)
    expect(part).toBe('unschedulable')
  })

  it('a move request in a later cycle counts for a pod still in flight', async () => {
    const { q } = newQueue()
    q.add(podInfo('binding'))
    q.add(podInfo('next'))
    const binding = (await q.pop())!
    const bindingCycle = q.schedulingCycle()
    const next = (await q.pop())!
    const nextCycle = q.schedulingCycle()
    next.unschedulablePlugins.add('NodeResourcesFit')
    expect(q.addUnschedulableIfNotPresent(next, nextCycle)).toBe('unschedulable')
    q.moveAllToActiveOrBackoff('PodDelete')
    binding.unschedulablePlugins.add('NodeResourcesFit')
    expect(q.addUnschedulableIfNotPresent(binding, bindingCycle)).toBe('backoff')
  })
})

describe('SchedulingQueue update', () => {
  it('moves an unschedulable pod whose labels changed: to backoffQ while backing off, else activeQ', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    await failOnce(q)
    const v2 = podInfo('a', { labels: { v: '2' } })
    q.update(makePod('a'), v2)
    expect(q.lengths()).toEqual({ active: 0, backoff: 1, unschedulable: 0 })

    await clock.advance(1_000)
    const qpi = (await q.pop())!
    expect(qpi.podInfo).toBe(v2)
    qpi.unschedulablePlugins.add('NodeResourcesFit')
    q.addUnschedulableIfNotPresent(qpi, q.schedulingCycle())
    await clock.advance(10_000) // past the 2 s backoff
    q.update(v2.pod, podInfo('a', { labels: { v: '2' }, requests: { cpu: '1' } }))
    expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 0 })
  })

  it('keeps an unschedulable pod when only its status or resourceVersion changed', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    await failOnce(q)
    await clock.advance(60_000)
    const pod = makePod('a')
    const touched = podInfoOf({
      ...pod,
      metadata: { ...pod.metadata, resourceVersion: '42' },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    })
    q.update(pod, touched)
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 1 })
    q.moveAllToActiveOrBackoff('NodeAdd')
    expect((await q.pop())!.podInfo).toBe(touched)
  })

  it('updates a pod in backoffQ in place, keeping its backoff', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    q.addBackoff((await q.pop())!)
    const v2 = podInfo('a', { labels: { v: '2' } })
    q.update(makePod('a'), v2)
    expect(q.lengths().backoff).toBe(1)
    await clock.advance(1_000)
    expect((await q.pop())!.podInfo).toBe(v2)
  })

  it('a pod changed while in flight comes back with its new version and skips unschedulablePods', async () => {
    const { q } = newQueue()
    q.add(podInfo('a'))
    const qpi = (await q.pop())!
    const cycle = q.schedulingCycle()
    const v2 = podInfo('a', { labels: { v: '2' } })
    q.update(makePod('a'), v2)
    expect(q.has('default/a')).toBe(false) // no duplicate while in flight
    qpi.unschedulablePlugins.add('NodeResourcesFit')
    expect(q.addUnschedulableIfNotPresent(qpi, cycle)).toBe('backoff')
    expect(qpi.podInfo).toBe(v2)
  })
})

describe('SchedulingQueue delete', () => {
  it('removes a pod from activeQ', async () => {
    const { q } = newQueue()
    q.add(podInfo('a'))
    q.add(podInfo('b'))
    expect(q.delete('default/a')).toBe(true)
    expect(q.has('default/a')).toBe(false)
    expect(q.lengths().active).toBe(1)
    expect(await popKey(q)).toBe('default/b')
    expect(q.delete('default/a')).toBe(false)
  })

  it('removes a pod from backoffQ; its timer then moves nothing', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    q.addBackoff((await q.pop())!)
    expect(q.delete('default/a')).toBe(true)
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0 })
    await clock.advance(10_000)
    expect(q.lengths().active).toBe(0)
  })

  it('removes a pod from unschedulablePods', async () => {
    const { clock, q } = newQueue()
    q.add(podInfo('a'))
    await failOnce(q)
    expect(q.delete('default/a')).toBe(true)
    expect(q.lengths().unschedulable).toBe(0)
    q.moveAllToActiveOrBackoff('NodeAdd')
    await clock.advance(5 * 60_000)
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0 })
  })

  it('drops a pod deleted while in flight when it comes back', async () => {
    const { q } = newQueue()
    q.add(podInfo('a'))
    q.add(podInfo('b'))
    const a = (await q.pop())!
    const b = (await q.pop())!
    expect(q.delete('default/a')).toBe(false)
    a.unschedulablePlugins.add('NodeResourcesFit')
    expect(q.addUnschedulableIfNotPresent(a, 1)).toBeUndefined()
    q.delete('default/b')
    q.add(podInfo('b')) // re-created under the same name
    expect(q.addBackoff(b)).toBeUndefined()
    expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 0 })
  })
})

describe('SchedulingQueue close', () => {
  it('wakes waiting pops with undefined, cancels timers and ignores later calls', async () => {
    const { clock, q } = newQueue()
    const waiting = q.pop()
    q.add(podInfo('a'))
    q.add(podInfo('b'))
    const a = await waiting
    q.addBackoff(a!)
    const b = (await q.pop())!
    b.unschedulablePlugins.add('NodeResourcesFit')
    q.addUnschedulableIfNotPresent(b, q.schedulingCycle())
    expect(clock.pending()).toBe(2)
    const blocked = q.pop()
    expect(await settle(blocked)).toBe('pending')
    q.close()
    expect(await blocked).toBeUndefined()
    expect(clock.pending()).toBe(0)
    q.add(podInfo('c'))
    expect(q.lengths().active).toBe(0)
    expect(await q.pop()).toBeUndefined()
  })
})

describe('SchedulingQueue under load', () => {
  // xorshift32: a fixed sequence, so a failure reproduces.
  function random(seed: number): () => number {
    let x = seed
    return () => {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      return (x >>> 0) / 0x1_0000_0000
    }
  }

  it('pops a 10,000-pod burst in priority-then-age order', async () => {
    const { clock, q } = newQueue()
    const rand = random(12345)
    const added: { key: string; priority: number; at: number; seq: number }[] = []
    const infos: PodInfo[] = []
    for (let i = 0; i < 10_000; i++) {
      const priority = Math.floor(rand() * 10) * 100 - 200
      infos.push(podInfo(`p${i}`, { priority }))
    }
    for (const [i, info] of infos.entries()) {
      if (rand() < 0.1) await clock.advance(1)
      q.add(info)
      added.push({ key: info.key, priority: info.pod.spec?.priority ?? 0, at: clock.now(), seq: i })
    }
    expect(q.lengths().active).toBe(10_000)
    const popped: QueuedPodInfo[] = []
    for (let i = 0; i < 10_000; i++) popped.push((await q.pop())!)
    expect(q.lengths().active).toBe(0)

    added.sort((a, b) => b.priority - a.priority || a.at - b.at || a.seq - b.seq)
    expect(popped.map((p) => p.podInfo.key)).toEqual(added.map((a) => a.key))
    for (let i = 1; i < popped.length; i++) {
      const [prev, cur] = [popped[i - 1], popped[i]]
      const [pp, cp] = [prev.podInfo.pod.spec?.priority ?? 0, cur.podInfo.pod.spec?.priority ?? 0]
      expect(pp > cp || (pp === cp && prev.timestamp <= cur.timestamp)).toBe(true)
    }
  })

  it('loses and duplicates no pod while pods fail and come back at random', async () => {
    const { clock, q } = newQueue({ podInitialBackoffMs: 10, podMaxBackoffMs: 40 })
    const rand = random(777)
    for (let i = 0; i < 2_000; i++) q.add(podInfo(`p${i}`, { priority: Math.floor(rand() * 5) }))
    const scheduled = new Set<string>()
    while (scheduled.size < 2_000) {
      if (q.lengths().active === 0) {
        if (rand() < 0.5) q.moveAllToActiveOrBackoff('NodeAdd')
        await clock.advance(10)
        continue
      }
      const qpi = (await q.pop())!
      const key = qpi.podInfo.key
      expect(scheduled.has(key)).toBe(false)
      const roll = rand()
      if (roll < 0.6) {
        q.done(key)
        scheduled.add(key)
      } else if (roll < 0.8) {
        expect(q.addBackoff(qpi)).toBeDefined()
      } else {
        qpi.unschedulablePlugins.add('NodeResourcesFit')
        expect(q.addUnschedulableIfNotPresent(qpi, q.schedulingCycle())).toBeDefined()
      }
    }
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0 })
  })
})
