import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../test/support/apiserver-process.ts'
import { isRetryable, retryDelayMs } from './retry-policy.ts'
import { isTooManyRequests, statusErrorFrom, type ClientStatusError } from './status-error.ts'
import { createTransport, type Transport } from './transport.ts'

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void

describe('retry policy', () => {
  const cleanup: (() => Promise<unknown>)[] = []
  afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c() })

  async function serve(handler: Handler, port = 0): Promise<{ url: string; calls: () => number; server: Server }> {
    let n = 0
    const server = createServer((req, res) => { req.resume(); req.on('end', () => handler(req, res, ++n)) })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    cleanup.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) }))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls: () => n, server }
  }
  function transport(server: string, maxAttempts = 5): Transport {
    const t = createTransport({ server, userAgent: 'kubeling-test/0', retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts } })
    cleanup.push(() => t.close())
    return t
  }
  const ok = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  const status = (res: ServerResponse, code: number, headers: Record<string, string> = {}) =>
    res.writeHead(code, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code }))

  it('retries GET through 429 (honouring Retry-After), 503 and a dropped connection', async () => {
    const seen: number[] = []
    const { url, calls } = await serve((req, res, n) => {
      seen.push(Date.now())
      if (n === 1) return status(res, 429, { 'retry-after': '1' })
      if (n === 2) return status(res, 503)
      if (n === 3) return void res.socket?.destroy()
      expect(req.headers['user-agent']).toBe('kubeling-test/0')
      ok(res)
    })
    // maxDelayMs caps the 1 s Retry-After at 50 ms, so the test stays fast but still waits.
    expect(await transport(url).json({ method: 'GET', path: '/x' })).toEqual({ ok: true })
    expect(calls()).toBe(4)
    expect(seen[1] - seen[0]).toBeGreaterThanOrEqual(45)
  })

  it('gives up after maxAttempts with the last error', async () => {
    const { url, calls } = await serve((_req, res) => status(res, 429))
    const err = await transport(url, 3).json({ method: 'PUT', path: '/x', body: {} }).catch((e: ClientStatusError) => e)
    expect(isTooManyRequests(err)).toBe(true)
    expect(calls()).toBe(3)
  })

  it('does not retry a POST the server received, nor 4xx other than 429', async () => {
    const { url, calls } = await serve((req, res) => status(res, req.method === 'POST' ? 503 : 404))
    await expect(transport(url).json({ method: 'POST', path: '/x', body: {} })).rejects.toMatchObject({ code: 503 })
    await expect(transport(url).json({ method: 'GET', path: '/x' })).rejects.toMatchObject({ code: 404 })
    expect(calls()).toBe(2)
  })

  it('retries a POST whose connection was refused, then sends it once', async () => {
    const port = await freePort()
    const t = transport(`http://127.0.0.1:${port}`, 40)
    const sent = t.json({ method: 'POST', path: '/x', body: {} })
    let calls = () => 0
    setTimeout(() => void serve((_req, res) => ok(res), port).then((s) => (calls = s.calls)), 100)
    expect(await sent).toEqual({ ok: true })
    expect(calls()).toBe(1)
  })

  it('stops backing off when the signal aborts', async () => {
    const { url } = await serve((_req, res) => status(res, 503, { 'retry-after': '30' }))
    const t = createTransport({ server: url, userAgent: 't', retry: { maxDelayMs: 60_000 } })
    cleanup.push(() => t.close())
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('stop')), 50)
    const started = Date.now()
    await expect(t.json({ method: 'GET', path: '/x', signal: controller.signal })).rejects.toThrow('stop')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('classifies errors and spreads delays with jitter', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const reset = new Error('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })
    expect(isRetryable('POST', refused)).toBe(true)
    expect(isRetryable('POST', reset)).toBe(false)
    expect(isRetryable('DELETE', reset)).toBe(true)
    expect(isRetryable('PATCH', statusErrorFrom(500, ''))).toBe(true)
    expect(isRetryable('GET', statusErrorFrom(409, ''))).toBe(false)
    expect(isRetryable('GET', new Error('bug'))).toBe(false)
    expect(retryDelayMs(1, reset, { baseDelayMs: 100 }, () => 0)).toBe(50)
    expect(retryDelayMs(3, reset, { baseDelayMs: 100 }, () => 1)).toBe(400)
    expect(retryDelayMs(20, reset, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 1)).toBe(1000)
    expect(retryDelayMs(1, statusErrorFrom(429, '', '3'))).toBe(3000)
  })
})
