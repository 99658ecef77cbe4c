// The durable copy in LevelDB: one entry per object (key → the stored JSON,
// exactly as served) plus the last revision under a meta key. The revision
// needs its own entry because it must survive the newest write being a
// delete. Object keys all begin with '/'; the meta key begins with '!', so it
// can never collide with one.
import { mkdir } from 'node:fs/promises'
import { Level } from 'level'
import type { DurableBackend } from './durable-backend.ts'
import type { StoreEvent } from './store.ts'

const REVISION_KEY = '!kubeling!revision'

/**
 * Entries per iterator step at load. Each step is one native round trip; the
 * byte cap (16 KiB by default, ~10 objects) is raised so a step really holds
 * LOAD_STEP objects.
 */
const LOAD_STEP = 1000
const LOAD_STEP_BYTES = 16 * 1024 * 1024

type BatchOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string }

export class LevelDbBackend implements DurableBackend {
  private readonly db: Level<string, string>

  private constructor(db: Level<string, string>) {
    this.db = db
  }

  /** Opens (creating when missing) the database in `dir`. */
  static async open(dir: string): Promise<LevelDbBackend> {
    await mkdir(dir, { recursive: true })
    const db = new Level<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
    await db.open()
    return new LevelDbBackend(db)
  }

  async load(visit: (key: string, json: string) => void): Promise<{ revision: number }> {
    const revision = Number(await this.db.get(REVISION_KEY)) || 0
    const iterator = this.db.iterator({ gte: '/', lt: '0', highWaterMarkBytes: LOAD_STEP_BYTES }) // exactly the keys beginning with '/'
    try {
      for (;;) {
        const entries = await iterator.nextv(LOAD_STEP)
        if (entries.length === 0) break
        for (const [key, json] of entries) visit(key, json)
      }
    } finally {
      await iterator.close()
    }
    return { revision }
  }

  async persist(events: readonly StoreEvent[]): Promise<void> {
    if (events.length === 0) return
    const ops: BatchOp[] = new Array(events.length + 1)
    for (let i = 0; i < events.length; i++) {
      const { type, key, current } = events[i]
      ops[i] = type === 'DELETED' ? { type: 'del', key } : { type: 'put', key, value: current.json }
    }
    ops[events.length] = { type: 'put', key: REVISION_KEY, value: String(events[events.length - 1].revision) }
    // sync: the write is acknowledged to clients only after this returns, so
    // it must be on disk, not merely in the OS page cache.
    await this.db.batch(ops, { sync: true })
  }

  async close(): Promise<void> {
    await this.db.close()
  }
}
