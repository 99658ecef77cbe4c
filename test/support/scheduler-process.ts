// Starts the scheduler as a real OS process against an apiserver URL, with
// its /healthz and /metrics on a random free port, and stops it again.
import { freePort } from './apiserver-process.ts'
import { startComponentProcess, type ComponentProcess } from './component-process.ts'

export interface SchedulerProcess extends ComponentProcess {
  /** Base URL of /healthz and /metrics. */
  url: string
}

export interface SchedulerStartOptions {
  /** Extra flags, e.g. ['--leader-elect=false']. */
  args?: string[]
  logLevel?: string
}

export async function startSchedulerProcess(server: string, options: SchedulerStartOptions = {}): Promise<SchedulerProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const component = await startComponentProcess({
    name: 'scheduler',
    script: 'scheduler/main.ts',
    args: ['--server', server, '--port', String(port), '--log-level', options.logLevel ?? 'info', ...(options.args ?? [])],
    healthUrl: `${url}/healthz`,
  })
  return { ...component, url }
}
