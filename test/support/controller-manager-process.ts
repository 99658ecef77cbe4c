// Starts the controller-manager as a real OS process against an apiserver
// URL, with its /healthz and /metrics on a random free port.
import { freePort } from './apiserver-process.ts'
import { startComponentProcess, type ComponentProcess } from './component-process.ts'

export interface ControllerManagerProcess extends ComponentProcess {
  url: string
}

export interface ControllerManagerStartOptions {
  /** Extra flags, e.g. ['--controllers', 'replicaset']. */
  args?: string[]
  logLevel?: string
}

export async function startControllerManagerProcess(server: string, options: ControllerManagerStartOptions = {}): Promise<ControllerManagerProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const component = await startComponentProcess({
    name: 'controller-manager',
    script: 'controller-manager/main.ts',
    args: ['--server', server, '--port', String(port), '--log-level', options.logLevel ?? 'warn', '--leader-elect=false', ...(options.args ?? [])],
    healthUrl: `${url}/healthz`,
  })
  return { ...component, url }
}
