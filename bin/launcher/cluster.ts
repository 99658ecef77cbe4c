// startCluster(): the whole control plane plus kubelets, each component its
// own OS process, as `npm start` runs it and as tests use it. Resolves once
// every node is Ready; stop() ends every process it started.
import { rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Supervised, type SupervisorEvents } from './supervisor.ts'
import { userAgentFor } from '../../shared/client/client.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
// Development runs the .ts sources; the packed package runs the JavaScript built from them.
const sourceExtension = import.meta.url.endsWith('.js') ? '.js' : '.ts'

export interface ClusterOptions {
  /** Worker nodes, each its own kubelet process. @default 2 */
  nodes?: number
  /** Extra simulated nodes, all in one sim kubelet process. @default 0 */
  simNodes?: number
  /** Runtime of the worker nodes' kubelets. @default 'process' */
  runtime?: 'process' | 'sim'
  /** The apiserver's port; 0 picks a free one (and free ports for every other server). @default 8080 */
  port?: number
  /** LevelDB data, kubelet root dirs and the kubeconfig. @default ./.kubeling */
  dataDir?: string
  /** @default 'leveldb' */
  storage?: 'leveldb' | 'memory'
  /** Wipe dataDir first. */
  fresh?: boolean
  /** Also a `kubeling-control-plane` node with the control-plane role and NoSchedule taint. */
  controlPlaneNode?: boolean
  /** Node IPs are <prefix>1, <prefix>2, …; the control-plane node takes <prefix>100. @default '127.0.1.' */
  nodeIPPrefix?: string
  /** Components' log level. @default 'warn' */
  logLevel?: string
  /**
   * The apiserver prints one flow line per API request and watch event
   * (`--log-format flow`, docs/flow.md) instead of its JSON request log: every
   * edge passes it, so its lines are the whole picture, in order. They arrive
   * through `events.line` as the apiserver's lines; the other components keep
   * their JSON logs.
   */
  flow?: boolean
  /** Seconds without a heartbeat before a node is NotReady; kubelets' lease and status intervals follow it. @default 40 */
  nodeMonitorGracePeriodSeconds?: number
  defaultNotReadyTolerationSeconds?: number
  defaultUnreachableTolerationSeconds?: number
  /** Addresses for LoadBalancer Services (a CIDR or a-b); '' leaves EXTERNAL-IP <pending>. @default '127.0.200.0/24' */
  loadBalancerIPRange?: string
  /**
   * Where node podCIDRs come from. Process-runtime pods bind their pod IPs
   * (podCIDR 10.B.N.0/24 → 127.B.N.0/24), so clusters side by side need ranges
   * of their own. @default 10.244.0.0/16; with port 0, a random 10.B.0.0/16 (B in 1–95, below the Service range)
   */
  clusterCIDR?: string
  /** First crash-loop back-off of the kubelets, e.g. '10s'. */
  crashLoopBackoff?: string
  /** Run the scheduler and the controller-manager. @default both */
  scheduler?: boolean
  controllerManager?: boolean
  /** Every log line of every component, and crash reports. */
  events?: Partial<SupervisorEvents>
  /** How long to wait for every node to be Ready. @default 60_000 */
  readyTimeoutMs?: number
}

export interface Cluster {
  url: string
  kubeconfig: string
  dataDir: string
  nodeNames: string[]
  /** Milliseconds from start to the apiserver ready, and to every node Ready. */
  timings: { apiserverReadyMs: number; nodesReadyMs: number }
  components: readonly Supervised[]
  stop(): Promise<void>
}

async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** The launcher's own requests (readiness polls) name it in the apiserver's flow. */
const launcherHeaders = { 'user-agent': userAgentFor('launcher') }

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export function kubeconfigFor(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubeling',
    '  cluster:',
    `    server: ${url}`,
    'contexts:',
    '- name: kubeling',
    '  context:',
    '    cluster: kubeling',
    '    user: kubeling',
    'users:',
    '- name: kubeling',
    '  user: {}',
    'current-context: kubeling',
    '',
  ].join('\n')
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const started = Date.now()
  const dataDir = resolve(options.dataDir ?? '.kubeling')
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  const logLevel = options.logLevel ?? 'warn'
  const freePorts = options.port === 0
  const port = freePorts ? await freePort() : (options.port ?? 8080)
  const url = `http://127.0.0.1:${port}`
  const events: SupervisorEvents = { line: options.events?.line ?? (() => {}), crashed: options.events?.crashed }
  const components: Supervised[] = []
  const launch = (name: string, script: string, args: string[]) => {
    const component = new Supervised({ name, script: join(root, `${script}${sourceExtension}`), args }, events)
    components.push(component)
    component.start()
    return component
  }
  const stop = async () => {
    // Kubelets first (they stop their pods), the apiserver last.
    for (const component of [...components].reverse()) await component.stop()
  }

  try {
    const grace = options.nodeMonitorGracePeriodSeconds ?? 40
    const runControllerManager = options.controllerManager ?? true
    launch('apiserver', 'apiserver/main', [
      '--port', String(port), '--data-dir', join(dataDir, 'apiserver'), '--storage', options.storage ?? 'leveldb', '--log-level', logLevel,
      ...(options.flow ? ['--log-format', 'flow'] : []),
      // With the controller-manager running, namespaces are finalized by its namespace controller, as upstream.
      '--namespace-lifecycle', runControllerManager ? 'controller' : 'builtin',
      ...(options.defaultNotReadyTolerationSeconds !== undefined ? ['--default-not-ready-toleration-seconds', String(options.defaultNotReadyTolerationSeconds)] : []),
      ...(options.defaultUnreachableTolerationSeconds !== undefined ? ['--default-unreachable-toleration-seconds', String(options.defaultUnreachableTolerationSeconds)] : []),
    ])
    await poll('the apiserver to be ready', 30_000, async () => ((await fetch(`${url}/readyz`, { headers: launcherHeaders })).ok ? true : undefined))
    const apiserverReadyMs = Date.now() - started

    const componentPort = async () => String(freePorts ? await freePort() : 0)
    if (options.scheduler ?? true) launch('scheduler', 'scheduler/main', ['--server', url, '--port', await componentPort(), '--log-level', logLevel])
    if (runControllerManager) {
      launch('controller-manager', 'controller-manager/main', [
        '--server', url, '--port', await componentPort(), '--log-level', logLevel, '--node-monitor-grace-period', `${grace}s`,
        // A short grace period wants a quick look: upstream checks every 5 s against 40 s.
        '--node-monitor-period', `${Math.min(5, Math.max(0.5, grace / 8))}s`,
        '--load-balancer-ip-range', options.loadBalancerIPRange ?? '127.0.200.0/24',
        '--cluster-cidr', options.clusterCIDR ?? (freePorts ? `10.${1 + Math.floor(Math.random() * 95)}.0.0/16` : '10.244.0.0/16'),
      ])
    }

    // Kubelets: leases and status follow the grace period, as upstream's defaults do (40 s grace, 40 s lease renewed every 10 s).
    const kubeletTiming = ['--node-lease-duration-seconds', String(Math.max(1, Math.round(grace))), '--node-status-update-frequency', `${Math.max(0.25, grace / 4)}s`]
    const backoff = options.crashLoopBackoff ? ['--crash-loop-backoff', options.crashLoopBackoff] : []
    const prefix = options.nodeIPPrefix ?? '127.0.1.'
    const kubeletPort = freePorts ? '0' : '10250'
    const nodeNames: string[] = []
    const kubelet = (nodeName: string, nodeIP: string, extra: string[]) => {
      nodeNames.push(nodeName)
      launch(`kubelet ${nodeName}`, 'kubelet/main', [
        '--server', url, '--node-name', nodeName, '--node-ip', nodeIP, '--port', kubeletPort,
        '--root-dir', join(dataDir, 'kubelet', nodeName), '--runtime', options.runtime ?? 'process', '--log-level', logLevel,
        ...kubeletTiming, ...backoff, ...extra,
      ])
    }
    if (options.controlPlaneNode) {
      kubelet('kubeling-control-plane', `${prefix}100`, ['--node-roles', 'control-plane', '--register-with-taints', 'node-role.kubernetes.io/control-plane:NoSchedule'])
    }
    for (let i = 1; i <= (options.nodes ?? 2); i++) kubelet(`node-${i}`, `${prefix}${i}`, [])
    const simNodes = options.simNodes ?? 0
    if (simNodes > 0) {
      for (let i = 0; i < simNodes; i++) nodeNames.push(`sim-${String(i).padStart(4, '0')}`)
      launch('kubelet sim', 'kubelet/main', [
        '--server', url, '--runtime', 'sim', '--nodes', String(simNodes), '--node-name-prefix', 'sim-', '--node-ip', `${prefix}200`,
        '--port', kubeletPort, '--root-dir', join(dataDir, 'kubelet', 'sim'), '--log-level', logLevel, ...kubeletTiming,
      ])
    }

    await poll(`${nodeNames.length} nodes to be Ready`, options.readyTimeoutMs ?? 60_000, async () => {
      const list = (await (await fetch(`${url}/api/v1/nodes`, { headers: launcherHeaders })).json()) as { items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }> }
      const ready = new Set(list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name))
      return nodeNames.every((n) => ready.has(n)) ? true : undefined
    })
    const kubeconfig = join(dataDir, 'kubeconfig')
    writeFileSync(kubeconfig, kubeconfigFor(url))
    return { url, kubeconfig, dataDir, nodeNames, components, stop, timings: { apiserverReadyMs, nodesReadyMs: Date.now() - started } }
  } catch (err) {
    await stop()
    throw err
  }
}
