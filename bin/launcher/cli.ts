// `npm start` / the launcher: the whole cluster, each component its own
// process, with prefixed logs, a kubeconfig, a ready message, and a clean
// stop on Ctrl-C or SIGTERM.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseDurationSeconds, parseFlags } from '../../shared/flags.ts'
import { startCluster } from './cluster.ts'
import { formatLogLine } from './log-lines.ts'
import { mergeKubeconfig } from './merge-kubeconfig.ts'
import { isFlowLine } from '../../shared/flow/flow-line.ts'
import { stopWhenOrphaned } from './stop-when-orphaned.ts'

const flags = parseFlags(process.argv.slice(2), {
  nodes: { type: 'string', default: '2', description: 'worker nodes, each its own kubelet process (node-1, node-2, … at 127.0.1.1, 127.0.1.2, …)' },
  'sim-nodes': { type: 'string', default: '0', description: 'extra simulated nodes, all in one kubelet process with the sim runtime' },
  runtime: { type: 'string', default: 'process', description: 'runtime of the worker nodes: process (real processes) or sim' },
  port: { type: 'string', default: '8080', description: 'the apiserver\'s port (kubectl needs no kubeconfig on 8080)' },
  'data-dir': { type: 'string', default: './.kubeling', description: 'LevelDB data, kubelet directories and the kubeconfig' },
  fresh: { type: 'boolean', default: false, description: 'wipe the data dir first' },
  'control-plane-node': { type: 'boolean', default: false, description: 'also a kubeling-control-plane node with the control-plane role and NoSchedule taint' },
  'node-monitor-grace-period': { type: 'string', default: '40s', description: 'heartbeat silence before a node is NotReady; kubelet lease and status intervals follow it' },
  'default-unreachable-toleration-seconds': { type: 'string', description: 'how long pods stay on an unreachable node (apiserver default 300)' },
  'default-not-ready-toleration-seconds': { type: 'string', description: 'how long pods stay on a NotReady node (apiserver default 300)' },
  'crash-loop-backoff': { type: 'string', description: 'first crash-loop back-off of the kubelets (default 10s)' },
  'load-balancer-ip-range': { type: 'string', default: '127.0.200.0/24', description: 'addresses for LoadBalancer Services, reachable from this host; empty leaves EXTERNAL-IP <pending>' },
  'merge-kubeconfig': { type: 'boolean', default: false, description: 'add the kubeling context to ~/.kube/config (or $KUBECONFIG) and make it current, as kind does' },
  'log-level': { type: 'string', default: 'warn', description: 'the components\' log level (info shows every API request)' },
  flow: { type: 'boolean', default: false, description: 'print one line per API request and watch event as it happens (kubectl → apiserver  POST …, apiserver → scheduler  watch ADDED …); see docs/flow.md' },
})

const seconds = (name: keyof typeof flags) => (flags[name] === undefined ? undefined : parseDurationSeconds(flags[name] as string))
const say = (text: string) => process.stdout.write(`${formatLogLine('kubeling', text)}\n`)

stopWhenOrphaned()
try {
  const runtime = flags.runtime as string
  if (runtime !== 'process' && runtime !== 'sim') throw new RangeError('--runtime must be process or sim')
  say(`starting apiserver, scheduler, controller-manager and ${flags.nodes} ${runtime} node(s)${Number(flags['sim-nodes']) > 0 ? ` + ${flags['sim-nodes']} simulated` : ''}`)
  const cluster = await startCluster({
    nodes: Number(flags.nodes),
    simNodes: Number(flags['sim-nodes']),
    runtime,
    port: Number(flags.port),
    dataDir: flags['data-dir'] as string,
    fresh: flags.fresh as boolean,
    controlPlaneNode: flags['control-plane-node'] as boolean,
    logLevel: flags['log-level'] as string,
    flow: flags.flow as boolean,
    nodeMonitorGracePeriodSeconds: seconds('node-monitor-grace-period'),
    defaultUnreachableTolerationSeconds: seconds('default-unreachable-toleration-seconds'),
    defaultNotReadyTolerationSeconds: seconds('default-not-ready-toleration-seconds'),
    crashLoopBackoff: flags['crash-loop-backoff'] as string | undefined,
    loadBalancerIPRange: flags['load-balancer-ip-range'] as string,
    events: {
      // The apiserver's flow lines are the cluster's, not its own log: shown under `flow`.
      line: (component, line) => process.stdout.write(`${formatLogLine(component === 'apiserver' && isFlowLine(line) ? 'flow' : component, line)}\n`),
      crashed: (component, code, signal, delayMs) => say(`${component} exited (${signal ?? `code ${code}`}); restarting in ${delayMs / 1000} s`),
    },
  })
  say(`apiserver ready in ${(cluster.timings.apiserverReadyMs / 1000).toFixed(2)} s; ${cluster.nodeNames.length} node(s) Ready in ${(cluster.timings.nodesReadyMs / 1000).toFixed(2)} s`)
  say(`cluster ready at ${cluster.url}: kubectl get nodes${Number(flags.port) === 8080 ? '' : ` --server ${cluster.url}`}   (or KUBECONFIG=${cluster.kubeconfig})`)
  if (flags['merge-kubeconfig']) {
    const target = process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config')
    mergeKubeconfig(target, cluster.url)
    say(`context kubeling added to ${target} and made current`)
  }
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    say(`${signal}: stopping every component`)
    await cluster.stop()
    say('stopped')
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
} catch (err) {
  say(`could not start the cluster: ${(err as Error).message}`)
  process.exit(1)
}
