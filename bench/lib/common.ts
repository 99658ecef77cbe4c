// Shared pieces of the benchmarks: an apiserver child process we control
// (node flags, start-up timing), the typical pod, closed-loop load, and
// statistics. Benchmarks print figures; nothing here asserts a timing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { freePort } from '../../test/support/apiserver-process.ts'

export { freePort }

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Servers this process started: killed if it exits without stopping them (a crashed bench leaves no orphans). */
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Registers a child process to be killed when this process exits. */
export function ownChild(child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => children.delete(child))
}

/** Monotonic clock in milliseconds, comparable across processes on this machine (CLOCK_MONOTONIC). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export interface BenchApiserver {
  url: string
  port: number
  dataDir: string
  child: ChildProcess
  pid: number
  /** Milliseconds from spawn() to the first 200 from /readyz. */
  startupMs: number
  output(): string
  /** SIGTERM, wait for exit. */
  stop(): Promise<void>
  /** Stop and delete the data dir (when the bench created it). */
  cleanup(): Promise<void>
}

export interface BenchApiserverOptions {
  dataDir?: string
  storage?: 'leveldb' | 'memory'
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. Defaults to $BENCH_APISERVER_NODE_FLAGS split on spaces. */
  nodeFlags?: string[]
}

/**
 * Starts `node apiserver/main.ts` on a free loopback port (LevelDB in a temp
 * dir unless given one) and measures the time to a ready /readyz, polling
 * every 2 ms so the figure is not rounded up by the poll interval.
 */
export async function startBenchApiserver(options: BenchApiserverOptions = {}): Promise<BenchApiserver> {
  const port = await freePort()
  const ownDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kubeling-bench-'))
  const nodeFlags = options.nodeFlags ?? (process.env.BENCH_APISERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean)
  const started = nowMs()
  const child = spawn(
    process.execPath,
    [...nodeFlags, join(root, 'apiserver', 'main.ts'), '--port', String(port), '--data-dir', dataDir, '--storage', options.storage ?? 'leveldb', '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  )
  ownChild(child)
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  let gone = false
  const exited = new Promise<void>((resolve) => child.once('exit', () => { gone = true; resolve() }))
  const url = `http://127.0.0.1:${port}`
  let startupMs = -1
  const deadline = started + 30_000
  while (startupMs < 0) {
    if (gone) throw new Error(`apiserver exited during start-up:\n${output}`)
    if (nowMs() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`apiserver not ready after 30 s:\n${output}`)
    }
    try {
      const res = await fetch(`${url}/readyz`)
      await res.arrayBuffer()
      if (res.ok) startupMs = nowMs() - started
    } catch {
      // not listening yet
    }
    if (startupMs < 0) await sleep(2)
  }
  const stop = async () => {
    if (!gone) child.kill('SIGTERM')
    const timer = setTimeout(() => { if (!gone) child.kill('SIGKILL') }, 15_000)
    await exited
    clearTimeout(timer)
  }
  return {
    url, port, dataDir, child, pid: child.pid!, startupMs,
    output: () => output,
    stop,
    async cleanup() {
      await stop()
      if (ownDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at index 2: state.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime
  return ticks / 100 // USER_HZ is 100 on Linux
}

/** fdatasync latency of 1 KB appends in the temp dir (where the benches keep their data): the floor of a durable write. */
export function fsyncLine(samples = 200): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-bench-fsync-'))
  const fd = openSync(join(dir, 'probe'), 'w')
  const buf = Buffer.alloc(1024, 0x61)
  const times: number[] = []
  try {
    for (let i = 0; i < samples; i++) {
      const t0 = nowMs()
      writeSync(fd, buf)
      fdatasyncSync(fd)
      times.push(nowMs() - t0)
    }
  } finally {
    closeSync(fd)
    rmSync(dir, { recursive: true, force: true })
  }
  return `disk: 1 KB write + fdatasync p50 ${fmt(quantile(times, 0.5), 2)} ms, p90 ${fmt(quantile(times, 0.9), 2)} ms, p99 ${fmt(quantile(times, 0.99), 2)} ms`
}

/** One line about the machine: cores and load, since other work skews figures on 2 cores. */
export function machineLine(): string {
  const [one, five] = loadavg()
  return `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average ${one.toFixed(2)} (1 min) ${five.toFixed(2)} (5 min); ${treeState()}`
}

/** The source tree measured: HEAD and how many paths differ from it (figures depend on uncommitted work too). */
export function treeState(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' })
  if (head.status !== 0) return 'tree: not a git checkout'
  const status = spawnSync('git', ['status', '--porcelain', '--', 'apiserver', 'shared'], { cwd: root, encoding: 'utf8' })
  const changed = status.stdout.split('\n').filter(Boolean).length
  return `tree: ${head.stdout.trim()}${changed ? ` + ${changed} uncommitted paths in apiserver/ shared/` : ''}`
}

/** VmRSS of a process, in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(m[1]) / 1024
}

/**
 * A typical small pod as a Deployment's ReplicaSet would create it: labels,
 * an annotation, one container with ports, env, resources, a probe and a
 * volume mount. About 1 KB of JSON.
 */
export function podJson(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d4b9c8f6d' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-23T10:00:00Z' },
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.k8s.io/nginx-slim:1.27.3',
          args: ['--config', '/etc/web/nginx.conf'],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: '/livez', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 20 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      serviceAccountName: 'default',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      terminationGracePeriodSeconds: 30,
    },
  })
}

export const podsPath = '/api/v1/namespaces/default/pods'

export function apiPool(url: string, connections: number): Pool {
  return new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 })
}

/** POSTs one pod; resolves with the status code (body drained). */
export async function createPod(pool: Pool, name: string): Promise<number> {
  const res = await pool.request({ path: podsPath, method: 'POST', headers: { 'content-type': 'application/json' }, body: podJson(name) })
  await res.body.dump({ limit: Infinity })
  return res.statusCode
}

export interface LoadResult {
  /** Successful operations in the measured window. */
  ops: number
  /** Successful operations including the warm-up. */
  allOps: number
  errors: number
  seconds: number
  perSecond: number
  latencies: number[]
  firstError?: string
}

/**
 * Closed loop: `concurrency` workers each issue `op` back to back for
 * `durationMs` (after `warmupMs` not counted). `op` resolves true on success.
 */
export async function closedLoop(concurrency: number, durationMs: number, warmupMs: number, op: (worker: number, seq: number) => Promise<boolean | string>): Promise<LoadResult> {
  const start = nowMs()
  const measureFrom = start + warmupMs
  const end = measureFrom + durationMs
  let ops = 0
  let allOps = 0
  let errors = 0
  let firstError: string | undefined
  const latencies: number[] = []
  const worker = async (w: number) => {
    for (let seq = 0; ; seq++) {
      const t0 = nowMs()
      if (t0 >= end) return
      let result: boolean | string
      try {
        result = await op(w, seq)
      } catch (err) {
        result = String(err)
      }
      const t1 = nowMs()
      if (result === true) allOps++
      if (t0 < measureFrom) continue
      if (result === true) {
        ops++
        latencies.push(t1 - t0)
      } else {
        errors++
        firstError ??= String(result)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)))
  const seconds = (Math.max(nowMs(), end) - measureFrom) / 1000
  return { ops, allOps, errors, seconds, perSecond: ops / seconds, latencies, firstError }
}

/** Creates `count` pods named `${prefix}${i}` with `concurrency` clients in flight. */
export async function seedPods(url: string, count: number, concurrency = 64, prefix = 'seed-'): Promise<{ ms: number; perSecond: number }> {
  const pool = apiPool(url, concurrency)
  const t0 = nowMs()
  let next = 0
  try {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++
        const code = await createPod(pool, `${prefix}${i}`)
        if (code !== 201) throw new Error(`create ${prefix}${i}: HTTP ${code}`)
      }
    }))
  } finally {
    await pool.close()
  }
  const ms = nowMs() - t0
  return { ms, perSecond: count / (ms / 1000) }
}

/** The q-quantile (0..1) of `values`, nearest-rank. Sorts a copy. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n)
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** One line of the summary table. */
export interface ResultRow {
  benchmark: string
  metric: string
  target: string
  result: string
  /** true met, false missed, undefined informational (no target). */
  pass?: boolean
}

/** Marker run.ts looks for in a benchmark's stdout. */
export const resultMarker = '#bench-result '

/** Prints the rows as a table and as one machine-readable line for run.ts. */
export function report(rows: ResultRow[]): void {
  console.log('')
  console.log(formatTable(rows))
  console.log(resultMarker + JSON.stringify(rows))
}

export function formatTable(rows: ResultRow[]): string {
  const header = ['benchmark', 'metric', 'target', 'result', 'pass/miss']
  const cells = rows.map((r) => [r.benchmark, r.metric, r.target, r.result, r.pass === undefined ? '' : r.pass ? 'pass' : 'MISS'])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

/** Runs `main`, printing a failure and exiting 1 instead of an unhandled rejection. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack ?? err.message : String(err))
      process.exit(1)
    },
  )
}
