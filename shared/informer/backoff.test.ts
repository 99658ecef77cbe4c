import { describe, expect, it } from 'vitest'
import { Backoff } from './backoff.ts'

describe('Backoff', () => {
  it('doubles from initialMs up to maxMs, jittered within the upper half, and resets', () => {
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 })
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([100, 200, 400, 800, 1000, 1000])
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 })
    expect(Array.from({ length: 3 }, () => low.next())).toEqual([50, 100, 200])
    low.reset()
    expect(low.next()).toBe(50)
  })

  it('defaults to 100 ms → 30 s and rejects bad bounds', () => {
    const b = new Backoff({ random: () => 0.999999 })
    const delays = Array.from({ length: 20 }, () => b.next())
    expect(delays[0]).toBe(100)
    expect(Math.max(...delays)).toBe(30_000)
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError)
    expect(() => new Backoff({ initialMs: 500, maxMs: 100 })).toThrow(RangeError)
  })
})
