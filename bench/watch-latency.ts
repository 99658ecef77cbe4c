// Watch latency: 100 watchers on pods from a list's resourceVersion, while a
// separate load process (bench/lib/watch-load.ts) creates ~1,000 pods/s. For
// every create and every watcher: the time from the create's HTTP response
// (in the load process) to the event's arrival (the chunk holding it, in this
// process), both on CLOCK_MONOTONIC. An event that beats the response counts
// as 0 ms. Prints p50/p99/max; asserts nothing.
//
//   npx node bench/watch-latency.ts   (BENCH_WATCHERS=100 BENCH_WATCH_RATE=1000 BENCH_WATCH_SECONDS=8)
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Client } from 'undici'
import { cpuSeconds, fmt, machineLine, ownChild, nowMs, quantile, report, root, runMain, sleep, startBenchApiserver } from './lib/common.ts'

const watchers = Number(process.env.BENCH_WATCHERS ?? 100)
const rate = Number(process.env.BENCH_WATCH_RATE ?? 1000)
const seconds = Number(process.env.BENCH_WATCH_SECONDS ?? 8)
const warmupSeconds = 1
const total = Math.round(rate * seconds)

interface LoadOutput {
  responded: number[]
  errors: number
  firstError?: string
  achievedRate: number
  lagged: number
  cpuSeconds: number
  elapsed: number
}

function runLoad(url: string): Promise<LoadOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench', 'lib', 'watch-load.ts'), url, String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] })
    ownChild(child)
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process exited ${code}: ${err}`))
      resolve(JSON.parse(out) as LoadOutput)
    })
  })
}

async function main(): Promise<void> {
  console.log(machineLine())
  const server = await startBenchApiserver()
  const clients: Client[] = []
  try {
    const listRes = await fetch(`${server.url}/api/v1/pods`)
    const rv = ((await listRes.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion
    // arrivals[i * watchers + w]: when watcher w received load-i (-1: never).
    const arrivals = new Float64Array(total * watchers).fill(-1)
    let ended = 0
    let otherEvents = 0
    const added = Buffer.from('{"type":"ADDED"')
    const marker = Buffer.from('"name":"load-')
    // The first "name" in a watch event is the object's metadata.name.
    const recordLine = (buf: Buffer, start: number, end: number, at: number, w: number) => {
      const m = buf.indexOf(marker, start)
      if (buf.compare(added, 0, added.length, start, start + added.length) !== 0 || m < 0 || m > end) {
        if (end > start) otherEvents++
        return
      }
      let i = 0
      for (let p = m + marker.length; buf[p] >= 48 && buf[p] <= 57; p++) i = i * 10 + buf[p] - 48
      if (i < total) arrivals[i * watchers + w] = at
    }
    const streams: Promise<void>[] = []
    for (let w = 0; w < watchers; w++) {
      const client = new Client(server.url, { headersTimeout: 0, bodyTimeout: 0 })
      clients.push(client)
      const res = await client.request({ path: `/api/v1/pods?watch=1&resourceVersion=${rv}`, method: 'GET' })
      if (res.statusCode !== 200) throw new Error(`watch ${w}: HTTP ${res.statusCode}: ${await res.body.text()}`)
      // Cheap parsing on purpose (this process receives watchers × rate
      // events/s): find each line's end, then the pod name near its start.
      let pending: Buffer | undefined
      streams.push(new Promise<void>((resolve) => {
        res.body.on('data', (chunk: Buffer) => {
          const at = nowMs()
          const buf = pending === undefined ? chunk : Buffer.concat([pending, chunk])
          let from = 0
          let nl: number
          while ((nl = buf.indexOf(10, from)) >= 0) {
            recordLine(buf, from, nl, at, w)
            from = nl + 1
          }
          pending = from < buf.length ? buf.subarray(from) : undefined
        })
        res.body.on('end', () => { ended++; resolve() })
        res.body.on('error', () => { ended++; resolve() })
      }))
    }
    console.log(`${watchers} watchers from resourceVersion ${rv}; load process creating ${total} pods at ${rate}/s for ${seconds} s (first ${warmupSeconds} s not counted)`)
    const serverCpu0 = cpuSeconds(server.pid)
    const selfCpu0 = process.cpuUsage()
    const load = await runLoad(server.url)
    const serverCpu = cpuSeconds(server.pid) - serverCpu0
    const selfCpuUsage = process.cpuUsage(selfCpu0)
    const selfCpu = (selfCpuUsage.user + selfCpuUsage.system) / 1e6
    // Give the last events time to arrive.
    const settleUntil = nowMs() + 3000
    const lastIndex = (total - 1) * watchers
    while (nowMs() < settleUntil) {
      let all = true
      for (let w = 0; w < watchers && all; w++) if (arrivals[lastIndex + w] < 0) all = false
      if (all) break
      await sleep(20)
    }
    const latencies: number[] = []
    let missing = 0
    let early = 0
    const skip = Math.round(rate * warmupSeconds)
    for (let i = skip; i < total; i++) {
      const responded = load.responded[i]
      if (responded < 0) continue
      for (let w = 0; w < watchers; w++) {
        const at = arrivals[i * watchers + w]
        if (at < 0) { missing++; continue }
        if (at < responded) early++
        latencies.push(Math.max(0, at - responded))
      }
    }
    const p50 = quantile(latencies, 0.5)
    const p99 = quantile(latencies, 0.99)
    const max = latencies.reduce((a, b) => Math.max(a, b), 0)
    console.log(`load: ${fmt(load.achievedRate, 0)} creates/s achieved, ${load.errors} errors${load.firstError ? ` (first: ${load.firstError})` : ''}${load.lagged ? `, fell behind schedule ${load.lagged} times` : ''}`)
    const pct = (cpu: number) => `${fmt((100 * cpu) / load.elapsed, 0)}%`
    console.log(`CPU during the load (of one core; 2 cores in all): apiserver ${pct(serverCpu)}, watchers (this process) ${pct(selfCpu)}, load process ${pct(load.cpuSeconds)}`)
    console.log(`events: ${latencies.length} measured, ${missing} missing, ${early} arrived before the create's response (counted as 0 ms), ${ended} watch streams ended early, ${otherEvents} other events`)
    console.log(`latency response→event: p50 ${fmt(p50, 2)} ms, p90 ${fmt(quantile(latencies, 0.9), 2)} ms, p99 ${fmt(p99, 2)} ms, p99.9 ${fmt(quantile(latencies, 0.999), 2)} ms, max ${fmt(max, 2)} ms`)
    report([
      { benchmark: 'watch', metric: `event latency p50, ${watchers} watchers, ${fmt(load.achievedRate, 0)} creates/s`, target: '', result: `${fmt(p50, 2)} ms` },
      { benchmark: 'watch', metric: `event latency p99, ${watchers} watchers, ${fmt(load.achievedRate, 0)} creates/s`, target: '≤ 20 ms', result: `${fmt(p99, 2)} ms`, pass: p99 <= 20 && missing === 0 && load.errors === 0 },
      { benchmark: 'watch', metric: 'event latency max', target: '', result: `${fmt(max, 2)} ms` },
      ...(missing || ended ? [{ benchmark: 'watch', metric: 'missing events / ended watches', target: '0 / 0', result: `${missing} / ${ended}`, pass: false }] : []),
    ])
    void streams
  } finally {
    await Promise.all(clients.map((c) => c.destroy()))
    await server.cleanup()
  }
}

runMain(main)
