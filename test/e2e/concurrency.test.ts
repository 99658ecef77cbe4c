// Optimistic concurrency: 50 clients doing read-modify-write on one object,
// retrying on 409 Conflict, must not lose a single increment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type ApiClient } from '../support/api-client.ts'
import { configMap, paths } from '../support/manifests.ts'

const clients = 50
const incrementsEach = 10

describe('concurrent read-modify-write', () => {
  let server: ApiserverProcess
  let api: ApiClient

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'leveldb' })
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  it('50 clients x 10 increments end at 500 with no lost update', async () => {
    const ns = await createNamespace(api, 'counter')
    const path = paths.configMap(ns, 'counter')
    const created = await api.create(paths.configMaps(ns), configMap('counter', { count: '0' }))

    const written: { count: number; resourceVersion: string }[] = []
    const failures: string[] = []
    let conflicts = 0

    const client = async (id: number) => {
      for (let done = 0; done < incrementsEach; ) {
        const current = await api.get(path)
        if (current.status !== 200) {
          failures.push(`client ${id} GET: ${current.status} ${current.text}`)
          return
        }
        const next = structuredClone(current.body)
        next.data.count = String(Number(next.data.count) + 1)
        const res = await api.put(path, next)
        if (res.status === 409) {
          expect(res.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 })
          conflicts++
          continue
        }
        if (res.status !== 200) {
          failures.push(`client ${id} PUT: ${res.status} ${res.text}`)
          return
        }
        written.push({ count: Number(res.body.data.count), resourceVersion: res.body.metadata.resourceVersion })
        done++
      }
    }
    await Promise.all(Array.from({ length: clients }, (_, id) => client(id)))

    expect(failures).toEqual([])
    const final = await api.read(path)
    expect(final.data.count).toBe(String(clients * incrementsEach))
    expect(final.metadata.uid).toBe(created.metadata.uid)
    // Every accepted write produced the next value exactly once, each at its own revision.
    expect(written).toHaveLength(clients * incrementsEach)
    expect(written.map((w) => w.count).sort((a, b) => a - b)).toEqual(Array.from({ length: clients * incrementsEach }, (_, i) => i + 1))
    expect(new Set(written.map((w) => w.resourceVersion)).size).toBe(clients * incrementsEach)
    const last = written.find((w) => w.count === clients * incrementsEach)!
    expect(final.metadata.resourceVersion).toBe(last.resourceVersion)
    // Revisions follow the order of the values.
    const byCount = [...written].sort((a, b) => a.count - b.count).map((w) => Number(w.resourceVersion))
    for (let i = 1; i < byCount.length; i++) expect(byCount[i]).toBeGreaterThan(byCount[i - 1])
  }, 180_000)
})
