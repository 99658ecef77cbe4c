// The one way the apiserver gets its Store: memory for tests and throwaway
// clusters, LevelDB (the default for a real run) when state must survive.
import { join } from 'node:path'
import { CachedStore } from './cached-store.ts'
import { LevelDbBackend } from './leveldb-backend.ts'
import type { Store } from './store.ts'

export interface OpenStoreOptions {
  kind: 'memory' | 'leveldb'
  /** The apiserver's data directory (required for leveldb); the database goes in its `leveldb/` folder. */
  dataDir?: string
  /** Most events kept for watch resume. @default 10_000 */
  historySize?: number
  /** Age after which events can no longer be resumed from. @default 300_000 */
  historyMaxAgeMs?: number
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { historySize, historyMaxAgeMs } = options
  if (options.kind === 'memory') return CachedStore.open({ historySize, historyMaxAgeMs })
  if (options.dataDir === undefined || options.dataDir === '') throw new RangeError('openStore: kind "leveldb" needs a dataDir')
  const backend = await LevelDbBackend.open(join(options.dataDir, 'leveldb'))
  try {
    return await CachedStore.open({ backend, historySize, historyMaxAgeMs })
  } catch (err) {
    await backend.close()
    throw err
  }
}
