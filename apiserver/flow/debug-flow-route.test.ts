// /debug/flow on an apiserver in this process: the lines of one pod's
// requests and watch events in the order they happened, the filters, SSE,
// and nothing left subscribed once the reader goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startApiserver, type RunningApiserver } from '../apiserver.ts'
import { waitFor } from '../../test/support/wait-for.ts'

const kubectlUA = 'kubectl/v1.32.2 (linux/amd64) kubernetes/67a30c0'
const schedulerUA = 'kubeling-scheduler/0.1.0'
const kubeletUA = 'kubeling-kubelet/0.1.0 (node-1)'

interface Reader {
  text(): string
  close(): void
}

/** Reads a streaming response into a string until closed. */
async function read(url: string, headers: Record<string, string> = {}): Promise<Reader & { contentType: string | null }> {
  const abort = new AbortController()
  const res = await fetch(url, { headers, signal: abort.signal })
  expect(res.status).toBe(200)
  let text = ''
  const decoder = new TextDecoder()
  void (async () => {
    try {
      for await (const chunk of res.body!) text += decoder.decode(chunk, { stream: true })
    } catch {
      // aborted
    }
  })()
  return { text: () => text, close: () => abort.abort(), contentType: res.headers.get('content-type') }
}

async function send(url: string, method: string, userAgent: string, body?: unknown, contentType = 'application/json'): Promise<number> {
  const res = await fetch(url, { method, headers: { 'user-agent': userAgent, 'content-type': contentType }, body: body === undefined ? undefined : JSON.stringify(body) })
  await res.arrayBuffer()
  return res.status
}

const pod = (name: string, namespace = 'default') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })
const binding = (name: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'node-1' } })
const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''))

describe('/debug/flow', () => {
  let server: RunningApiserver
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-flow-'))
  let logged = ''
  const watches: Reader[] = []

  beforeAll(async () => {
    server = await startApiserver({
      port: 0, bindAddress: '127.0.0.1', storage: 'memory', dataDir,
      logger: pino({ level: 'info' }, { write: (s: string) => void (logged += s) }),
      bootstrapKubeProxy: false,
    })
    // A scheduler's watch of unbound pods and a kubelet's of its node's, as the real ones open them.
    watches.push(await read(`${server.url}/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3D`, { 'user-agent': schedulerUA }))
    watches.push(await read(`${server.url}/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dnode-1`, { 'user-agent': kubeletUA }))
  })
  afterAll(async () => {
    for (const w of watches) w.close()
    await server?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('streams one pod\'s life as text lines, each cause before its effects', async () => {
    const flow = await read(`${server.url}/debug/flow?name=nginx`)
    expect(flow.contentType).toMatch(/^text\/plain/)
    try {
      expect(await send(`${server.url}/api/v1/namespaces/default/pods`, 'POST', kubectlUA, pod('nginx'))).toBe(201)
      expect(await send(`${server.url}/api/v1/namespaces/default/pods`, 'POST', kubectlUA, pod('web'))).toBe(201)
      expect(await send(`${server.url}/api/v1/namespaces/default/pods/nginx/binding`, 'POST', schedulerUA, binding('nginx'))).toBe(201)
      expect(await send(`${server.url}/api/v1/namespaces/default/pods/nginx/status`, 'PATCH', kubeletUA, { status: { phase: 'Running' } }, 'application/merge-patch+json')).toBe(200)
      const expected = [
        /^kubectl → apiserver {2}POST \/api\/v1\/namespaces\/default\/pods nginx → 201 rv=(\d+)$/,
        /^apiserver → scheduler {2}watch ADDED pod default\/nginx rv=\d+$/,
        /^scheduler → apiserver {2}POST \/api\/v1\/namespaces\/default\/pods\/nginx\/binding node-1 → 201$/,
        /^apiserver → scheduler {2}watch DELETED pod default\/nginx rv=\d+$/,
        /^apiserver → kubelet\(node-1\) {2}watch ADDED pod default\/nginx rv=\d+$/,
        /^kubelet\(node-1\) → apiserver {2}PATCH \/api\/v1\/namespaces\/default\/pods\/nginx\/status Running → 200 rv=\d+$/,
        /^apiserver → kubelet\(node-1\) {2}watch MODIFIED pod default\/nginx rv=\d+$/,
      ]
      const got = await waitFor('seven flow lines', () => (lines(flow.text()).length >= expected.length ? lines(flow.text()) : undefined))
      expect(got).toHaveLength(expected.length)
      got.forEach((line, i) => expect(line).toMatch(expected[i]))
      // The other pod is filtered out; the JSON request log stays on.
      expect(flow.text()).not.toContain('web')
      expect(logged).toContain('"msg":"request"')
    } finally {
      flow.close()
    }
  })

  it('filters by namespace and frames server-sent events', async () => {
    const flow = await read(`${server.url}/debug/flow?namespace=other`, { accept: 'text/event-stream' })
    expect(flow.contentType).toMatch(/^text\/event-stream/)
    try {
      await send(`${server.url}/api/v1/namespaces/default/pods`, 'POST', kubectlUA, pod('in-default'))
      await send(`${server.url}/api/v1/namespaces`, 'POST', kubectlUA, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } })
      await send(`${server.url}/api/v1/namespaces/other/pods`, 'POST', kubectlUA, pod('in-other', 'other'))
      await waitFor('the create in other', () => flow.text().includes('in-other'))
      expect(flow.text()).toMatch(/^: kubeling flow\n\n/)
      expect(flow.text()).toMatch(/\ndata: \d\d:\d\d:\d\d\.\d{3} kubectl → apiserver {2}POST \/api\/v1\/namespaces\/other\/pods in-other → 201 rv=\d+\n\n/)
      expect(flow.text()).not.toContain('in-default')
      // The Namespace object is cluster-scoped: no namespace to match.
      expect(flow.text()).not.toMatch(/POST \/api\/v1\/namespaces other/)
    } finally {
      flow.close()
    }
  })

  it('lets go of everything when the reader disconnects', async () => {
    await waitFor('no subscriber left from earlier tests', () => server.flow.subscriberCount === 0)
    expect(server.flow.active).toBe(false)
    const a = await read(`${server.url}/debug/flow`)
    const b = await read(`${server.url}/debug/flow?name=x`, { accept: 'text/event-stream' })
    expect(server.flow.subscriberCount).toBe(2)
    expect(server.flow.active).toBe(true)
    a.close()
    b.close()
    await waitFor('both subscriptions gone', () => server.flow.subscriberCount === 0)
    expect(server.flow.active).toBe(false)
  })
})

describe('--log-format flow on the apiserver', () => {
  it('prints flow lines instead of the JSON request log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-flow-'))
    let logged = ''
    const printed: string[] = []
    const server = await startApiserver({
      port: 0, bindAddress: '127.0.0.1', storage: 'memory', dataDir, bootstrapKubeProxy: false,
      logger: pino({ level: 'info' }, { write: (s: string) => void (logged += s) }),
      logFormat: 'flow', printFlow: (line) => printed.push(line),
    })
    try {
      expect(await send(`${server.url}/api/v1/namespaces/default/pods`, 'POST', kubectlUA, pod('nginx'))).toBe(201)
      expect(await send(`${server.url}/api/v1/namespaces/default/pods`, 'POST', kubectlUA, pod('nginx'))).toBe(409)
      expect(lines(printed.join('\n'))).toEqual([
        expect.stringMatching(/^kubectl → apiserver {2}POST \/api\/v1\/namespaces\/default\/pods nginx → 201 rv=\d+$/),
        'kubectl → apiserver  POST /api/v1/namespaces/default/pods → 409 AlreadyExists',
      ])
      expect(logged).not.toContain('"msg":"request"')
    } finally {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
