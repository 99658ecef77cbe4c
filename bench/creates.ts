// Durable creates/s: typical ~1 KB pods POSTed to a fresh LevelDB apiserver
// at 1 and 64 concurrent keep-alive clients, and in the same run 1 KB puts to
// a fresh etcd 3.4 at the same concurrency. Both acknowledge a write only
// after it is fsynced. The load generator is this process (undici Pool, one
// keep-alive connection per client), the server a child process.
//
// Other work on a 2-core machine skews single runs (fsync latency especially),
// so kubeling and etcd alternate, in BENCH_ROUNDS rounds with the order
// swapped each round; every round is printed and each system's best round is
// the result. Prints figures; asserts nothing.
//
//   npx node bench/creates.ts     (BENCH_SECONDS=4 per measurement, BENCH_ROUNDS=2)
import { apiPool, closedLoop, cpuSeconds, createPod, fmt, fsyncLine, machineLine, nowMs, podJson, quantile, report, runMain, startBenchApiserver, type LoadResult, type ResultRow } from './lib/common.ts'
import { etcdPut, findEtcd, startEtcd } from './lib/etcd.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 4)
const rounds = Number(process.env.BENCH_ROUNDS ?? 2)
const warmupMs = 1000
const concurrencies = [1, 64]

/** A run, plus the server's CPU time per operation (all its threads; warm-up included). */
interface Measured extends LoadResult {
  serverCpuUsPerOp: number
}

function describe(label: string, r: Measured): string {
  return `${label.padEnd(28)} ${fmt(r.perSecond, 0).padStart(7)} ops/s   p50 ${fmt(quantile(r.latencies, 0.5), 2)} ms  p99 ${fmt(quantile(r.latencies, 0.99), 2)} ms   server CPU ${fmt(r.serverCpuUsPerOp, 0)} µs/op   (${r.ops} ops in ${fmt(r.seconds, 1)} s${r.errors ? `, ${r.errors} ERRORS, first: ${r.firstError}` : ''})`
}

async function measure(pid: number, run: () => Promise<LoadResult>): Promise<Measured> {
  const cpu0 = cpuSeconds(pid)
  const result = await run()
  return { ...result, serverCpuUsPerOp: ((cpuSeconds(pid) - cpu0) * 1e6) / Math.max(1, result.allOps) }
}

async function kubeling(concurrency: number): Promise<Measured> {
  const server = await startBenchApiserver()
  const pool = apiPool(server.url, concurrency)
  try {
    return await measure(server.pid, () => closedLoop(concurrency, seconds * 1000, warmupMs, async (w, seq) => {
      const code = await createPod(pool, `bench-${w}-${seq}`)
      return code === 201 ? true : `HTTP ${code}`
    }))
  } finally {
    await pool.close()
    await server.cleanup()
  }
}

async function etcd(bin: string, version: string, concurrency: number): Promise<Measured> {
  const server = await startEtcd(bin, version)
  const pool = apiPool(server.url, concurrency)
  try {
    return await measure(server.pid, () => closedLoop(concurrency, seconds * 1000, warmupMs, (w, seq) => {
      const name = `bench-${w}-${seq}`
      return etcdPut(pool, server.gateway, `/registry/pods/default/${name}`, podJson(name))
    }))
  } finally {
    await pool.close()
    await server.cleanup()
  }
}

const best = (results: Measured[]): Measured => results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a))

async function main(): Promise<void> {
  const found = findEtcd()
  const etcdFound = 'missing' in found ? undefined : found
  console.log(machineLine())
  console.log(fsyncLine())
  console.log(`creates: ${podJson('bench-63-12345').length}-byte pod bodies, ${seconds} s per measurement after ${warmupMs} ms warm-up, fresh server and data dir per measurement, ${rounds} rounds`)
  if (etcdFound) console.log(`etcd ${etcdFound.version} through its JSON gateway (${etcdFound.bin}), 1 KB values: the same pod JSON`)
  else console.log(`NOTE: ${(found as { missing: string }).missing}; etcd figures are skipped.`)
  const rows: ResultRow[] = []
  const t0 = nowMs()
  for (const c of concurrencies) {
    const ks: Measured[] = []
    const es: Measured[] = []
    for (let round = 0; round < rounds; round++) {
      const etcdFirst = round % 2 === 1
      if (etcdFound && etcdFirst) {
        es.push(await etcd(etcdFound.bin, etcdFound.version, c))
        console.log(describe(`etcd ${etcdFound.version}  c=${c} round ${round + 1}`, es.at(-1)!))
      }
      ks.push(await kubeling(c))
      console.log(describe(`kubeling  c=${c} round ${round + 1}`, ks.at(-1)!))
      if (etcdFound && !etcdFirst) {
        es.push(await etcd(etcdFound.bin, etcdFound.version, c))
        console.log(describe(`etcd ${etcdFound.version}  c=${c} round ${round + 1}`, es.at(-1)!))
      }
    }
    const k = best(ks)
    const errors = [...ks, ...es].reduce((n, r) => n + r.errors, 0)
    rows.push({ benchmark: 'creates', metric: `kubeling creates/s, c=${c}`, target: c === 64 ? '≥ 5,000' : '', result: `${fmt(k.perSecond, 0)} (p50 ${fmt(quantile(k.latencies, 0.5), 2)} ms, ${fmt(k.serverCpuUsPerOp, 0)} µs CPU/op)`, pass: c === 64 ? k.perSecond >= 5000 : undefined })
    if (etcdFound) {
      const e = best(es)
      const ratio = k.perSecond / e.perSecond
      rows.push({ benchmark: 'creates', metric: `etcd ${etcdFound.version} puts/s, c=${c}`, target: '', result: `${fmt(e.perSecond, 0)} (p50 ${fmt(quantile(e.latencies, 0.5), 2)} ms, ${fmt(e.serverCpuUsPerOp, 0)} µs CPU/op)` })
      rows.push({ benchmark: 'creates', metric: `kubeling/etcd, c=${c}`, target: '≥ 1.0×', result: `${fmt(ratio, 2)}×`, pass: ratio >= 1 })
    } else {
      rows.push({ benchmark: 'creates', metric: `kubeling/etcd, c=${c}`, target: '≥ 1.0×', result: 'etcd missing' })
    }
    if (errors) rows.push({ benchmark: 'creates', metric: `failed writes, c=${c}`, target: '0', result: String(errors), pass: false })
  }
  console.log(`(best round per system counts; total ${fmt((nowMs() - t0) / 1000, 1)} s)`)
  report(rows)
}

runMain(main)
