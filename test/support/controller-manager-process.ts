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

/**
 * A cluster CIDR of its own for each test cluster: process-runtime pods bind
 * their pod IPs (podCIDR 10.B.N.0/24 → 127.B.N.0/24), so two clusters with
 * the same range running side by side would fight over the same addresses.
 * 10.1–10.95 stays clear of the Service range (10.96.0.0/12).
 */
export function testClusterCIDR(): string {
  return `10.${1 + Math.floor(Math.random() * 95)}.0.0/16`
}

export async function startControllerManagerProcess(server: string, options: ControllerManagerStartOptions = {}): Promise<ControllerManagerProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const component = await startComponentProcess({
    name: 'controller-manager',
    script: 'controller-manager/main.ts',
    args: ['--server', server, '--port', String(port), '--log-level', options.logLevel ?? 'warn', '--leader-elect=false', '--cluster-cidr', testClusterCIDR(), ...(options.args ?? [])],
    healthUrl: `${url}/healthz`,
  })
  return { ...component, url }
}
