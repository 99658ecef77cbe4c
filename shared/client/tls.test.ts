// HTTPS as a kubeconfig describes it: CA verification, client certificates,
// bearer token and insecure-skip-tls-verify, against a local TLS server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from './client.ts'

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata')
const read = (f: string) => readFileSync(join(testdata, f), 'utf8')

describe('client over TLS', () => {
  let server: Server
  let url: string
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeling-tls-'))
    server = createServer({ key: read('server.key'), cert: read('server.crt'), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ metadata: { name: 'n' }, clientCN: peer?.subject?.CN ?? null, authorization: req.headers.authorization ?? null }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  function kubeconfig(cluster: string, user: string): string {
    const path = join(dir, `config-${Math.random().toString(36).slice(2)}`)
    writeFileSync(path, `current-context: c\nclusters:\n- name: k\n  cluster:\n    server: ${url}\n${cluster}\ncontexts:\n- name: c\n  context: { cluster: k, user: u }\nusers:\n- name: u\n  user:\n${user}\n`)
    return path
  }

  it('verifies the server with the CA and presents the client certificate and token', async () => {
    const b64 = (f: string) => Buffer.from(read(f)).toString('base64')
    const client = createClient({
      userAgent: 'kubeling-test/0',
      kubeconfig: kubeconfig(`    certificate-authority: ${join(testdata, 'ca.crt')}`,
        `    token: abc\n    client-certificate-data: ${b64('client.crt')}\n    client-key-data: ${b64('client.key')}`),
    })
    try {
      expect(await client.nodes.get('n')).toMatchObject({ clientCN: 'kubeling-scheduler', authorization: 'Bearer abc' })
    } finally {
      await client.close()
    }
  })

  it('rejects an unknown server certificate unless insecure-skip-tls-verify is set', async () => {
    const strict = createClient({ userAgent: 't', kubeconfig: kubeconfig('', '    token: x'), retry: { maxAttempts: 1 } })
    const lax = createClient({ userAgent: 't', kubeconfig: kubeconfig('    insecure-skip-tls-verify: true', '    token: x') })
    try {
      await expect(strict.nodes.get('n')).rejects.toThrow(/certificate/)
      expect(await lax.nodes.get('n')).toMatchObject({ clientCN: null })
    } finally {
      await strict.close()
      await lax.close()
    }
  })
})
