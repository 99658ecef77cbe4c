import { describe, expect, it } from 'vitest'
import { FakeClock, flushMicrotasks } from './clock.ts'
import { createLogger } from './logger.ts'
import { ExponentialBackoffRateLimiter } from './rate-limiter.ts'
import { runWorkers, WorkQueue, type WorkerLog } from './work-queue.ts'

function newQueue(clock = new FakeClock()) {
  return { clock, q: new WorkQueue({ name: 'test', clock, rateLimiter: new ExponentialBackoffRateLimiter({ baseMs: 10, maxMs: 80 }) }) }
}

/** Resolves with whatever get() has resolved to by now, or 'pending'. */
async function settle<T>(p: Promise<T>): Promise<T | 'pending'> {
  let out: T | 'pending' = 'pending'
  void p.then((v) => { out = v })
  await flushMicrotasks()
  return out
}

describe('WorkQueue add/get/done', () => {
  it('hands keys out in order and de-duplicates keys not yet handed out', async () => {
    const { q } = newQueue()
    q.add('ns/a')
    q.add('ns/b')
    q.add('ns/a')
    expect(q.len()).toBe(2)
    expect(await q.get()).toBe('ns/a')
    expect(await q.get()).toBe('ns/b')
    expect(q.len()).toBe(0)
  })

  it('get() waits for a key', async () => {
    const { q } = newQueue()
    const got = q.get()
    expect(await settle(got)).toBe('pending')
    q.add('ns/a')
    expect(await got).toBe('ns/a')
  })

  it('never hands out a key being processed; re-adds it on done', async () => {
    const { q } = newQueue()
    q.add('ns/a')
    expect(await q.get()).toBe('ns/a')
    q.add('ns/a')
    q.add('ns/a')
    expect(q.len()).toBe(0)
    const second = q.get()
    expect(await settle(second)).toBe('pending')
    q.done('ns/a')
    expect(await second).toBe('ns/a')
    q.done('ns/a')
    expect(q.len()).toBe(0)
  })

  it('done without a re-add leaves the key out of the queue', async () => {
    const { q } = newQueue()
    q.add('ns/a')
    await q.get()
    q.done('ns/a')
    q.done('ns/a') // unknown key: ignored, not queued twice
    expect(q.len()).toBe(0)
  })

  it('gives each waiting getter a different key', async () => {
    const { q } = newQueue()
    const gets = [q.get(), q.get(), q.get()]
    q.add('ns/a')
    q.add('ns/b')
    q.add('ns/a')
    expect(await gets[0]).toBe('ns/a')
    expect(await gets[1]).toBe('ns/b')
    expect(await settle(gets[2])).toBe('pending')
  })

  it('keeps order across many keys (queue compaction)', async () => {
    const { q } = newQueue()
    for (let i = 0; i < 5000; i++) q.add(`ns/p${i}`)
    for (let i = 0; i < 5000; i++) {
      expect(await q.get()).toBe(`ns/p${i}`)
      if (i === 2500) q.add('ns/late')
    }
    expect(await q.get()).toBe('ns/late')
  })
})

describe('WorkQueue addAfter', () => {
  it('adds the key when the delay passes', async () => {
    const { q, clock } = newQueue()
    q.addAfter('ns/a', 100)
    expect(q.len()).toBe(0)
    await clock.advance(99)
    expect(q.len()).toBe(0)
    await clock.advance(1)
    expect(q.len()).toBe(1)
  })

  it('the earliest of several delays wins, and the key is added once', async () => {
    const { q, clock } = newQueue()
    q.addAfter('ns/a', 100)
    q.addAfter('ns/a', 50)
    q.addAfter('ns/a', 200)
    await clock.advance(50)
    expect(q.len()).toBe(1)
    await q.get()
    q.done('ns/a')
    await clock.advance(1000)
    expect(q.len()).toBe(0)
    expect(clock.pending()).toBe(0)
  })

  it('a zero or negative delay adds at once', () => {
    const { q } = newQueue()
    q.addAfter('ns/a', 0)
    q.addAfter('ns/b', -5)
    expect(q.len()).toBe(2)
  })

  it('a delayed key for a key in flight waits for done', async () => {
    const { q, clock } = newQueue()
    q.add('ns/a')
    await q.get()
    q.addAfter('ns/a', 10)
    await clock.advance(10)
    expect(q.len()).toBe(0)
    q.done('ns/a')
    expect(q.len()).toBe(1)
  })
})

describe('WorkQueue rate limiting', () => {
  it('addRateLimited backs off exponentially up to the cap; forget resets', async () => {
    const { q, clock } = newQueue()
    const delays: number[] = []
    for (let i = 0; i < 5; i++) {
      const start = clock.now()
      q.addRateLimited('ns/a')
      while (q.len() === 0) await clock.advance(1)
      delays.push(clock.now() - start)
      await q.get()
      q.done('ns/a')
    }
    expect(delays).toEqual([10, 20, 40, 80, 80])
    expect(q.numRequeues('ns/a')).toBe(5)
    q.forget('ns/a')
    expect(q.numRequeues('ns/a')).toBe(0)
  })

  it('uses the default controller limiter when none is given', () => {
    const clock = new FakeClock()
    const q = new WorkQueue({ clock })
    q.addRateLimited('ns/a')
    q.addRateLimited('ns/a')
    expect(q.numRequeues('ns/a')).toBe(2)
    expect(clock.pending()).toBe(1) // 5 ms and 10 ms: the earlier one stays
  })
})

describe('WorkQueue shutdown', () => {
  it('shutDown ignores adds, drops parked keys, hands out queued keys, then undefined', async () => {
    const { q, clock } = newQueue()
    q.add('ns/a')
    q.addAfter('ns/b', 10)
    q.shutDown()
    expect(q.shuttingDown).toBe(true)
    expect(clock.pending()).toBe(0)
    q.add('ns/c')
    q.addAfter('ns/d', 10)
    q.addRateLimited('ns/e')
    expect(q.numRequeues('ns/e')).toBe(0)
    expect(await q.get()).toBe('ns/a')
    expect(await q.get()).toBeUndefined()
    expect(await q.get()).toBeUndefined()
  })

  it('shutDown wakes every waiting getter', async () => {
    const { q } = newQueue()
    const gets = [q.get(), q.get()]
    q.shutDown()
    expect(await Promise.all(gets)).toEqual([undefined, undefined])
  })

  it('shutDownWithDrain resolves once in-flight keys are done', async () => {
    const { q } = newQueue()
    q.add('ns/a')
    q.add('ns/b')
    await q.get()
    await q.get()
    const drained = q.shutDownWithDrain()
    q.done('ns/a')
    expect(await settle(drained)).toBe('pending')
    q.done('ns/b')
    expect(await settle(drained)).toBeUndefined()
  })

  it('shutDownWithDrain resolves at once when idle, and shutDown cuts a drain short', async () => {
    const { q } = newQueue()
    await q.shutDownWithDrain()
    const other = newQueue().q
    other.add('ns/a')
    await other.get()
    const drained = other.shutDownWithDrain()
    expect(await settle(drained)).toBe('pending')
    other.shutDown()
    await drained
  })
})

describe('WorkQueue metrics', () => {
  it('reports depth, adds, queue latency and work duration', async () => {
    const clock = new FakeClock()
    const seen = { depth: [] as number[], added: [] as string[], queueLatency: [] as number[], workDuration: [] as number[], retried: [] as string[] }
    const q = new WorkQueue({
      clock,
      rateLimiter: new ExponentialBackoffRateLimiter(),
      metrics: {
        depth: (n) => seen.depth.push(n),
        added: (k) => seen.added.push(k),
        queueLatency: (ms) => seen.queueLatency.push(ms),
        workDuration: (ms) => seen.workDuration.push(ms),
        retried: (k) => seen.retried.push(k),
      },
    })
    q.add('ns/a')
    q.add('ns/a')
    q.add('ns/b')
    await clock.advance(7)
    await q.get()
    await clock.advance(3)
    q.addRateLimited('ns/a')
    q.done('ns/a')
    expect(seen).toEqual({ depth: [1, 2, 1], added: ['ns/a', 'ns/b'], queueLatency: [7], workDuration: [3], retried: ['ns/a'] })
  })
})

describe('runWorkers', () => {
  it('retries a failing key with backoff, then forgets it on success', async () => {
    const { q, clock } = newQueue()
    const attempts: number[] = []
    const errors: object[] = []
    const log: WorkerLog = { error: (fields) => errors.push(fields) }
    const done = runWorkers(q, 2, async (key) => {
      attempts.push(clock.now())
      if (attempts.length <= 3) throw new Error(`boom ${key}`)
    }, log)
    q.add('ns/a')
    await clock.advance(1000)
    expect(attempts).toEqual([0, 10, 30, 70])
    expect(errors).toHaveLength(3)
    expect(errors[2]).toMatchObject({ queue: 'test', key: 'ns/a', retries: 2 })
    expect(q.numRequeues('ns/a')).toBe(0)
    q.shutDown()
    await done
  })

  it('{ requeueAfter } parks the key and resets its backoff', async () => {
    const { q, clock } = newQueue()
    const attempts: number[] = []
    const done = runWorkers(q, 1, async () => {
      attempts.push(clock.now())
      return attempts.length < 3 ? { requeueAfter: 500 } : undefined
    })
    q.add('ns/a')
    await clock.advance(2000)
    expect(attempts).toEqual([0, 500, 1000])
    q.shutDown()
    await done
  })

  it('never processes one key in two workers at once, and loses no add made meanwhile', async () => {
    const { q, clock } = newQueue()
    let running = 0
    let maxRunning = 0
    const runs: string[] = []
    const done = runWorkers(q, 4, async (key) => {
      running++
      maxRunning = Math.max(maxRunning, running)
      runs.push(key)
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 100))
      running--
    })
    q.add('ns/a')
    await flushMicrotasks()
    q.add('ns/a') // while ns/a is in flight
    q.add('ns/b')
    await clock.advance(1000)
    expect(maxRunning).toBe(2) // ns/a and ns/b together, never ns/a twice
    expect(runs).toEqual(['ns/a', 'ns/b', 'ns/a'])
    q.shutDown()
    await done
  })

  it('workers exit on shutdown after finishing queued keys', async () => {
    const { q } = newQueue()
    const seen: string[] = []
    q.add('ns/a')
    q.add('ns/b')
    q.shutDown()
    await runWorkers(q, 3, async (key) => { seen.push(key) })
    expect(seen).toEqual(['ns/a', 'ns/b'])
  })

  it('rejects a bad worker count', async () => {
    await expect(runWorkers(newQueue().q, 0, async () => {})).rejects.toThrow(RangeError)
  })

  it('accepts a pino logger', () => {
    const log: WorkerLog = createLogger('test', 'silent')
    expect(log).toBeDefined()
  })
})
