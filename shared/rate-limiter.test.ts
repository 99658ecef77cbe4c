import { describe, expect, it } from 'vitest'
import { FakeClock } from './clock.ts'
import {
  defaultControllerRateLimiter, ExponentialBackoffRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter, type RateLimiter,
} from './rate-limiter.ts'

const whenN = (l: RateLimiter, key: string, n: number) => Array.from({ length: n }, () => l.when(key))

describe('ExponentialBackoffRateLimiter', () => {
  it('doubles from 5 ms per failure by default and counts retries per key', () => {
    const l = new ExponentialBackoffRateLimiter()
    expect(whenN(l, 'ns/a', 5)).toEqual([5, 10, 20, 40, 80])
    expect(l.retries('ns/a')).toBe(5)
    expect(l.when('ns/b')).toBe(5)
    expect(l.retries('ns/b')).toBe(1)
  })

  it('caps at 1000 s by default, even after very many failures', () => {
    const l = new ExponentialBackoffRateLimiter()
    const delays = whenN(l, 'k', 2000)
    expect(delays[17]).toBe(5 * 2 ** 17) // 655.36 s
    expect(delays[18]).toBe(1_000_000)
    expect(delays[1999]).toBe(1_000_000)
  })

  it('honours base and max, and forget starts over', () => {
    const l = new ExponentialBackoffRateLimiter({ baseMs: 1, maxMs: 3 })
    expect(whenN(l, 'k', 4)).toEqual([1, 2, 3, 3])
    l.forget('k')
    expect(l.retries('k')).toBe(0)
    expect(l.when('k')).toBe(1)
  })

  it('rejects bad options', () => {
    expect(() => new ExponentialBackoffRateLimiter({ baseMs: -1 })).toThrow(RangeError)
    expect(() => new ExponentialBackoffRateLimiter({ maxMs: Number.NaN })).toThrow(RangeError)
  })
})

describe('TokenBucketRateLimiter', () => {
  it('lets the burst through, then spaces calls at qps', () => {
    const clock = new FakeClock()
    const l = new TokenBucketRateLimiter({ qps: 10, burst: 100, clock })
    expect(whenN(l, 'k', 100).every((ms) => ms === 0)).toBe(true)
    expect(whenN(l, 'other', 3).map((ms) => Math.round(ms))).toEqual([100, 200, 300])
  })

  it('refills with time, up to the burst', async () => {
    const clock = new FakeClock()
    const l = new TokenBucketRateLimiter({ qps: 2, burst: 3, clock })
    whenN(l, 'k', 3)
    await clock.advance(500) // one token back
    expect(l.when('k')).toBe(0)
    expect(l.when('k')).toBeCloseTo(500)
    await clock.advance(60_000) // long quiet: refill stops at burst
    expect(whenN(l, 'k', 4).map((ms) => Math.round(ms))).toEqual([0, 0, 0, 500])
  })

  it('is global: forget gives nothing back, retries is 0', () => {
    const l = new TokenBucketRateLimiter({ qps: 1, burst: 1, clock: new FakeClock() })
    l.when('k')
    l.forget('k')
    expect(l.when('k')).toBe(1000)
    expect(l.retries('k')).toBe(0)
  })

  it('rejects bad options', () => {
    expect(() => new TokenBucketRateLimiter({ qps: 0 })).toThrow(RangeError)
    expect(() => new TokenBucketRateLimiter({ burst: 0 })).toThrow(RangeError)
  })
})

describe('MaxOfRateLimiter', () => {
  it('returns the longest delay, counting the failure in every limiter', () => {
    const fast = new ExponentialBackoffRateLimiter({ baseMs: 1, maxMs: 1000 })
    const slow = new ExponentialBackoffRateLimiter({ baseMs: 100, maxMs: 150 })
    const l = new MaxOfRateLimiter(fast, slow)
    expect(whenN(l, 'k', 3)).toEqual([100, 150, 150])
    expect(fast.retries('k')).toBe(3)
    expect(l.retries('k')).toBe(3)
    l.forget('k')
    expect(fast.retries('k')).toBe(0)
    expect(slow.retries('k')).toBe(0)
  })

  it('needs a limiter', () => {
    expect(() => new MaxOfRateLimiter()).toThrow(RangeError)
  })
})

describe('defaultControllerRateLimiter', () => {
  it('backs off per key from 5 ms, and the bucket slows a flood of distinct keys', () => {
    const l = defaultControllerRateLimiter(new FakeClock())
    expect(whenN(l, 'ns/a', 3)).toEqual([5, 10, 20])
    expect(l.retries('ns/a')).toBe(3)
    const flood = Array.from({ length: 100 }, (_, i) => l.when(`ns/p${i}`))
    expect(flood[0]).toBe(5) // bucket still has tokens
    expect(flood[99]).toBeCloseTo(300) // 103rd token: 0.3 s at 10 qps
  })
})
