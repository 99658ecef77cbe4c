// The scheduler command: flags → informers, the scheduling loop behind leader
// election, /healthz and /metrics; a clean stop on SIGINT/SIGTERM.
import type { KubeObject } from '../shared/api-types.ts'
import { commonResources, createClient, userAgentFor } from '../shared/client/index.ts'
import { startComponentServer } from '../shared/component-server.ts'
import type { Node, Pod } from '../shared/core-types.ts'
import { EventRecorder } from '../shared/event-recorder.ts'
import { parseDurationSeconds, parseFlags } from '../shared/flags.ts'
import { SharedInformerFactory } from '../shared/informer/index.ts'
import { LeaderElector } from '../shared/leader-election.ts'
import { createLogger } from '../shared/logger.ts'
import { SchedulerMetrics } from './metrics.ts'
import { defaultProfile } from './plugins/index.ts'
import { Scheduler } from './scheduler.ts'

const flags = parseFlags(process.argv.slice(2), {
  server: { type: 'string', default: 'http://127.0.0.1:8080', description: 'apiserver URL (overrides the kubeconfig\'s)' },
  kubeconfig: { type: 'string', description: 'kubeconfig with the server, credentials and CA' },
  'scheduler-name': { type: 'string', default: 'default-scheduler', description: 'pods whose spec.schedulerName is this are scheduled here' },
  'leader-elect': { type: 'boolean', default: true, description: 'run only while holding the lease, so several copies may run' },
  'leader-elect-lease-duration': { type: 'string', default: '15s', description: 'how long a lease is valid without renewal' },
  'leader-elect-renew-deadline': { type: 'string', default: '10s', description: 'how long the leader keeps trying to renew before it stops' },
  'leader-elect-retry-period': { type: 'string', default: '2s', description: 'time between attempts to acquire or renew' },
  'leader-elect-resource-namespace': { type: 'string', default: 'kube-system', description: 'namespace of the lease' },
  'leader-elect-resource-name': { type: 'string', default: 'kube-scheduler', description: 'name of the lease' },
  'pod-initial-backoff-seconds': { type: 'string', default: '1', description: 'back-off of a pod after its first failed attempt' },
  'pod-max-backoff-seconds': { type: 'string', default: '10', description: 'longest back-off of a pod' },
  port: { type: 'string', default: '10259', description: 'port for /healthz and /metrics (plain HTTP); 0 picks a free one' },
  'bind-address': { type: 'string', default: '127.0.0.1', description: 'address for /healthz and /metrics' },
  'log-level': { type: 'string', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  'log-format': { type: 'string', default: 'json', description: 'json, or flow: a readable line per API request and watch event of this component (docs/flow.md), other messages as short text' },
})

const log = createLogger('scheduler', flags['log-level'] as string, flags['log-format'] as string)
const schedulerName = flags['scheduler-name'] as string

try {
  const client = createClient({
    server: flags.server as string | undefined,
    kubeconfig: flags.kubeconfig as string | undefined,
    userAgent: userAgentFor('scheduler'),
    // Bindings go out while the next pod is decided: room for many at once.
    connections: 32,
  })
  const factory = new SharedInformerFactory({ client, logger: log })
  // Finished pods use nothing on their node; upstream's scheduler leaves them out the same way.
  const pods = factory.informerFor<Pod>(commonResources.pods, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' })
  const nodes = factory.informerFor<Node>(commonResources.nodes)
  const namespaces = factory.informerFor<KubeObject>(commonResources.namespaces)
  const metrics = new SchedulerMetrics(schedulerName)
  const recorder = new EventRecorder({ client, component: schedulerName, log })
  const scheduler = new Scheduler({
    client, pods, nodes, namespaces, recorder, metrics, log,
    profile: defaultProfile(schedulerName),
    queue: {
      podInitialBackoffMs: Number(flags['pod-initial-backoff-seconds']) * 1000,
      podMaxBackoffMs: Number(flags['pod-max-backoff-seconds']) * 1000,
    },
  })
  const server = await startComponentServer({
    port: Number(flags.port),
    bindAddress: flags['bind-address'] as string,
    metrics: () => {
      scheduler.refreshGauges()
      return metrics.registry
    },
    ready: () => pods.hasSynced() && nodes.hasSynced(),
  })
  log.info({ port: server.port, scheduler: schedulerName }, 'serving /healthz and /metrics')
  factory.start()
  await factory.whenSynced()
  log.info({ nodes: nodes.list().length, pods: pods.list().length }, 'caches synced')

  const running = new AbortController()
  let stopping = false
  let elector: LeaderElector | undefined
  let loop: Promise<void> | undefined
  if (flags['leader-elect']) {
    elector = new LeaderElector({
      client,
      namespace: flags['leader-elect-resource-namespace'] as string,
      name: flags['leader-elect-resource-name'] as string,
      leaseDurationSeconds: parseDurationSeconds(flags['leader-elect-lease-duration'] as string),
      renewDeadlineSeconds: parseDurationSeconds(flags['leader-elect-renew-deadline'] as string),
      retryPeriodSeconds: parseDurationSeconds(flags['leader-elect-retry-period'] as string),
      log,
      onStartedLeading: (signal) => {
        loop = scheduler.run(AbortSignal.any([signal, running.signal]))
      },
      onStoppedLeading: () => {
        if (stopping) return
        // As upstream: a scheduler that lost its lease may hold stale assumptions; start afresh.
        log.fatal('leaderelection lost')
        process.exit(1)
      },
      onNewLeader: (identity) => log.info({ leader: identity }, 'new leader elected'),
    })
    log.info({ lease: `${elector.namespace}/${flags['leader-elect-resource-name']}`, identity: elector.identity }, 'attempting to acquire leader lease')
    elector.run()
  } else {
    loop = scheduler.run(running.signal)
  }

  const stop = async (signal: string) => {
    stopping = true
    log.info({ signal }, 'shutting down')
    running.abort()
    await loop
    await elector?.release()
    await recorder.flush()
    await factory.stop()
    await server.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
} catch (err) {
  log.fatal({ err }, 'scheduler failed to start')
  process.exit(1)
}
