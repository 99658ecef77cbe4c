// registry.k8s.io/pause: sleeps until signalled. Like the real pause, it
// exits 0 on SIGTERM or SIGINT; SIGKILL gives 137.
import { exitCodeForSignal } from '../container-task.ts'
import { standInTask, type InProcessStandIn } from './stand-in.ts'

export const pauseStandIn: InProcessStandIn = {
  stopSignal: 'SIGTERM',
  async start() {
    const { task, end } = standInTask((signal) => {
      if (signal === 'SIGKILL') end({ exitCode: exitCodeForSignal('SIGKILL'), signal: 'SIGKILL' })
      else if (signal === 'SIGTERM' || signal === 'SIGINT') end({ exitCode: 0 })
    })
    return task
  },
}
