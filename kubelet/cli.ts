// The kubelet command: flags → node registration, Lease and status (node/),
// the pod watch and workers (kubelet.ts), a runtime (sim or process) and the
// streaming server; a clean stop on SIGINT/SIGTERM.
import { cpus, hostname, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { commonResources, createClient, userAgentFor } from '../shared/client/index.ts'
import { parseDurationSeconds, parseFlags } from '../shared/flags.ts'
import { Informer } from '../shared/informer/index.ts'
import { createLogger } from '../shared/logger.ts'
import { Kubelet, type KubeletNode } from './kubelet.ts'
import { NodeAgent } from './node/node-agent.ts'
import { NodeFleet } from './node/node-fleet.ts'
import { resolveNodeIP } from './node/node-ip.ts'
import type { NodeOptions } from './node/node-object.ts'
import { parseNodeLabels, parseRegisterWithTaints } from './node/register-flags.ts'
import { serverGitVersion } from './node/register.ts'
import { createPodInputs } from './pod-inputs.ts'
import type { Service } from './pods/env-api-objects.ts'
import { createProcessRuntime } from './runtime/process-runtime.ts'
import { createSimRuntime } from './runtime/sim-runtime.ts'
import type { ContainerRuntime } from './runtime/types.ts'
import { startKubeletServer } from './server/kubelet-server.ts'
import { streamingBackend } from './streaming-backend.ts'

const flags = parseFlags(process.argv.slice(2), {
  server: { type: 'string', default: 'http://127.0.0.1:8080', description: 'apiserver URL (overrides the kubeconfig\'s)' },
  kubeconfig: { type: 'string', description: 'kubeconfig with the server, credentials and CA' },
  'node-name': { type: 'string', default: hostname(), description: 'the Node this kubelet registers and runs pods for' },
  'node-ip': { type: 'string', default: '127.0.0.1', description: 'the node\'s InternalIP (pods\' hostIP); the kubelet server listens there; auto: the address the hostname resolves to, else the first non-internal IPv4 (for containers)' },
  runtime: { type: 'string', default: 'process', description: 'process (real processes and built-in stand-ins) or sim (nothing runs)' },
  nodes: { type: 'string', default: '1', description: 'sim runtime: how many simulated nodes this process hosts' },
  'node-name-prefix': { type: 'string', default: 'sim-', description: 'sim runtime with --nodes > 1: node names are <prefix>0000, <prefix>0001, …' },
  port: { type: 'string', default: '10250', description: 'port of the kubelet\'s own server (logs, exec, attach, port-forward); 0 picks a free one' },
  'root-dir': { type: 'string', default: './kubelet-data', description: 'pod directories, volumes and container logs' },
  'node-labels': { type: 'string', default: '', description: 'extra node labels, k=v,k2=v2' },
  'node-roles': { type: 'string', default: '', description: 'node-role.kubernetes.io/<role> labels to register with, e.g. control-plane' },
  'register-with-taints': { type: 'string', default: '', description: 'taints to register with, key=value:Effect,…' },
  'max-pods': { type: 'string', default: '110', description: 'allocatable pods' },
  cpu: { type: 'string', default: String(cpus().length), description: 'cpu capacity' },
  memory: { type: 'string', default: `${Math.floor(totalmem() / 1024 / 1024)}Mi`, description: 'memory capacity' },
  'node-lease-duration-seconds': { type: 'string', default: '40', description: 'Lease duration; renewed every quarter of it' },
  'node-status-update-frequency': { type: 'string', default: '10s', description: 'how often node status is computed (and posted when it changed)' },
  'node-status-report-frequency': { type: 'string', default: '5m', description: 'how often an unchanged node status is posted anyway' },
  'crash-loop-backoff': { type: 'string', default: '10s', description: 'first crash-loop back-off; doubles up to --crash-loop-backoff-max' },
  'crash-loop-backoff-max': { type: 'string', default: '5m', description: 'longest crash-loop back-off' },
  'unknown-images': { type: 'string', default: 'simulate', description: 'images without a built-in stand-in and no command: simulate or fail (ErrImagePull)' },
  'sim-start-delay': { type: 'string', default: '0s', description: 'sim runtime: ContainerCreating → Running delay' },
  'sim-run-duration': { type: 'string', default: '1s', description: 'sim runtime: how long run-to-completion containers run' },
  'log-level': { type: 'string', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  'log-format': { type: 'string', default: 'json', description: 'json, or flow: a readable line per API request and watch event of this component (docs/flow.md), other messages as short text' },
})

const log = createLogger('kubelet', flags['log-level'] as string, flags['log-format'] as string)
const seconds = (name: keyof typeof flags) => parseDurationSeconds(flags[name] as string)

try {
  const runtimeKind = flags.runtime as string
  if (runtimeKind !== 'process' && runtimeKind !== 'sim') throw new RangeError('--runtime must be process or sim')
  const unknownImages = flags['unknown-images'] as string
  if (unknownImages !== 'simulate' && unknownImages !== 'fail') throw new RangeError('--unknown-images must be simulate or fail')
  const nodeCount = Number(flags.nodes)
  if (!Number.isInteger(nodeCount) || nodeCount < 1) throw new RangeError('--nodes must be a positive integer')
  if (nodeCount > 1 && runtimeKind !== 'sim') throw new RangeError('--nodes > 1 needs --runtime sim')

  const client = createClient({
    server: flags.server as string | undefined,
    kubeconfig: flags.kubeconfig as string | undefined,
    // One node per process: the User-Agent names it, so the apiserver's flow says kubelet(node-1).
    userAgent: userAgentFor('kubelet', nodeCount === 1 ? flags['node-name'] as string : undefined),
    connections: nodeCount > 1 ? 64 : 10,
  })
  const kubeletVersion = await serverGitVersion(client)
  const rootDir = resolve(flags['root-dir'] as string)
  const { ip: nodeIP, source: nodeIPSource } = await resolveNodeIP(flags['node-ip'] as string)
  if (nodeIPSource !== 'flag') log.info({ nodeIP, from: nodeIPSource }, 'node IP detected')
  let runtime: ContainerRuntime
  if (runtimeKind === 'sim') {
    runtime = createSimRuntime({ startDelayMs: seconds('sim-start-delay') * 1000, runDurationMs: seconds('sim-run-duration') * 1000, unknownImages, logger: log })
  } else {
    // The client is for kube-proxy pods: their stand-in watches Services and EndpointSlices.
    const processRuntime = createProcessRuntime({ unknownImages, logger: log, apiClient: client })
    if (processRuntime.sandboxMode() === 'plain') {
      log.warn('no pod sandboxes (needs root and a working `unshare`): containers run as plain processes and do not see their volumes at their mountPaths')
    }
    runtime = processRuntime
  }

  // Nodes: one, or many simulated ones sharing this process.
  const nodeNames = nodeCount === 1 ? [flags['node-name'] as string] : Array.from({ length: nodeCount }, (_, i) => `${flags['node-name-prefix']}${String(i).padStart(4, '0')}`)
  const capacity = { cpu: flags.cpu as string, memory: flags.memory as string }
  const common: Omit<NodeOptions, 'nodeName' | 'nodeIP'> = {
    kubeletVersion,
    labels: parseNodeLabels(flags['node-labels'] as string),
    roles: (flags['node-roles'] as string).split(',').filter(Boolean),
    taints: parseRegisterWithTaints(flags['register-with-taints'] as string),
    capacity, maxPods: Number(flags['max-pods']),
  }
  const timing = {
    nodeLeaseDurationSeconds: Number(flags['node-lease-duration-seconds']),
    nodeStatusUpdateFrequencyMs: seconds('node-status-update-frequency') * 1000,
    nodeStatusReportFrequencyMs: seconds('node-status-report-frequency') * 1000,
  }
  // Sim nodes share this process's IP for the kubelet server; their pods get a /24 each by node index.
  const nodes: KubeletNode[] = nodeNames.map((name, i) => ({
    name, ip: nodeIP,
    ...(nodeCount > 1 ? { podCIDR: `10.${128 + Math.floor(i / 256)}.${i % 256}.0/24` } : {}),
  }))

  const services = new Informer<Service>(client.resource<Service>(commonResources.services), { logger: log.child({ informer: 'services' }) })
  const kubelet = new Kubelet({
    client, nodes, runtime, runtimeKind, rootDir, log,
    inputs: createPodInputs({ client, services, rootDir }),
    backoff: { initialMs: seconds('crash-loop-backoff') * 1000, maxMs: seconds('crash-loop-backoff-max') * 1000 },
  })
  const server = await startKubeletServer({ backend: streamingBackend(kubelet, runtime), logger: log, port: Number(flags.port), host: nodeIP })
  log.info({ port: server.port, address: nodeIP }, 'kubelet server listening')

  let agents: { stop(): Promise<void> }
  if (nodeCount === 1) {
    const agent = new NodeAgent({ client, log, ...common, ...timing, nodeName: nodeNames[0], nodeIP, kubeletPort: server.port })
    await agent.start()
    agents = agent
  } else {
    const fleet = new NodeFleet({ client, log, ...timing })
    for (const name of nodeNames) fleet.add({ ...common, nodeName: name, nodeIP, kubeletPort: server.port })
    await fleet.start()
    agents = fleet
  }
  log.info({ nodes: nodeNames.length, runtime: runtimeKind }, nodeCount === 1 ? `node ${nodeNames[0]} registered` : `${nodeCount} nodes registered`)

  services.start()
  kubelet.start()
  await Promise.all([services.whenSynced(), kubelet.whenSynced()])
  log.info({ pods: kubelet.pods.list().length }, 'pods synced')

  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down')
    await kubelet.stop()
    await kubelet.stopPods()
    await agents.stop()
    await services.stop()
    await server.close()
    await runtime.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
} catch (err) {
  log.fatal({ err }, 'kubelet failed to start')
  process.exit(1)
}
