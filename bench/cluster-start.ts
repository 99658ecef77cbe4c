// Cold start of the whole cluster as `npm start` runs it: the launcher
// process from spawn to "apiserver ready" and to every node Ready (the
// launcher's own measurements, printed in its ready line, plus spawn to that
// line), then the resident memory of all its processes together at idle.
//
//   npx node bench/cluster-start.ts   (BENCH_START_NODES=2 BENCH_START_RUNS=3)
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fmt, machineLine, nowMs, ownChild, quantile, report, root, runMain, sleep } from './lib/common.ts'

const nodes = Number(process.env.BENCH_START_NODES ?? 2)
const runs = Number(process.env.BENCH_START_RUNS ?? 3)

/** Total VmRSS (MiB) of the processes whose command line mentions one of needles. */
function rssOf(...needles: string[]): { mib: number; processes: number } {
  let kib = 0
  let processes = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (!needles.some((n) => cmdline.includes(n))) continue
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))
      if (m) {
        kib += Number(m[1])
        processes++
      }
    } catch {
      // gone meanwhile
    }
  }
  return { mib: kib / 1024, processes }
}

async function once(measureMemory: boolean): Promise<{ apiserverMs: number; nodesMs: number; spawnToReadyMs: number; memory?: { mib: number; processes: number } }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-start-'))
  const t0 = nowMs()
  const child = spawn(process.execPath, [join(root, 'bin', 'start.ts'), '--port', '0', '--data-dir', dataDir, '--fresh', '--nodes', String(nodes)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  ownChild(child)
  let output = ''
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d
      const m = /apiserver ready in ([\d.]+) s; \d+ node\(s\) Ready in ([\d.]+) s[\s\S]*cluster ready at (\S+):/.exec(output)
      if (m) resolve(m)
    })
    child.once('exit', () => reject(new Error(`launcher exited:\n${output}`)))
  })
  try {
    const m = await ready
    const spawnToReadyMs = nowMs() - t0
    let memory: { mib: number; processes: number } | undefined
    if (measureMemory) {
      await sleep(5000)
      memory = rssOf(dataDir, m[3])
    }
    return { apiserverMs: Number(m[1]) * 1000, nodesMs: Number(m[2]) * 1000, spawnToReadyMs, memory }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  console.log(machineLine())
  const results = []
  for (let i = 0; i < runs; i++) {
    const r = await once(i === runs - 1)
    console.log(`run ${i + 1}: apiserver ready ${fmt(r.apiserverMs, 0)} ms, ${nodes} nodes Ready ${fmt(r.nodesMs, 0)} ms after the launcher started (${fmt(r.spawnToReadyMs, 0)} ms from spawn, Node start included)`)
    results.push(r)
  }
  const apiserver = quantile(results.map((r) => r.apiserverMs), 0.5)
  const nodesReady = quantile(results.map((r) => r.nodesMs), 0.5)
  const spawnToReady = quantile(results.map((r) => r.spawnToReadyMs), 0.5)
  const memory = results.at(-1)!.memory!
  console.log(`idle after 5 s: ${memory.processes} processes, ${fmt(memory.mib, 0)} MiB resident together`)
  report([
    { benchmark: 'cluster-start', metric: 'launcher → apiserver ready (median)', target: '≤ 1 s', result: `${fmt(apiserver, 0)} ms`, pass: apiserver <= 1000 },
    { benchmark: 'cluster-start', metric: `launcher → ${nodes} nodes Ready (median)`, target: '≤ 3 s', result: `${fmt(nodesReady, 0)} ms (${fmt(spawnToReady, 0)} ms from spawn)`, pass: nodesReady <= 3000 },
    { benchmark: 'cluster-start', metric: `RSS of all ${memory.processes} processes at idle`, target: '', result: `${fmt(memory.mib, 0)} MiB` },
  ])
}

runMain(main)
