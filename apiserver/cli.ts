// The apiserver command: flags → startApiserver, and a clean stop on SIGINT/SIGTERM.
import { resolve } from 'node:path'
import { parseDurationSeconds, parseFlags } from '../shared/flags.ts'
import { createLogger } from '../shared/logger.ts'
import { startApiserver } from './apiserver.ts'

const flags = parseFlags(process.argv.slice(2), {
  port: { type: 'string', default: '8080', description: 'port to serve plain HTTP on' },
  'bind-address': { type: 'string', default: '127.0.0.1', description: 'address to listen on' },
  'data-dir': { type: 'string', default: './data', description: 'directory of the LevelDB store' },
  storage: { type: 'string', default: 'leveldb', description: 'leveldb (durable) or memory' },
  'log-level': { type: 'string', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  'watch-bookmark-interval': { type: 'string', default: '30s', description: 'how often watches that allow bookmarks get one' },
  'watch-history-size': { type: 'string', default: '10000', description: 'events kept for watches resuming from an older resourceVersion' },
  'namespace-lifecycle': {
    type: 'string', default: 'builtin',
    description: 'who empties terminating namespaces: builtin (the apiserver itself, so it works alone) or controller (left to the controller-manager\'s namespace controller, as upstream)',
  },
})

const log = createLogger('apiserver', flags['log-level'] as string)
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
