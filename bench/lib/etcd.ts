// etcd 3.4 (Debian `etcd-server`) as the yardstick: started on free loopback
// ports with a temp data dir, driven through its gRPC-JSON gateway so no gRPC
// library is needed. etcd 3.4 serves the gateway under /v3/ (and the
// deprecated /v3beta/); the path is probed rather than assumed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Pool } from 'undici'
import { freePort, nowMs, ownChild, sleep } from './common.ts'

export interface EtcdProcess {
  url: string
  version: string
  /** '/v3' or '/v3beta'. */
  gateway: string
  pid: number
  child: ChildProcess
  cleanup(): Promise<void>
}

/** The etcd binary and its version, or undefined with why not. */
export function findEtcd(): { bin: string; version: string } | { missing: string } {
  const bin = process.env.ETCD_BIN ?? 'etcd'
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    return { missing: `etcd not found (${probe.error?.message ?? `exit ${probe.status}`}); install it with: apt-get update && apt-get install -y etcd-server (or set ETCD_BIN)` }
  }
  const m = /etcd Version:\s*(\S+)/.exec(probe.stdout)
  return { bin, version: m ? m[1] : 'unknown' }
}

export async function startEtcd(bin: string, version: string): Promise<EtcdProcess> {
  const clientPort = await freePort()
  let peerPort = await freePort()
  while (peerPort === clientPort) peerPort = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-etcd-'))
  const client = `http://127.0.0.1:${clientPort}`
  const peer = `http://127.0.0.1:${peerPort}`
  const child = spawn(bin, [
    '--name', 'bench',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `bench=${peer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-outputs', 'stderr',
    '--log-level', 'error',
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  ownChild(child)
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  let gone = false
  const exited = new Promise<void>((resolve) => child.once('exit', () => { gone = true; resolve() }))
  const cleanup = async () => {
    if (!gone) child.kill('SIGTERM')
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = nowMs() + 20_000
  for (;;) {
    if (gone) throw new Error(`etcd exited during start-up:\n${output}`)
    if (nowMs() > deadline) {
      await cleanup()
      throw new Error(`etcd not healthy after 20 s:\n${output}`)
    }
    try {
      const res = await fetch(`${client}/health`)
      const body = (await res.json()) as { health?: string }
      if (res.ok && body.health === 'true') break
    } catch {
      // not up yet
    }
    await sleep(20)
  }
  let gateway: string | undefined
  for (const prefix of ['/v3', '/v3beta']) {
    const res = await fetch(`${client}${prefix}/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64('probe') }) })
    await res.arrayBuffer()
    if (res.ok) {
      gateway = prefix
      break
    }
  }
  if (gateway === undefined) {
    await cleanup()
    throw new Error('etcd answers neither /v3/kv/range nor /v3beta/kv/range')
  }
  return { url: client, version, gateway, pid: child.pid!, child, cleanup }
}

export function b64(text: string): string {
  return Buffer.from(text).toString('base64')
}

/** One put through the JSON gateway; resolves true on 200 (etcd acks after its WAL fsync). */
export async function etcdPut(pool: Pool, gateway: string, key: string, value: string): Promise<boolean | string> {
  const res = await pool.request({
    path: `${gateway}/kv/put`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"key":"${b64(key)}","value":"${b64(value)}"}`,
  })
  const body = await res.body.text()
  return res.statusCode === 200 ? true : `HTTP ${res.statusCode}: ${body.slice(0, 200)}`
}
