// Kubelet at scale: one kubelet process with the sim runtime hosting 1,000
// nodes, the scheduler beside it, and 10,000 pods created through the API.
// Times creation of the first pod to the last one Running and Ready (seen on
// a watch), and samples the kubelet's RSS and CPU.
//
//   npx node bench/kubelet.ts   (BENCH_KUBELET_NODES=1000 BENCH_KUBELET_PODS=10000)
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from 'undici'
import { createPods } from './lib/cluster.ts'
import { apiPool, cpuSeconds, fmt, freePort, machineLine, nowMs, ownChild, report, root, rssMiB, runMain, sleep, startBenchApiserver } from './lib/common.ts'

const nodeCount = Number(process.env.BENCH_KUBELET_NODES ?? 1000)
const podCount = Number(process.env.BENCH_KUBELET_PODS ?? 10_000)

function component(script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, [join(root, script), ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root })
  ownChild(child)
  return child
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

async function readyNodes(url: string): Promise<number> {
  const list = (await (await fetch(`${url}/api/v1/nodes`)).json()) as { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }
  return list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length
}

/** Watches pods from now on and resolves when `count` distinct pods have been seen Running and Ready. */
async function watchRunning(url: string, count: number, signal: AbortSignal): Promise<{ done: Promise<number> }> {
  const list = (await (await fetch(`${url}/api/v1/pods?limit=1`)).json()) as { metadata: { resourceVersion: string } }
  const client = new Client(url, { bodyTimeout: 0, headersTimeout: 0 })
  const res = await client.request({ method: 'GET', path: `/api/v1/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`, signal })
  const running = new Set<string>()
  const done = (async () => {
    let buffered = ''
    try {
      for await (const chunk of res.body) {
        buffered += chunk.toString('utf8')
        let nl: number
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl)
          buffered = buffered.slice(nl + 1)
          // Cheap checks first: most events are not the one that makes a pod Ready.
          if (!line.includes('"Running"')) continue
          const event = JSON.parse(line) as { object: { metadata: { uid: string }; status?: { phase?: string; conditions?: Array<{ type: string; status: string }> } } }
          const pod = event.object
          if (pod.status?.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) running.add(pod.metadata.uid)
          if (running.size >= count) return nowMs()
        }
      }
    } finally {
      await client.close().catch(() => {})
    }
    throw new Error(`watch ended with ${running.size}/${count} pods running`)
  })()
  return { done }
}

async function main(): Promise<void> {
  console.log(machineLine())
  const apiserver = await startBenchApiserver()
  const rootDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-kubelet-'))
  const schedulerPort = await freePort()
  const kubeletPort = await freePort()
  const scheduler = component('scheduler/main.ts', ['--server', apiserver.url, '--port', String(schedulerPort), '--log-level', 'warn', '--leader-elect=false'])
  const started = nowMs()
  const kubelet = component('kubelet/main.ts', [
    '--server', apiserver.url, '--runtime', 'sim', '--nodes', String(nodeCount), '--node-name-prefix', 'sim-',
    '--port', String(kubeletPort), '--root-dir', rootDir, '--cpu', '32', '--memory', '128Gi', '--log-level', 'warn',
  ])
  const pool = apiPool(apiserver.url, 64)
  const abort = new AbortController()
  try {
    let ready = 0
    for (let last = 0; ready < nodeCount; await sleep(500)) {
      ready = await readyNodes(apiserver.url)
      if (ready !== last) console.log(`  ${ready}/${nodeCount} nodes Ready`)
      last = ready
      if (nowMs() - started > 300_000) throw new Error(`only ${ready} nodes Ready after 5 min`)
    }
    const registeredMs = nowMs() - started
    console.log(`${nodeCount} simulated nodes registered and Ready in ${fmt(registeredMs / 1000, 2)} s; kubelet RSS ${fmt(rssMiB(kubelet.pid!), 0)} MiB`)

    const watch = await watchRunning(apiserver.url, podCount, abort.signal)
    const cpu0 = { kubelet: cpuSeconds(kubelet.pid!), scheduler: cpuSeconds(scheduler.pid!), apiserver: cpuSeconds(apiserver.pid) }
    let peakRss = 0
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(kubelet.pid!))), 250)
    const t0 = nowMs()
    const createMs = await createPods(pool, 'bench-', podCount)
    console.log(`created ${podCount} pods in ${fmt(createMs / 1000, 2)} s`)
    const progress = setInterval(() => console.log(`  … ${fmt((nowMs() - t0) / 1000, 0)} s`), 5000)
    const doneAt = await watch.done
    clearInterval(progress)
    clearInterval(sampler)
    const seconds = (doneAt - t0) / 1000
    const cpu = { kubelet: cpuSeconds(kubelet.pid!) - cpu0.kubelet, scheduler: cpuSeconds(scheduler.pid!) - cpu0.scheduler, apiserver: cpuSeconds(apiserver.pid) - cpu0.apiserver }
    const rss = rssMiB(kubelet.pid!)
    console.log(`${podCount} pods created → all Running and Ready in ${fmt(seconds, 2)} s (${fmt(podCount / seconds, 0)} pods/s)`)
    console.log(`CPU over that time: kubelet ${fmt(cpu.kubelet, 1)} s, scheduler ${fmt(cpu.scheduler, 1)} s, apiserver ${fmt(cpu.apiserver, 1)} s`)
    console.log(`kubelet RSS: ${fmt(rss, 0)} MiB at the end, ${fmt(peakRss, 0)} MiB peak`)
    report([
      { benchmark: 'kubelet', metric: `${podCount} pods → Running, ${nodeCount} sim nodes, 1 process`, target: '', result: `${fmt(seconds, 1)} s` },
      { benchmark: 'kubelet', metric: 'kubelet RSS (peak)', target: '', result: `${fmt(peakRss, 0)} MiB` },
      { benchmark: 'kubelet', metric: 'kubelet CPU over the run', target: '', result: `${fmt(cpu.kubelet, 1)} s` },
    ])
  } finally {
    abort.abort()
    await pool.close()
    await stop(kubelet)
    await stop(scheduler)
    await apiserver.cleanup()
    rmSync(rootDir, { recursive: true, force: true })
  }
}

runMain(main)
