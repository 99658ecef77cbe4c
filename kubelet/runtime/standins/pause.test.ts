import { describe, expect, it } from 'vitest'
import { pauseStandIn } from './pause.ts'

describe('pause stand-in', () => {
  it('runs until SIGTERM, then exits 0', async () => {
    const task = await pauseStandIn.start({} as never)
    task.kill('SIGHUP')
    task.kill('SIGTERM')
    expect(await task.exited).toEqual({ exitCode: 0 })
  })

  it('gives 137 to SIGKILL', async () => {
    const task = await pauseStandIn.start({} as never)
    task.kill('SIGKILL')
    task.kill('SIGTERM')
    expect(await task.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' })
  })
})
