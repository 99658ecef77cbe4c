import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from './open-store.ts'

describe('openStore', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-open-store-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('opens a memory store that starts empty at revision 0', async () => {
    const store = await openStore({ kind: 'memory' })
    expect(store.revision).toBe(0)
    await store.create('/registry/namespaces/default', { metadata: { name: 'default' } })
    expect(store.count('/registry/namespaces/')).toBe(1)
    await store.close()
  })

  it('opens a LevelDB store under dataDir that survives a reopen', async () => {
    const first = await openStore({ kind: 'leveldb', dataDir: dir })
    await first.create('/registry/namespaces/default', { metadata: { name: 'default' } })
    await first.close()
    const second = await openStore({ kind: 'leveldb', dataDir: dir, historySize: 10 })
    expect(second.get('/registry/namespaces/default')?.revision).toBe(1)
    await second.close()
  })

  it('needs a dataDir for LevelDB', async () => {
    await expect(openStore({ kind: 'leveldb' })).rejects.toThrow(RangeError)
  })
})
