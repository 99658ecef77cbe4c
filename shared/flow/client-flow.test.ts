import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createClient, userAgentFor } from '../client/client.ts'
import { createTransport } from '../client/transport.ts'
import { clientFlowFor, printClientFlow } from './client-flow.ts'

const stamp = /^\d\d:\d\d:\d\d\.\d{3} /
const withoutTime = (lines: string[]) => lines.map((l) => l.replace(stamp, ''))

let server: Server | undefined
afterEach(async () => {
  printClientFlow(undefined)
  if (server) await new Promise((r) => server!.close(r))
  server = undefined
})

/** A stand-in apiserver: a pod status patch, a binding, a 404, and a watch of two events. */
async function fakeApiserver(): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      if (req.method === 'PATCH' && req.url === '/api/v1/namespaces/default/pods/nginx/status') {
        res.end(JSON.stringify({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'nginx', namespace: 'default', resourceVersion: '15' }, status: { phase: 'Running' } }))
      } else if (req.method === 'POST' && req.url === '/api/v1/namespaces/default/pods/nginx/binding') {
        res.statusCode = 201
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 }))
      } else if (req.url?.startsWith('/api/v1/pods?watch=true')) {
        res.write(JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'nginx', namespace: 'default', resourceVersion: '13' } } }) + '\n')
        res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '14' } } }) + '\n')
        res.end(JSON.stringify({ type: 'MODIFIED', object: { kind: 'Pod', metadata: { name: 'nginx', namespace: 'default', resourceVersion: '15' } } }) + '\n')
      } else {
        res.statusCode = 404
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }))
      }
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
}

describe('the client flow', () => {
  it('is off unless the process prints it', () => {
    expect(clientFlowFor(userAgentFor('scheduler'))).toBeUndefined()
    expect(createTransport({ server: 'http://127.0.0.1:1', userAgent: userAgentFor('scheduler') }).flow).toBeUndefined()
  })

  it('prints each request the client makes and each watch event it receives, from its own side', async () => {
    const url = await fakeApiserver()
    const lines: string[] = []
    printClientFlow((line) => lines.push(line))
    const client = createClient({ server: url, userAgent: userAgentFor('kubelet', 'node-1'), retry: { maxAttempts: 1 } })
    try {
      await client.pods.namespace('default').patch('nginx', { status: { phase: 'Running' } }, 'merge', { subresource: 'status' })
      await client.pods.namespace('default').subresource('binding').create('nginx', { kind: 'Binding', metadata: { name: 'nginx' }, target: { kind: 'Node', name: 'node-1' } })
      await expect(client.pods.namespace('default').get('missing')).rejects.toThrow()
      const events: string[] = []
      for await (const e of await client.pods.watch()) events.push(e.type)
      expect(events).toEqual(['ADDED', 'BOOKMARK', 'MODIFIED'])
    } finally {
      await client.close()
    }
    expect(lines.every((l) => stamp.test(l))).toBe(true)
    expect(withoutTime(lines)).toEqual([
      'kubelet(node-1) → apiserver  PATCH /api/v1/namespaces/default/pods/nginx/status Running → 200 rv=15',
      'kubelet(node-1) → apiserver  POST /api/v1/namespaces/default/pods/nginx/binding node-1 → 201',
      'kubelet(node-1) → apiserver  GET /api/v1/namespaces/default/pods/missing → 404 NotFound',
      'kubelet(node-1) → apiserver  GET /api/v1/pods?watch=true → 200 (watch)',
      'apiserver → kubelet(node-1)  watch ADDED pod default/nginx rv=13',
      'apiserver → kubelet(node-1)  watch MODIFIED pod default/nginx rv=15',
    ])
  })

  it('prints a connection failure with its error code', async () => {
    const lines: string[] = []
    printClientFlow((line) => lines.push(line))
    // A port nothing listens on: bind one, then close it.
    const url = await fakeApiserver()
    await new Promise((r) => server!.close(r))
    server = undefined
    const client = createClient({ server: url, userAgent: userAgentFor('scheduler'), retry: { maxAttempts: 1 } })
    try {
      await expect(client.nodes.get('node-1')).rejects.toThrow()
    } finally {
      await client.close()
    }
    expect(withoutTime(lines)).toEqual(['scheduler → apiserver  GET /api/v1/nodes/node-1 → ECONNREFUSED'])
  })
})
