// The apiserver command: flags → startApiserver, and a clean stop on SIGINT/SIGTERM.
import { resolve } from 'node:path'
import { parseDurationSeconds, parseFlags } from '../shared/flags.ts'
import { createLogger } from '../shared/logger.ts'
import { startApiserver } from './apiserver.ts'
import { parseIPv4CIDR } from './registry/service-allocation/ip-allocator.ts'
import { parsePortRange } from './registry/service-allocation/port-allocator.ts'

const flags = parseFlags(process.argv.slice(2), {
  port: { type: 'string', default: '8080', description: 'port to serve plain HTTP on' },
  'bind-address': { type: 'string', default: '127.0.0.1', description: 'address to listen on' },
  'data-dir': { type: 'string', default: './data', description: 'directory of the LevelDB store' },
  storage: { type: 'string', default: 'leveldb', description: 'leveldb (durable) or memory' },
  'log-level': { type: 'string', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  'log-format': { type: 'string', default: 'json', description: 'json, or flow: one readable line per API request and watch event (docs/flow.md) instead of the JSON request log' },
  'watch-bookmark-interval': { type: 'string', default: '30s', description: 'how often watches that allow bookmarks get one' },
  'watch-history-size': { type: 'string', default: '10000', description: 'events kept for watches resuming from an older resourceVersion' },
  'namespace-lifecycle': {
    type: 'string', default: 'builtin',
    description: 'who empties terminating namespaces: builtin (the apiserver itself, so it works alone) or controller (left to the controller-manager\'s namespace controller, as upstream)',
  },
  'advertise-address': { type: 'string', default: '', description: 'the address the kubernetes Service\'s endpoints name (default: the bind address)' },
  'service-cluster-ip-range': { type: 'string', default: '10.96.0.0/12', description: 'IPv4 CIDR Services\' cluster IPs are allocated from; its first address is the kubernetes Service\'s' },
  'service-node-port-range': { type: 'string', default: '30000-32767', description: 'ports NodePort and LoadBalancer Services\' node ports are allocated from' },
  'default-not-ready-toleration-seconds': { type: 'string', default: '300', description: 'tolerationSeconds of the not-ready:NoExecute toleration added to every pod without one' },
  'default-unreachable-toleration-seconds': { type: 'string', default: '300', description: 'tolerationSeconds of the unreachable:NoExecute toleration added to every pod without one' },
  'bootstrap-kube-proxy': { type: 'boolean', default: true, description: 'create the kube-proxy DaemonSet, ConfigMap and ServiceAccount in kube-system at the first start, as kubeadm' },
})

const log = createLogger('apiserver', flags['log-level'] as string, flags['log-format'] as string)
const storage = flags.storage as string
if (storage !== 'leveldb' && storage !== 'memory') {
  log.fatal({ storage }, '--storage must be leveldb or memory')
  process.exit(2)
}

const namespaceLifecycle = flags['namespace-lifecycle'] as string
if (namespaceLifecycle !== 'builtin' && namespaceLifecycle !== 'controller') {
  log.fatal({ namespaceLifecycle }, '--namespace-lifecycle must be builtin or controller')
  process.exit(2)
}

const nonNegativeInt = (flag: 'default-not-ready-toleration-seconds' | 'default-unreachable-toleration-seconds'): number => {
  const text = flags[flag] as string
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    log.fatal({ [flag]: text }, `--${flag} must be a non-negative integer`)
    process.exit(2)
  }
  return n
}
const defaultNotReadyTolerationSeconds = nonNegativeInt('default-not-ready-toleration-seconds')
const defaultUnreachableTolerationSeconds = nonNegativeInt('default-unreachable-toleration-seconds')
for (const [flag, check] of [['service-cluster-ip-range', parseIPv4CIDR], ['service-node-port-range', parsePortRange]] as const) {
  try {
    check(flags[flag] as string)
  } catch (err) {
    log.fatal({ [flag]: flags[flag] }, `--${flag}: ${(err as Error).message}`)
    process.exit(2)
  }
}

try {
  const server = await startApiserver({
    port: Number(flags.port),
    bindAddress: flags['bind-address'] as string,
    storage,
    dataDir: resolve(flags['data-dir'] as string),
    logger: log,
    bookmarkIntervalMs: parseDurationSeconds(flags['watch-bookmark-interval'] as string) * 1000,
    watchHistorySize: Number(flags['watch-history-size']),
    namespaceLifecycle,
    advertiseAddress: (flags['advertise-address'] as string) || undefined,
    serviceClusterIPRange: flags['service-cluster-ip-range'] as string,
    serviceNodePortRange: flags['service-node-port-range'] as string,
    defaultNotReadyTolerationSeconds,
    defaultUnreachableTolerationSeconds,
    bootstrapKubeProxy: flags['bootstrap-kube-proxy'] as boolean,
    logFormat: flags['log-format'] === 'flow' ? 'flow' : 'json',
  })
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down')
    await server.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
} catch (err) {
  log.fatal({ err }, 'apiserver failed to start')
  process.exit(1)
}
