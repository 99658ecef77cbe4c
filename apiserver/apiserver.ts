// Assembles an apiserver: store, registry, HTTP server, bootstrap objects.
// main.ts calls it with flags; tests call it in-process.
import { networkInterfaces } from 'node:os'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { openStore } from './storage/open-store.ts'
import type { Store } from './storage/store.ts'
import { collectionKey, Registry } from './registry/registry.ts'
import { RestStore } from './registry/rest-store.ts'
import { builtinResources } from './registry/resources/index.ts'
import { buildServer } from './http/server.ts'
import { bootstrap, bootstrapKubeProxy } from './bootstrap.ts'
import { ServiceAllocator } from './registry/service-allocation/service-allocator.ts'
import { defaultTolerationAdmission, defaultTolerationSeconds } from './registry/resources/core/pod-admission-defaults.ts'
import { reconcileKubernetesService } from './kubernetes-service.ts'
import { startNamespaceFinalizer } from './namespace-finalizer.ts'
import { FlowRecorder } from './flow/flow-recorder.ts'

export interface ApiserverOptions {
  port: number
  bindAddress: string
  storage: 'memory' | 'leveldb'
  dataDir: string
  logger: Logger
  /** @default 30000 */
  bookmarkIntervalMs?: number
  /** Events kept for watches that resume from an older resourceVersion. @default 10000 */
  watchHistorySize?: number
  /** @default 8 MiB */
  maxWatchBufferBytes?: number
  /**
   * Who empties terminating namespaces: 'builtin' (the apiserver itself, so it
   * is usable alone) or 'controller' (the controller-manager's namespace
   * controller, as upstream). @default 'builtin'
   */
  namespaceLifecycle?: NamespaceLifecycle
  /** `--service-cluster-ip-range`: where Services' cluster IPs come from (IPv4). @default '10.96.0.0/12' */
  serviceClusterIPRange?: string
  /** `--service-node-port-range`. @default '30000-32767' */
  serviceNodePortRange?: string
  /**
   * `--advertise-address`: the address the `kubernetes` Service's endpoints
   * name. @default the bind address, or the first non-loopback IPv4 when
   * binding to every interface
   */
  advertiseAddress?: string
  /** `--default-not-ready-toleration-seconds`. @default 300 */
  defaultNotReadyTolerationSeconds?: number
  /** `--default-unreachable-toleration-seconds`. @default 300 */
  defaultUnreachableTolerationSeconds?: number
  /** `--bootstrap-kube-proxy`: create kubeadm's kube-proxy DaemonSet at the first start. @default true */
  bootstrapKubeProxy?: boolean
  /**
   * `--log-format`: 'flow' prints a flow line per request and watch event
   * (see docs/flow.md) to `printFlow` instead of the JSON request log. @default 'json'
   */
  logFormat?: 'json' | 'flow'
  /** Where flow lines go with logFormat 'flow'. @default stdout */
  printFlow?: (line: string) => void
}

/** The bind address, unless it is a wildcard: then this host's first non-internal IPv4. */
function defaultAdvertiseAddress(bindAddress: string): string {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::' && bindAddress !== '') return bindAddress
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return '127.0.0.1'
}

export type NamespaceLifecycle = 'builtin' | 'controller'

export interface RunningApiserver {
  app: FastifyInstance
  store: Store
  registry: Registry
  /** Requests and watch events as flow lines, for whoever subscribes (/debug/flow). */
  flow: FlowRecorder
  /** The base URL it listens on, e.g. http://127.0.0.1:8080 */
  url: string
  close(): Promise<void>
}

export async function startApiserver(options: ApiserverOptions): Promise<RunningApiserver> {
  const log = options.logger
  const started = Date.now()
  const store = await openStore({ kind: options.storage, dataDir: options.dataDir, historySize: options.watchHistorySize })
  log.info({ storage: options.storage, dataDir: options.storage === 'leveldb' ? options.dataDir : undefined, objects: store.count('/'), revision: store.revision, ms: Date.now() - started }, 'store opened')
  const registry = new Registry(builtinResources)
  const rest = new RestStore(store)
  const services = registry.byKind('', 'Service')!
  const allocator = new ServiceAllocator({ clusterIPRange: options.serviceClusterIPRange, nodePortRange: options.serviceNodePortRange })
  // The allocators start from what the stored Services hold, so no address is handed out twice across restarts.
  for (const problem of allocator.rebuild(store.list(collectionKey(services, undefined)).items.map((s) => s.object))) log.warn(problem)
  rest.setHooks(services, allocator.hooks())
  rest.setHooks(registry.byKind('', 'Pod')!, defaultTolerationAdmission({
    notReady: options.defaultNotReadyTolerationSeconds ?? defaultTolerationSeconds,
    unreachable: options.defaultUnreachableTolerationSeconds ?? defaultTolerationSeconds,
  }))
  let ready = false
  const flow = new FlowRecorder()
  const flowFormat = options.logFormat === 'flow'
  if (flowFormat) flow.printTo(options.printFlow ?? ((line) => void process.stdout.write(`${line}\n`)))
  const app = buildServer({
    flow,
    requestLog: !flowFormat,
    registry,
    rest,
    logger: log,
    ready: () => ready,
    watch: {
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000,
      maxBufferedBytes: options.maxWatchBufferBytes ?? 8 * 1024 * 1024,
    },
  })
  const { firstStart } = await bootstrap(registry, rest)
  const stopFinalizer = (options.namespaceLifecycle ?? 'builtin') === 'builtin'
    ? startNamespaceFinalizer(registry, rest, log.child({ controller: 'namespace' }))
    : () => {}
  await app.listen({ port: options.port, host: options.bindAddress })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.bindAddress.includes(':') ? `[${options.bindAddress}]` : options.bindAddress
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  const advertiseAddress = options.advertiseAddress || defaultAdvertiseAddress(options.bindAddress)
  await reconcileKubernetesService(registry, rest, { clusterIP: allocator.kubernetesServiceIP, advertiseAddress, port }, log)
  if (firstStart && (options.bootstrapKubeProxy ?? true)) {
    const advertised = advertiseAddress.includes(':') ? `[${advertiseAddress}]` : advertiseAddress
    try {
      await bootstrapKubeProxy(registry, rest, `http://${advertised}:${port}`)
    } catch (err) {
      log.warn({ err }, 'cannot create the kube-proxy addon')
    }
  }
  // Ready only now, as upstream's post-start hooks hold /readyz: the kubernetes
  // Service and the addons need the port, so they come after listen().
  ready = true
  log.info({ url, ms: Date.now() - started }, 'apiserver ready')
  return {
    app,
    store,
    registry,
    flow,
    url,
    async close() {
      stopFinalizer()
      // Watches never end by themselves: cut them so close() returns.
      app.server.closeAllConnections()
      await app.close()
      await store.close()
    },
  }
}
