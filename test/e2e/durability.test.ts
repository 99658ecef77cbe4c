// A write is acknowledged only once it is on disk: SIGKILL the apiserver in
// the middle of a stream of concurrent creates, restart it on the same data
// dir, and every create that got a 201 must be there, unchanged.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type Json } from '../support/api-client.ts'
import { configMap, paths } from '../support/manifests.ts'

const clients = 16
const killAfterAcks = 300

interface Ack {
  name: string
  uid?: string
  resourceVersion?: string
}

describe('durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-durability-'))
  let server: ApiserverProcess | undefined

  afterAll(async () => {
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps every acknowledged create after a SIGKILL mid-stream', async () => {
    server = await startApiserverProcess({ storage: 'leveldb', dataDir })
    const first = server
    const ns = await createNamespace(apiClient(first.url), 'durable')
    const url = `${first.url}${paths.configMaps(ns)}`

    const acks: Ack[] = []
    const unexpected: string[] = []
    let attempted = 0
    let killing: Promise<void> | undefined
    const body = (name: string) => JSON.stringify(configMap(name, { payload: 'x'.repeat(200), name }, { labels: { stream: 'durability' } }))

    const client = async (id: number) => {
      for (let i = 0; ; i++) {
        const name = `c${id}-${i}`
        attempted++
        let res: Response
        try {
          res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(name) })
        } catch {
          // The process is gone: this create was never acknowledged.
          if (!killing) unexpected.push(`${name}: request failed before the kill`)
          return
        }
        if (res.status !== 201) {
          unexpected.push(`${name}: ${res.status} ${await res.text().catch(() => '')}`)
          return
        }
        const ack: Ack = { name }
        acks.push(ack)
        if (acks.length >= killAfterAcks && !killing) killing = first.kill()
        try {
          const obj = (await res.json()) as Json
          ack.uid = obj.metadata.uid
          ack.resourceVersion = obj.metadata.resourceVersion
        } catch {
          // 201 headers arrived but the body was cut by the kill: still acknowledged.
        }
      }
    }
    await Promise.all(Array.from({ length: clients }, (_, id) => client(id)))
    await killing

    expect(unexpected).toEqual([])
    expect(acks.length).toBeGreaterThanOrEqual(killAfterAcks)
    expect(first.process.signalCode).toBe('SIGKILL')
    // Some creates were in flight when the process died.
    expect(attempted).toBeGreaterThan(acks.length)

    server = await startApiserverProcess({ storage: 'leveldb', dataDir })
    const api = apiClient(server.url)
    const list = await api.read(paths.configMaps(ns))
    const stored = new Map<string, Json>(list.items.map((item: Json) => [item.metadata.name, item]))

    const missing = acks.filter((a) => !stored.has(a.name)).map((a) => a.name)
    expect(missing, `acknowledged creates lost after SIGKILL (${missing.length} of ${acks.length})`).toEqual([])
    const changed = acks
      .filter((a) => a.uid !== undefined)
      .filter((a) => stored.get(a.name).metadata.uid !== a.uid || stored.get(a.name).metadata.resourceVersion !== a.resourceVersion)
      .map((a) => ({ name: a.name, acked: [a.uid, a.resourceVersion], stored: [stored.get(a.name).metadata.uid, stored.get(a.name).metadata.resourceVersion] }))
    expect(changed).toEqual([])
    for (const a of acks) expect(stored.get(a.name).data.name).toBe(a.name)

    const highestAcked = Math.max(...acks.filter((a) => a.resourceVersion).map((a) => Number(a.resourceVersion)))
    expect(highestAcked).toBeGreaterThan(0)
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(highestAcked)
    const after = await api.create(paths.configMaps(ns), configMap('after-restart'))
    const highestStored = Math.max(...list.items.map((i: Json) => Number(i.metadata.resourceVersion)))
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(highestAcked)
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(highestStored)
  }, 120_000)
})
