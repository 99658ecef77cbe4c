// Scheduler throughput: 1,000 nodes and 10,000 pending pods, all created
// through the API, then the scheduler process is started and timed from its
// caches being synced to the last binding. A second phase creates pods while
// the scheduler runs and times creation-to-binding. Prints pods/s and where
// the scheduler's time went (queue, filter, score, bind) from its /metrics.
//
//   npx node bench/scheduler.ts   (BENCH_SCHED_NODES=1000 BENCH_SCHED_PODS=10000 BENCH_SCHED_LIVE_PODS=2000;
//                                  BENCH_SCHEDULER_NODE_FLAGS='--cpu-prof' to profile the scheduler)
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createNodes, createPods } from './lib/cluster.ts'
import { apiPool, cpuSeconds, fmt, freePort, machineLine, nowMs, ownChild, report, root, runMain, sleep, startBenchApiserver } from './lib/common.ts'

const nodeCount = Number(process.env.BENCH_SCHED_NODES ?? 1000)
const podCount = Number(process.env.BENCH_SCHED_PODS ?? 10_000)
const livePodCount = Number(process.env.BENCH_SCHED_LIVE_PODS ?? 2000)
/** Parses the scheduler's /metrics into series → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const values = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const i = line.lastIndexOf(' ')
    values.set(line.slice(0, i), Number(line.slice(i + 1)))
  }
  return values
}

const scheduledSeries = 'scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"}'
const stageSeries = (stage: string) => `kubeling_scheduler_stage_seconds{stage="${stage}"}`

/** Resolves with the time at which target pods were bound. */
async function waitScheduled(url: string, target: number, label: string): Promise<number> {
  const t0 = nowMs()
  let last = -1
  let lastPrint = t0
  for (;;) {
    const scheduled = (await scrape(url)).get(scheduledSeries) ?? 0
    if (scheduled >= target) return nowMs()
    if (nowMs() - lastPrint > 2000) {
      console.log(`  ${label}: ${scheduled}/${target} bound`)
      lastPrint = nowMs()
    }
    if (scheduled === last && nowMs() - t0 > 300_000) throw new Error(`${label}: stuck at ${scheduled}/${target}`)
    last = scheduled
    await sleep(50)
  }
}

async function main(): Promise<void> {
  console.log(machineLine())
  const apiserver = await startBenchApiserver()
  const pool = apiPool(apiserver.url, 64)
  try {
    const nodesMs = await createNodes(pool, nodeCount)
    console.log(`created ${nodeCount} nodes (with status) in ${fmt(nodesMs / 1000, 2)} s`)
    const podsMs = await createPods(pool, 'pending-', podCount)
    console.log(`created ${podCount} pending pods in ${fmt(podsMs / 1000, 2)} s (${fmt(podCount / (podsMs / 1000), 0)}/s)`)

    const port = await freePort()
    const started = nowMs()
    const nodeFlags = (process.env.BENCH_SCHEDULER_NODE_FLAGS ?? '').split(' ').filter(Boolean)
    const child = spawn(process.execPath, [...nodeFlags, join(root, 'scheduler', 'main.ts'), '--server', apiserver.url, '--port', String(port), '--log-level', 'info', '--leader-elect=false'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root })
    ownChild(child)
    const url = `http://127.0.0.1:${port}`
    const synced = new Promise<number>((resolve) => {
      let buffered = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8')
        if (buffered.includes('"caches synced"')) resolve(nowMs())
        if (buffered.length > 1 << 20) buffered = buffered.slice(-4096)
      })
    })
    try {
      const syncedAt = await synced
      console.log(`scheduler up and caches synced in ${fmt((syncedAt - started) / 1000, 2)} s (${nodeCount} nodes, ${podCount} pods listed)`)
      const cpu0 = cpuSeconds(child.pid!)
      const backlogMs = (await waitScheduled(url, podCount, 'backlog')) - syncedAt
      const cpu1 = cpuSeconds(child.pid!)
      const m = await scrape(url)
      const backlogRate = podCount / (backlogMs / 1000)
      const perPod = (stage: string) => ((m.get(stageSeries(stage)) ?? 0) * 1000) / podCount
      console.log(`backlog: ${podCount} pods bound in ${fmt(backlogMs / 1000, 2)} s → ${fmt(backlogRate, 0)} pods/s; scheduler CPU ${fmt(cpu1 - cpu0, 2)} s (${fmt(((cpu1 - cpu0) / (backlogMs / 1000)) * 100, 0)}% of one core)`)
      console.log(`  per pod: filter ${fmt(perPod('filter'), 3)} ms, score ${fmt(perPod('score'), 3)} ms (scheduler thread); queue wait ${fmt(perPod('queue'), 0)} ms; bind round trip ${fmt(perPod('bind'), 1)} ms (in flight, overlapping)`)

      const liveMs = await (async () => {
        const t0 = nowMs()
        await createPods(pool, 'live-', livePodCount)
        return (await waitScheduled(url, podCount + livePodCount, 'live')) - t0
      })()
      const liveRate = livePodCount / (liveMs / 1000)
      console.log(`live: ${livePodCount} pods created (64 clients) and bound in ${fmt(liveMs / 1000, 2)} s → ${fmt(liveRate, 0)} pods/s from creation to binding`)
      report([
        { benchmark: 'scheduler', metric: `pods/s to binding, ${nodeCount} nodes, ${podCount} pending`, target: '≥ 500/s', result: `${fmt(backlogRate, 0)}/s`, pass: backlogRate >= 500 },
        { benchmark: 'scheduler', metric: 'per pod: filter / score', target: '', result: `${fmt(perPod('filter'), 2)} / ${fmt(perPod('score'), 2)} ms` },
        { benchmark: 'scheduler', metric: `pods/s creation→binding while creating ${livePodCount}`, target: '', result: `${fmt(liveRate, 0)}/s` },
      ])
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
  } finally {
    await pool.close()
    await apiserver.cleanup()
  }
}

runMain(main)
