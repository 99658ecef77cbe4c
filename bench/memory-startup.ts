// Memory and start-up: apiserver RSS (VmRSS from /proc/<pid>/status) with
// 10,000 typical pods stored, and the time from spawn() to the first 200 from
// /readyz when the process restarts on a data dir holding those pods. The
// start-up figure includes Node's own start and loading the TypeScript
// sources, as a user sees it. Prints figures; asserts nothing.
//
//   npx node bench/memory-startup.ts   (BENCH_PODS=10000 BENCH_RESTARTS=3)
import { rmSync } from 'node:fs'
import { fmt, machineLine, quantile, report, rssMiB, runMain, seedPods, sleep, startBenchApiserver } from './lib/common.ts'

const pods = Number(process.env.BENCH_PODS ?? 10_000)
const restarts = Number(process.env.BENCH_RESTARTS ?? 3)

const mb = (mib: number) => (mib * 1024 * 1024) / 1e6

async function main(): Promise<void> {
  console.log(machineLine())
  // An empty server: the fixed costs (Node, module loading, bootstrap).
  const first = await startBenchApiserver()
  const dataDir = first.dataDir
  try {
    await sleep(500)
    const emptyRss = rssMiB(first.pid)
    console.log(`empty data dir: ready in ${fmt(first.startupMs, 0)} ms, RSS ${fmt(emptyRss, 1)} MiB`)
    await first.stop()

    const emptyRestart = await startBenchApiserver({ dataDir })
    console.log(`restart with 0 pods: ready in ${fmt(emptyRestart.startupMs, 0)} ms`)
    const seeded = await seedPods(emptyRestart.url, pods)
    const rssAfterWrites = rssMiB(emptyRestart.pid)
    await sleep(2000)
    const rssSettled = rssMiB(emptyRestart.pid)
    console.log(`stored ${pods} pods in ${fmt(seeded.ms / 1000, 2)} s; RSS right after ${fmt(rssAfterWrites, 1)} MiB, 2 s later ${fmt(rssSettled, 1)} MiB`)
    await emptyRestart.stop()

    const startups: number[] = []
    let rssLoaded = 0
    for (let i = 0; i < restarts; i++) {
      const server = await startBenchApiserver({ dataDir })
      startups.push(server.startupMs)
      if (i === 0) {
        // Sanity, untimed: the restart really holds every pod.
        const res = await fetch(`${server.url}/api/v1/namespaces/default/pods?limit=1`)
        const list = (await res.json()) as { items: unknown[]; metadata: { remainingItemCount?: number } }
        const count = list.items.length + (list.metadata.remainingItemCount ?? 0)
        if (count < pods) throw new Error(`after restart only ${count} pods, expected ${pods}`)
        await sleep(1000)
        rssLoaded = rssMiB(server.pid)
      }
      await server.stop()
    }
    const startup = quantile(startups, 0.5)
    console.log(`restart with ${pods} pods: ready in ${startups.map((t) => `${fmt(t, 0)} ms`).join(', ')}; RSS after load ${fmt(rssLoaded, 1)} MiB`)
    report([
      // The target is in MB (10^6 bytes); VmRSS is in KiB.
      { benchmark: 'memory', metric: `RSS with ${pods} pods (after creates, settled)`, target: '≤ 300 MB', result: `${fmt(mb(rssSettled), 0)} MB`, pass: mb(rssSettled) <= 300 },
      { benchmark: 'memory', metric: `RSS with ${pods} pods (after restart)`, target: '≤ 300 MB', result: `${fmt(mb(rssLoaded), 0)} MB`, pass: mb(rssLoaded) <= 300 },
      { benchmark: 'startup', metric: 'start-up to /readyz, 0 pods', target: '', result: `${fmt(emptyRestart.startupMs, 0)} ms` },
      { benchmark: 'startup', metric: `start-up to /readyz, ${pods} pods (median of ${restarts})`, target: '≤ 1 s', result: `${fmt(startup, 0)} ms`, pass: startup <= 1000 },
    ])
  } finally {
    await first.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

runMain(main)
