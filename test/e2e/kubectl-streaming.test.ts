// Real kubectl (1.32 and 1.35) through a real apiserver process to a kubelet
// streaming server in this process: logs, exec (exit codes, stdin), cp and
// port-forward. The fake backend's exec runs real host processes and its pod
// IP is 127.0.0.1, where a small HTTP server plays the pod's port.
import { createServer, type Server } from 'node:http'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, merge, type ApiClient } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'
import { startKubeletServer, type KubeletServer } from '../../kubelet/server/kubelet-server.ts'
import { spawnExec, testBackend, type TestPod } from '../../kubelet/server/test-backend.ts'
import { formatCriLine } from '../../kubelet/server/cri-log.ts'

let apiserver: ApiserverProcess
let api: ApiClient
let kubelet: KubeletServer
let target: Server
let targetPort: number
let dir: string
const followEnded: Array<() => void> = []
const pods: TestPod[] = []

function logFile(name: string, lines: string[]): string {
  const path = join(dir, `${name}.log`)
  writeFileSync(path, lines.map((l, i) => formatCriLine(new Date(Date.UTC(2024, 0, 1, 0, 0, i)), i % 2 ? 'stderr' : 'stdout', l)).join(''))
  return path
}

async function createPod(name: string, containers: string[], extra: Record<string, unknown> = {}) {
  await api.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, ...extra },
    spec: { nodeName: 'node-1', containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
  })
  const res = await api.patch(`/api/v1/namespaces/default/pods/${name}/status`, merge, { status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] } })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeling-streaming-'))
  const big = Buffer.alloc(3 * 1024 * 1024, 'x')
  target = createServer((req, res) => res.end(req.url === '/big' ? big : `hello from the pod: ${req.url}`))
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  targetPort = (target.address() as AddressInfo).port

  const never = new Promise<never>(() => {})
  const followLog = logFile('follow', ['first'])
  pods.push(
    { namespace: 'default', name: 'web-1', uid: 'uid-web-1', podIP: '127.0.0.1', containers: { app: {
      state: { state: 'running', log: { path: logFile('web-1', ['one', 'two', 'three']), ended: never } },
      // The "main process" a test attaches to: greets, then echoes stdin.
      attach: (o) => spawnExec({ command: ['sh', '-c', 'echo attached; cat'], ...o }),
    } } },
    { namespace: 'default', name: 'multi', uid: 'uid-multi', podIP: '127.0.0.1', containers: {
      a: { state: { state: 'running', log: { path: logFile('a', ['from a']), ended: never } } },
      b: { state: { state: 'waiting', reason: 'ContainerCreating' } },
    } },
    { namespace: 'default', name: 'follow', uid: 'uid-follow', podIP: '127.0.0.1', containers: {
      app: { get state() {
        return { state: 'running' as const, log: { path: followLog, ended: new Promise<void>((resolve) => followEnded.push(resolve)) } }
      } },
    } },
  )
  kubelet = await startKubeletServer({ backend: testBackend(pods), logger: pino({ level: 'silent' }) })

  apiserver = await startApiserverProcess({ storage: 'memory' })
  api = apiClient(apiserver.url)
  const node = await api.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } })
  const status = { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } }
  expect((await api.put('/api/v1/nodes/node-1/status', { ...node, status })).status).toBe(200)
  await createPod('web-1', ['app'])
  await createPod('multi', ['a', 'b'])
  await createPod('follow', ['app'])
}, 60_000)

afterAll(async () => {
  followEnded.forEach((end) => end())
  await apiserver?.cleanup()
  await kubelet?.close()
  target?.closeAllConnections()
  await new Promise((resolve) => target?.close(resolve))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the apiserver proxy to the kubelet', () => {
  it('serves pods/log with upstream errors', async () => {
    const ok = await api.get('/api/v1/namespaces/default/pods/web-1/log', { query: { tailLines: 2 } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(ok.text).toBe('two\nthree\n')

    const several = await api.get('/api/v1/namespaces/default/pods/multi/log')
    expect(several.status).toBe(400)
    expect(several.body.message).toBe('a container name must be specified for pod multi, choose one of: [a b]')

    const waiting = await api.get('/api/v1/namespaces/default/pods/multi/log', { query: { container: 'b' } })
    expect(waiting.status).toBe(400)
    expect(waiting.body).toMatchObject({ reason: 'BadRequest', message: 'container "b" in pod "multi" is waiting to start: ContainerCreating' })

    const previous = await api.get('/api/v1/namespaces/default/pods/web-1/log', { query: { previous: true } })
    expect(previous.body.message).toBe('previous terminated container "app" in pod "web-1" not found')

    const invalid = await api.get('/api/v1/namespaces/default/pods/web-1/log', { query: { tailLines: -1 } })
    expect(invalid.status).toBe(422)
    expect(invalid.body.message).toBe('PodLogOptions "web-1" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0')

    expect((await api.get('/api/v1/namespaces/default/pods/nope/log')).status).toBe(404)
  })

  it('lists the kubelet subresources in discovery', async () => {
    const doc = await api.read('/api/v1')
    const names = doc.resources.map((r: { name: string }) => r.name)
    expect(names).toEqual(expect.arrayContaining(['pods/log', 'pods/exec', 'pods/attach', 'pods/portforward', 'nodes/proxy']))
  })

  it('proxies nodes/<name>/proxy to the kubelet', async () => {
    const res = await api.get('/api/v1/nodes/node-1/proxy/pods')
    expect(res.status).toBe(200)
    expect(res.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web-1', 'multi', 'follow'])
    expect((await api.get('/api/v1/nodes/node-1/proxy/healthz')).text).toBe('ok')
  })
})

describe.each(kubectlVersions())('kubectl $name logs, exec, cp and port-forward', ({ binary }) => {
  const kubectl = () => kubectlFor(binary, apiserver.url)

  it('kubectl logs, --tail, --timestamps', async () => {
    const k = kubectl()
    expect(await k.ok(['logs', 'web-1'])).toBe('one\ntwo\nthree\n')
    expect(await k.ok(['logs', 'web-1', '--tail=1'])).toBe('three\n')
    expect(await k.ok(['logs', 'pod/web-1', '--timestamps', '--tail=1'])).toBe('2024-01-01T00:00:02.000000000Z three\n')
    const waiting = await k(['logs', 'multi', '-c', 'b'])
    expect(waiting.code).toBe(1)
    expect(waiting.stderr).toContain('Error from server (BadRequest): container "b" in pod "multi" is waiting to start: ContainerCreating')
  })

  it('kubectl logs -f follows until the container ends', async () => {
    const k = kubectl()
    const path = join(dir, 'follow.log')
    const running = k.start(['logs', '-f', 'follow'])
    await running.waitForOutput(/first\n/)
    const line = `more ${Date.now()}`
    appendFileSync(path, formatCriLine(new Date(), 'stdout', line))
    await running.waitForOutput(new RegExp(line))
    followEnded.shift()?.()
    const result = await running.done
    expect(result.code).toBe(0)
  })

  it('kubectl exec prints the output and exits with the command\'s code', async () => {
    const k = kubectl()
    const r = await k(['exec', 'web-1', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3'])
    expect(r.stdout).toBe('hi\n')
    expect(r.stderr).toContain('oops\n')
    expect(r.stderr).toContain('command terminated with exit code 3')
    expect(r.code).toBe(3)
    expect(await k.ok(['exec', 'web-1', '-c', 'app', '--', 'echo', 'ok'])).toBe('ok\n')
  })

  it('kubectl exec -i passes stdin and ends it', async () => {
    const k = kubectl()
    const out = await k.ok(['exec', '-i', 'web-1', '--', 'sh', '-c', 'tr a-z A-Z; echo done'], { input: 'hello stdin\n' })
    expect(out).toBe('HELLO STDIN\ndone\n')
  })

  it('kubectl exec into a container that is not running fails like upstream', async () => {
    // The WebSocket upgrade fails, kubectl retries with SPDY and prints that answer.
    const r = await kubectl()(['exec', 'multi', '-c', 'b', '--', 'true'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('error: unable to upgrade connection: container not found ("b")\n')
  })

  it('kubectl cp copies a file out of the pod (tar through exec)', async () => {
    const k = kubectl()
    const src = join(dir, `cp-src-${binary.length}-${Date.now()}`)
    mkdirSync(src)
    writeFileSync(join(src, 'data.txt'), 'copied through exec\n')
    const dest = join(dir, `cp-dest-${Date.now()}.txt`)
    await k.ok(['cp', `web-1:${src}/data.txt`, dest])
    expect(readFileSync(dest, 'utf8')).toBe('copied through exec\n')
  })

  it('kubectl attach -i connects to the main process', async () => {
    const out = await kubectl().ok(['attach', '-i', 'web-1', '-c', 'app'], { input: 'echoed\n' })
    expect(out).toContain('attached\nechoed\n')
  })

  it('kubectl port-forward carries TCP to the pod', async () => {
    const k = kubectl()
    // -v=4 shows a fallback from the WebSocket tunnel to plain SPDY, which must not happen.
    const running = k.start(['port-forward', '-v=4', 'pod/web-1', `:${targetPort}`])
    try {
      await running.waitForOutput(/Forwarding from 127\.0\.0\.1:\d+/)
      const local = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(running.stdout)![1])
      for (const path of ['/a', '/b']) {
        const body = await waitFor(`a response through the forward to ${path}`, async () => (await fetch(`http://127.0.0.1:${local}${path}`)).text())
        expect(body).toBe(`hello from the pod: ${path}`)
      }
      // Megabytes both ways at once: nothing waits for SPDY flow control.
      const [a, b] = await Promise.all([fetch(`http://127.0.0.1:${local}/big`), fetch(`http://127.0.0.1:${local}/big`)])
      expect((await a.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024)
      expect((await b.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024)
      expect(running.stderr).not.toMatch(/fallback/i)
    } finally {
      running.kill()
    }
  })

  it('kubectl port-forward reports a port nothing listens on', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer()
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port
        s.close(() => resolve(port))
      })
    })
    const running = kubectl().start(['port-forward', 'pod/web-1', `:${closed}`])
    try {
      await running.waitForOutput(/Forwarding from 127\.0\.0\.1:\d+/)
      const local = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(running.stdout)![1])
      await fetch(`http://127.0.0.1:${local}/`).catch(() => undefined)
      await running.waitForOutput(new RegExp(`error forwarding port ${closed} to pod default/web-1, uid uid-web-1: connect ECONNREFUSED`))
    } finally {
      running.kill()
    }
  })
})
