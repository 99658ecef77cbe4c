// The controller-manager command: flags → one client, one shared informer
// factory, the selected controllers behind leader election
// (`kube-system/kube-controller-manager`), /healthz and /metrics; a clean
// stop on SIGINT/SIGTERM.
import { createClient, userAgentFor } from '../shared/client/index.ts'
import { realClock, type Clock } from '../shared/clock.ts'
import { startComponentServer } from '../shared/component-server.ts'
import { parseDurationSeconds, parseFlags } from '../shared/flags.ts'
import { SharedInformerFactory } from '../shared/informer/index.ts'
import { LeaderElector } from '../shared/leader-election.ts'
import { createLogger } from '../shared/logger.ts'
import { Registry } from '../shared/metrics.ts'
import { createControllerContext } from './controller-context.ts'
import { selectControllers } from './controller-selection.ts'
import { allControllers } from './controllers/index.ts'

/** Workers of the controllers without a --concurrent-*-syncs flag here (upstream's defaults). */
const concurrencyDefaults: Record<string, number> = { serviceaccount: 1, podgc: 1, disruption: 1, 'service-lb': 1 }

const flags = parseFlags(process.argv.slice(2), {
  server: { type: 'string', default: 'http://127.0.0.1:8080', description: 'apiserver URL (overrides the kubeconfig\'s)' },
  kubeconfig: { type: 'string', description: 'kubeconfig with the server, credentials and CA' },
  controllers: { type: 'string', default: '*', description: 'controllers to run: * for all, name to add one, -name to leave one out' },
  'leader-elect': { type: 'boolean', default: true, description: 'run controllers only while holding the Lease, so several copies may run' },
  'leader-elect-lease-duration': { type: 'string', default: '15s', description: 'how long a lease is valid without renewal' },
  'leader-elect-renew-deadline': { type: 'string', default: '10s', description: 'how long the leader keeps trying to renew before it stops' },
  'leader-elect-retry-period': { type: 'string', default: '2s', description: 'time between attempts to acquire or renew' },
  'concurrent-replicaset-syncs': { type: 'string', default: '5', description: 'ReplicaSets synced at once' },
  'concurrent-deployment-syncs': { type: 'string', default: '5', description: 'Deployments synced at once' },
  'concurrent-daemonset-syncs': { type: 'string', default: '2', description: 'DaemonSets synced at once' },
  'concurrent-job-syncs': { type: 'string', default: '5', description: 'Jobs synced at once' },
  'concurrent-cron-job-syncs': { type: 'string', default: '5', description: 'CronJobs synced at once' },
  'concurrent-statefulset-syncs': { type: 'string', default: '5', description: 'StatefulSets synced at once' },
  'concurrent-gc-syncs': { type: 'string', default: '20', description: 'garbage collector workers' },
  'concurrent-namespace-syncs': { type: 'string', default: '10', description: 'namespaces deleted at once' },
  'concurrent-ttl-after-finished-syncs': { type: 'string', default: '5', description: 'finished Jobs checked for their TTL at once' },
  'allocate-node-cidrs': { type: 'boolean', default: true, description: 'give each node a podCIDR from --cluster-cidr (upstream\'s default is false; kubeling\'s kubelets use it for pod IPs)' },
  'cluster-cidr': { type: 'string', default: '10.244.0.0/16', description: 'the range node podCIDRs come from' },
  'node-cidr-mask-size': { type: 'string', default: '24', description: 'prefix length of each node\'s podCIDR' },
  'node-monitor-grace-period': { type: 'string', default: '40s', description: 'heartbeat silence before a node is marked Unknown and tainted unreachable' },
  'node-monitor-period': { type: 'string', default: '5s', description: 'how often node health is checked' },
  'node-startup-grace-period': { type: 'string', default: '60s', description: 'how long a new node may stay silent before it is marked Unknown' },
  'load-balancer-ip-range': { type: 'string', default: '', description: 'addresses for LoadBalancer Services (CIDRs or a-b ranges, comma-separated), as a cloud or MetalLB would give; empty leaves them <pending>' },
  'concurrent-endpoint-syncs': { type: 'string', default: '5', description: 'Services whose Endpoints are synced at once' },
  'concurrent-service-endpoint-syncs': { type: 'string', default: '5', description: 'Services whose EndpointSlices are synced at once' },
  'terminated-pod-gc-threshold': { type: 'string', default: '12500', description: 'terminated pods kept before the pod garbage collector deletes the oldest' },
  'job-pod-failure-backoff': { type: 'string', default: '10s', description: 'first back-off before a Job replaces a failed pod (doubles up to 10 min); shorten for demos and tests' },
  'clock-offset': { type: 'string', default: '0s', description: 'test only: the controllers\' clock runs this far ahead of the real one (e.g. to bring a CronJob\'s next minute closer)' },
  port: { type: 'string', default: '10257', description: 'port for /healthz and /metrics (plain HTTP); 0 picks a free one' },
  'bind-address': { type: 'string', default: '127.0.0.1', description: 'address for /healthz and /metrics' },
  'log-level': { type: 'string', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  'log-format': { type: 'string', default: 'json', description: 'json, or flow: a readable line per API request and watch event of this component (docs/flow.md), other messages as short text' },
})

const log = createLogger('controller-manager', flags['log-level'] as string, flags['log-format'] as string)
const flagFor: Record<string, string> = {
  replicaset: 'concurrent-replicaset-syncs', deployment: 'concurrent-deployment-syncs', daemonset: 'concurrent-daemonset-syncs',
  job: 'concurrent-job-syncs', cronjob: 'concurrent-cron-job-syncs', statefulset: 'concurrent-statefulset-syncs',
  'garbage-collector': 'concurrent-gc-syncs', namespace: 'concurrent-namespace-syncs', 'ttl-after-finished': 'concurrent-ttl-after-finished-syncs',
  endpoint: 'concurrent-endpoint-syncs', endpointslice: 'concurrent-service-endpoint-syncs',
}

try {
  const controllers = allControllers({
    job: { podFailureBackoffMs: parseDurationSeconds(flags['job-pod-failure-backoff'] as string) * 1000 },
    podgc: { terminatedPodThreshold: Number(flags['terminated-pod-gc-threshold']) },
    nodeIpam: flags['allocate-node-cidrs'] ? { clusterCIDR: flags['cluster-cidr'] as string, nodeCIDRMaskSize: Number(flags['node-cidr-mask-size']) } : undefined,
    loadBalancerIPRange: (flags['load-balancer-ip-range'] as string) || undefined,
    nodeLifecycle: {
      monitorGracePeriodMs: parseDurationSeconds(flags['node-monitor-grace-period'] as string) * 1000,
      monitorPeriodMs: parseDurationSeconds(flags['node-monitor-period'] as string) * 1000,
      startupGracePeriodMs: parseDurationSeconds(flags['node-startup-grace-period'] as string) * 1000,
    },
  })
  const names = selectControllers(flags.controllers as string, controllers.map((c) => c.name))
  const client = createClient({
    server: flags.server as string | undefined,
    kubeconfig: flags.kubeconfig as string | undefined,
    userAgent: userAgentFor('controller-manager'),
    // Every watch holds a connection (the garbage collector watches ~35 resources); writes need room beside them.
    connections: 128,
  })
  const offsetMs = parseDurationSeconds(flags['clock-offset'] as string) * 1000
  const clock: Clock = offsetMs === 0 ? realClock : { now: () => Date.now() + offsetMs, setTimeout: realClock.setTimeout }
  const informers = new SharedInformerFactory({ client, logger: log })
  const ctx = createControllerContext({
    client, informers, clock, log,
    workers(name) {
      const flag = flagFor[name]
      const n = flag ? Number(flags[flag as keyof typeof flags]) : concurrencyDefaults[name] ?? 1
      return Number.isInteger(n) && n > 0 ? n : 1
    },
  })
  // Controllers register their informers and handlers now; they start watching once leading.
  const runners = controllers.filter((c) => names.includes(c.name)).map((c) => ({ name: c.name, run: c.init(ctx) }))
  const metrics = new Registry()
  const server = await startComponentServer({ port: Number(flags.port), bindAddress: flags['bind-address'] as string, metrics: () => metrics })
  log.info({ port: server.port, controllers: names }, 'serving /healthz and /metrics')

  const running = new AbortController()
  let stopping = false
  let runs: Promise<unknown> | undefined
  const start = async (signal: AbortSignal) => {
    informers.start()
    await informers.whenSynced()
    log.info({ controllers: names }, 'caches synced; starting controllers')
    runs = Promise.all(runners.map(async ({ name, run }) => {
      try {
        await run(signal)
      } catch (err) {
        log.error({ err, controller: name }, 'controller stopped with an error')
      }
    }))
  }
  let elector: LeaderElector | undefined
  if (flags['leader-elect']) {
    elector = new LeaderElector({
      client,
      name: 'kube-controller-manager',
      leaseDurationSeconds: parseDurationSeconds(flags['leader-elect-lease-duration'] as string),
      renewDeadlineSeconds: parseDurationSeconds(flags['leader-elect-renew-deadline'] as string),
      retryPeriodSeconds: parseDurationSeconds(flags['leader-elect-retry-period'] as string),
      log,
      onStartedLeading: (signal) => void start(AbortSignal.any([signal, running.signal])),
      onStoppedLeading: () => {
        if (stopping) return
        // As upstream: a controller-manager that lost its lease exits and starts afresh.
        log.fatal('leaderelection lost')
        process.exit(1)
      },
      onNewLeader: (identity) => log.info({ leader: identity }, 'new leader elected'),
    })
    log.info({ lease: 'kube-system/kube-controller-manager', identity: elector.identity }, 'attempting to acquire leader lease')
    elector.run()
  } else {
    void start(running.signal)
  }

  const stop = async (signal: string) => {
    stopping = true
    log.info({ signal }, 'shutting down')
    running.abort()
    await runs
    await elector?.release()
    await ctx.flushRecorders()
    await informers.stop()
    await server.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
} catch (err) {
  log.fatal({ err }, 'controller-manager failed to start')
  process.exit(1)
}
