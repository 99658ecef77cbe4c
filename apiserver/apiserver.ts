// Assembles an apiserver: store, registry, HTTP server, bootstrap objects.
// main.ts calls it with flags; tests call it in-process.
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { openStore } from './storage/open-store.ts'
import type { Store } from './storage/store.ts'
import { Registry } from './registry/registry.ts'
import { RestStore } from './registry/rest-store.ts'
import { builtinResources } from './registry/resources/index.ts'
import { buildServer } from './http/server.ts'
import { bootstrap } from './bootstrap.ts'
import { startNamespaceFinalizer } from './namespace-finalizer.ts'

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
}

export type NamespaceLifecycle = 'builtin' | 'controller'

export interface RunningApiserver {
  app: FastifyInstance
  store: Store
  registry: Registry
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
  let ready = false
  const app = buildServer({
    registry,
    rest,
    logger: log,
    ready: () => ready,
    watch: {
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000,
      maxBufferedBytes: options.maxWatchBufferBytes ?? 8 * 1024 * 1024,
    },
  })
  await bootstrap(registry, rest)
  const stopFinalizer = (options.namespaceLifecycle ?? 'builtin') === 'builtin'
    ? startNamespaceFinalizer(registry, rest, log.child({ controller: 'namespace' }))
    : () => {}
  await app.listen({ port: options.port, host: options.bindAddress })
  ready = true
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.bindAddress.includes(':') ? `[${options.bindAddress}]` : options.bindAddress
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  log.info({ url, ms: Date.now() - started }, 'apiserver ready')
  return {
    app,
    store,
    registry,
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
