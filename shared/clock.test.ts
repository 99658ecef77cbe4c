import { describe, expect, it } from 'vitest'
import { FakeClock, realClock } from './clock.ts'

describe('FakeClock', () => {
  it('starts where told and moves only on advance()', async () => {
    const clock = new FakeClock(1000)
    expect(clock.now()).toBe(1000)
    await clock.advance(250)
    expect(clock.now()).toBe(1250)
  })

  it('fires due timers in order of due time, then of creation, each at its own time', async () => {
    const clock = new FakeClock()
    const fired: string[] = []
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20)
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10)
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20)
    clock.setTimeout(() => fired.push('late'), 31)
    await clock.advance(30)
    expect(fired).toEqual(['a@10', 'b@20', 'c@20'])
    expect(clock.now()).toBe(30)
    expect(clock.pending()).toBe(1)
  })

  it('fires a timer set by a firing timer when it falls due in the same advance', async () => {
    const clock = new FakeClock()
    const fired: number[] = []
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 5), 5)
    await clock.advance(10)
    expect(fired).toEqual([10])
  })

  it('cancel stops a timer; cancelling twice or after firing is harmless', async () => {
    const clock = new FakeClock()
    let n = 0
    const cancel = clock.setTimeout(() => n++, 5)
    cancel()
    cancel()
    const cancelFired = clock.setTimeout(() => n += 10, 5)
    await clock.advance(5)
    cancelFired()
    expect(n).toBe(10)
    expect(clock.pending()).toBe(0)
  })

  it('lets promise continuations run between timers', async () => {
    const clock = new FakeClock()
    const seen: string[] = []
    clock.setTimeout(() => { void Promise.resolve().then(() => seen.push('continuation')) }, 1)
    clock.setTimeout(() => seen.push('second timer'), 2)
    await clock.advance(2)
    expect(seen).toEqual(['continuation', 'second timer'])
  })

  it('rejects a negative advance', async () => {
    await expect(new FakeClock().advance(-1)).rejects.toThrow(RangeError)
  })
})

describe('realClock', () => {
  it('reads the wall clock and can cancel a timer', () => {
    const before = Date.now()
    expect(realClock.now()).toBeGreaterThanOrEqual(before)
    let fired = false
    realClock.setTimeout(() => { fired = true }, 0)()
    expect(fired).toBe(false)
  })
})
