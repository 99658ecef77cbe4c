// The kube-proxy stand-in over a fake ServiceWatch: it syncs on every
// change, logs each sync in klog's format, and cleans up on its signals.
import { mkdtemp, rm } from 'node:fs/promises'
import { connect, createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { realClock } from '../../../shared/clock.ts'
import { LogFileWriter, readLogText } from '../log-file.ts'
import type { EndpointSlice, ProxiedService } from '../proxy-rules.ts'
import type { ServiceSnapshot, ServiceWatch } from '../service-watch.ts'
import type { ContainerConfig } from '../types.ts'
import { klogLine, kubeProxyStandIn } from './kube-proxy.ts'
import { waitFor } from '../../../test/support/wait-for.ts'

const until = (what: string, probe: () => boolean | Promise<boolean>, ms?: number) => waitFor(what, async () => (await probe()) || undefined, ms)

const net = `127.${Math.floor(Math.random() * 100) + 50}.${Math.floor(Math.random() * 250) + 1}`
const nodeIP = `${net}.1`

let dir: string
let backend: Server
let backendPort: number
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-kube-proxy-'))
  backend = createServer((s) => s.end('hello from the pod'))
  await new Promise<void>((resolve) => backend.listen(0, `${net}.10`, resolve))
  backendPort = (backend.address() as { port: number }).port
})
afterEach(async () => {
  await new Promise((resolve) => backend.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

async function freePort(ip: string): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, ip, resolve))
  const { port } = srv.address() as { port: number }
  await new Promise((resolve) => srv.close(resolve))
  return port
}

/** A ServiceWatch whose caches the test sets; set() notifies as an informer would. */
function fakeWatch(initial: ServiceSnapshot) {
  let snapshot = initial
  const subscribers = new Set<() => void>()
  const watch: ServiceWatch = {
    subscribe(fn) {
      subscribers.add(fn)
      queueMicrotask(fn)
      return () => subscribers.delete(fn)
    },
    snapshot: () => snapshot,
    close: async () => subscribers.clear(),
  }
  return {
    watch,
    subscribers,
    set(next: ServiceSnapshot) {
      snapshot = next
      for (const fn of subscribers) fn()
    },
  }
}

const config: ContainerConfig = {
  name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.34.0', command: ['/usr/local/bin/kube-proxy'], args: [], env: [],
  mounts: [], ports: [], stdin: false, tty: false, attempt: 0, runsToCompletion: false,
}

function nodePortService(nodePort: number): ProxiedService {
  return { metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort }] } }
}

function sliceFor(ready: boolean): EndpointSlice {
  return {
    metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [`${net}.10`], conditions: { ready } }],
    ports: [{ port: backendPort }],
  }
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: nodeIP, port })
    let data = ''
    socket.on('data', (d) => (data += d))
    socket.on('end', () => resolve(data))
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
  })
}


describe('kube-proxy stand-in', () => {
  it('forwards the nodePort on the node IP, follows endpoint readiness, logs each sync, and closes on SIGTERM', async () => {
    const nodePort = await freePort(nodeIP)
    const fake = fakeWatch({ services: [nodePortService(nodePort)], slices: [sliceFor(true)] })
    const log = new LogFileWriter(join(dir, '0.log'))
    const task = await kubeProxyStandIn.start({ podIP: nodeIP, hostname: 'kp', config, log, clock: realClock, services: fake.watch })
    await until('the nodePort to answer', async () => (await ask(nodePort)) === 'hello from the pod')

    fake.set({ services: [nodePortService(nodePort)], slices: [sliceFor(false)] })
    await until('the nodePort to refuse', async () => (await ask(nodePort)) === 'ECONNREFUSED')

    task.kill('SIGTERM')
    expect(await task.exited).toEqual({ exitCode: 0 })
    expect(fake.subscribers.size).toBe(0)
    await log.close()
    const text = await readLogText(log.path)
    expect(text).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 proxier\.go:\d+\] "Syncing userspace rules" services=1 endpoints=1 rules=1$/m)
    expect(text).toMatch(/"Syncing userspace rules" services=1 endpoints=0 rules=1$/m)
    expect(text).toContain(`"Successfully retrieved node IP(s)" IPs=["${nodeIP}"]`)
    expect(text).toContain('"Received signal, shutting down" signal="terminated"')
  })

  it('closes its listeners when the service goes', async () => {
    const nodePort = await freePort(nodeIP)
    const fake = fakeWatch({ services: [nodePortService(nodePort)], slices: [sliceFor(true)] })
    const log = new LogFileWriter(join(dir, '0.log'))
    const task = await kubeProxyStandIn.start({ podIP: nodeIP, hostname: 'kp', config, log, clock: realClock, services: fake.watch })
    try {
      await until('the nodePort to answer', async () => (await ask(nodePort)) === 'hello from the pod')
      fake.set({ services: [], slices: [sliceFor(true)] })
      await until('the nodePort to refuse', async () => (await ask(nodePort)) === 'ECONNREFUSED')
    } finally {
      task.kill('SIGKILL')
    }
    expect(await task.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' })
    await log.close()
  })

  it('reports a nodePort it cannot bind once, and binds it on a retry when it is free', async () => {
    const nodePort = await freePort(nodeIP)
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(nodePort, nodeIP, resolve))
    const fake = fakeWatch({ services: [nodePortService(nodePort)], slices: [sliceFor(true)] })
    const log = new LogFileWriter(join(dir, '0.log'))
    const task = await kubeProxyStandIn.start({ podIP: nodeIP, hostname: 'kp', config, log, clock: realClock, services: fake.watch })
    try {
      await until('the bind error in the log', async () => {
        await log.flushed()
        return (await readLogText(log.path).catch(() => '')).includes("can't open port")
      })
      await new Promise((resolve) => squatter.close(resolve))
      await until('the nodePort to answer', async () => (await ask(nodePort)) === 'hello from the pod')
    } finally {
      task.kill('SIGTERM')
    }
    await task.exited
    await log.close()
    const text = await readLogText(log.path)
    expect(text.match(/can't open port/g)).toHaveLength(1)
    expect(text).toContain(`port="${nodeIP}:${nodePort}" servicePort="default/web:" err="EADDRINUSE"`)
  })

  it('exits 1 with the reason in its log when the runtime has no apiserver client', async () => {
    const log = new LogFileWriter(join(dir, '0.log'))
    const task = await kubeProxyStandIn.start({ podIP: nodeIP, hostname: 'kp', config, log, clock: realClock })
    expect(await task.exited).toEqual({ exitCode: 1 })
    await log.close()
    expect(await readLogText(log.path)).toContain('"Error running ProxyServer" err="no apiserver client')
  })
})

describe('klogLine', () => {
  it('formats as klog does: severity, date, time with microseconds, pid, source, quoted message, key=value', () => {
    expect(klogLine('I', Date.UTC(2026, 10, 23, 18, 0, 0, 123), 'proxier.go:812', 'Syncing userspace rules', { services: 3, ip: '127.0.0.1' }))
      .toBe('I1123 18:00:00.123000       1 proxier.go:812] "Syncing userspace rules" services=3 ip="127.0.0.1"')
  })
})
