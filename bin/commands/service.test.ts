import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatServiceTable, runService, serviceURLs, type ServiceObject } from './service.ts'

const web: ServiceObject = {
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    type: 'NodePort',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
      { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
      { port: 8443, nodePort: 31443 },
    ],
  },
}

describe('serviceURLs', () => {
  it('gives one URL per TCP node port and node IP, ports first', () => {
    expect(serviceURLs(web, ['127.0.1.1', '127.0.1.2'])).toEqual([
      { namespace: 'shop', name: 'web', port: 'http/80', url: 'http://127.0.1.1:30080' },
      { namespace: 'shop', name: 'web', port: 'http/80', url: 'http://127.0.1.2:30080' },
      { namespace: 'shop', name: 'web', port: '8443', url: 'http://127.0.1.1:31443' },
      { namespace: 'shop', name: 'web', port: '8443', url: 'http://127.0.1.2:31443' },
    ])
  })

  it('refuses a Service without node ports, naming its type', () => {
    const clusterIP: ServiceObject = { metadata: { name: 'db', namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 5432 }] } }
    expect(() => serviceURLs(clusterIP, ['127.0.1.1'])).toThrow('service default/db has no node port (type ClusterIP)')
  })

  it('refuses when no node has an IP', () => {
    expect(() => serviceURLs(web, [])).toThrow('no node has an InternalIP')
  })
})

describe('formatServiceTable', () => {
  it('draws minikube\'s boxed table with the port right-aligned', () => {
    expect(formatServiceTable(serviceURLs(web, ['127.0.1.1']))).toBe([
      '|-----------|------|-------------|------------------------|',
      '| NAMESPACE | NAME | TARGET PORT |          URL           |',
      '|-----------|------|-------------|------------------------|',
      '| shop      | web  |     http/80 | http://127.0.1.1:30080 |',
      '| shop      | web  |        8443 | http://127.0.1.1:31443 |',
      '|-----------|------|-------------|------------------------|',
      '',
    ].join('\n'))
  })
})

describe('runService against an apiserver', () => {
  let server: Server
  let url: string
  const nodes = {
    kind: 'NodeList', metadata: {},
    items: [
      { metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.1.1' }, { type: 'Hostname', address: 'node-1' }] } },
      { metadata: { name: 'sim-0000' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.1.200' }] } },
      { metadata: { name: 'sim-0001' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.1.200' }] } },
    ],
  }
  const services: Record<string, unknown> = {
    '/api/v1/namespaces/shop/services/web': web,
    '/api/v1/namespaces/default/services/db': { metadata: { name: 'db', namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 5432 }] } },
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      const body = path === '/api/v1/nodes' ? nodes : services[path]
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const run = async (argv: string[]) => {
    let out = ''
    let err = ''
    const code = await runService(argv, {}, { out: (t) => (out += t), err: (t) => (err += t) })
    return { code, out, err }
  }

  it('prints the URLs, one per distinct node IP, with --url', async () => {
    expect(await run(['web', '-n', 'shop', '--url', '--server', url])).toEqual({
      code: 0, err: '',
      out: 'http://127.0.1.1:30080\nhttp://127.0.1.200:30080\nhttp://127.0.1.1:31443\nhttp://127.0.1.200:31443\n',
    })
  })

  it('prints the table without --url', async () => {
    const { code, out } = await run(['web', '--namespace=shop', '--server', url])
    expect(code).toBe(0)
    expect(out).toContain('| shop      | web  |     http/80 | http://127.0.1.200:30080 |')
  })

  it('exits 1 with a clear error for a missing Service', async () => {
    expect(await run(['nope', '--server', url])).toEqual({ code: 1, out: '', err: 'Error: service "nope" not found in namespace "default"\n' })
  })

  it('exits 1 for a Service without node ports', async () => {
    const { code, err } = await run(['db', '--server', url])
    expect(code).toBe(1)
    expect(err).toMatch(/^Error: service default\/db has no node port/)
  })

  it('exits 1 when nothing listens at the server', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const { code, err } = await run(['web', '--server', `http://127.0.0.1:${port}`])
    expect(code).toBe(1)
    expect(err).toContain(`cannot reach the apiserver at http://127.0.0.1:${port}: connection refused`)
  })

  it('refuses a command line without exactly one name', async () => {
    await expect(run(['--server', url])).rejects.toThrow('takes one Service name')
    await expect(run(['a', 'b'])).rejects.toThrow('takes one Service name')
    await expect(run(['web', '--bogus'])).rejects.toThrow("Unknown option '--bogus'")
  })
})
