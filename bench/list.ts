// LIST of 10,000 pods: stores 10,000 typical pods (64 clients in flight),
// then times `GET /api/v1/pods` from request to the last byte of the JSON
// body, over several runs on one keep-alive connection. Prints figures.
//
//   npx node bench/list.ts     (BENCH_LIST_PODS=10000 BENCH_LIST_RUNS=20)
import { Client } from 'undici'
import { fmt, machineLine, nowMs, quantile, report, runMain, seedPods, startBenchApiserver } from './lib/common.ts'

const pods = Number(process.env.BENCH_LIST_PODS ?? 10_000)
const runs = Number(process.env.BENCH_LIST_RUNS ?? 20)
const warmups = 3

async function main(): Promise<void> {
  console.log(machineLine())
  const server = await startBenchApiserver()
  try {
    const seeded = await seedPods(server.url, pods)
    console.log(`stored ${pods} pods in ${fmt(seeded.ms / 1000, 2)} s (${fmt(seeded.perSecond, 0)} creates/s at 64 clients)`)
    const client = new Client(server.url, { keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 })
    const times: number[] = []
    let bytes = 0
    try {
      for (let i = 0; i < warmups + runs; i++) {
        const t0 = nowMs()
        const res = await client.request({ path: '/api/v1/pods', method: 'GET', headers: { accept: 'application/json' } })
        const body = Buffer.from(await res.body.arrayBuffer())
        const ms = nowMs() - t0
        if (res.statusCode !== 200) throw new Error(`LIST: HTTP ${res.statusCode}: ${body.toString('utf8', 0, 300)}`)
        if (i === 0) {
          // Checked once, outside the timed part: the list really holds them all.
          const list = JSON.parse(body.toString('utf8')) as { items: unknown[] }
          if (list.items.length < pods) throw new Error(`LIST returned ${list.items.length} items, expected ≥ ${pods}`)
          bytes = body.length
          console.log(`LIST /api/v1/pods: ${list.items.length} items, ${fmt(bytes / 1024 / 1024, 2)} MiB of JSON (≈ ${fmt(bytes / list.items.length, 0)} bytes per stored pod)`)
        }
        if (i >= warmups) times.push(ms)
      }
    } finally {
      await client.close()
    }
    const median = quantile(times, 0.5)
    const p95 = quantile(times, 0.95)
    console.log(`${runs} runs after ${warmups} warm-up: median ${fmt(median, 1)} ms, p95 ${fmt(p95, 1)} ms, min ${fmt(Math.min(...times), 1)} ms, max ${fmt(Math.max(...times), 1)} ms`)
    console.log(`  runs (ms): ${times.map((t) => t.toFixed(0)).join(' ')}`)
    report([
      { benchmark: 'list', metric: `LIST ${pods} pods, median`, target: '≤ 150 ms', result: `${fmt(median, 1)} ms`, pass: median <= 150 },
      { benchmark: 'list', metric: `LIST ${pods} pods, p95`, target: '', result: `${fmt(p95, 1)} ms` },
    ])
  } finally {
    await server.cleanup()
  }
}

runMain(main)
