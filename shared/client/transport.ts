// One keep-alive connection pool to the apiserver, and the only place requests
// are sent: headers, TLS, status-to-error translation, retries with backoff,
// and (with --log-format flow) a flow line per request.
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool, type Dispatcher } from 'undici'
import type { ConnectionConfig } from './kubeconfig.ts'
import { isRetryable, retryDelayMs, type RetryOptions } from './retry-policy.ts'
import { statusErrorFrom } from './status-error.ts'
import { clientFlowFor, type ClientFlow } from '../flow/client-flow.ts'

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  /** @default 'application/json' when there is a body */
  contentType?: string
  signal?: AbortSignal
  /** Streaming responses (watch) must not time out between chunks. */
  stream?: boolean
}

export interface Transport {
  readonly server: string
  /** Where this client's flow lines go, while the process prints them (--log-format flow). */
  readonly flow?: ClientFlow
  /** Sends with retries; resolves with a 2xx response whose body is unread, or throws ClientStatusError. */
  send(req: TransportRequest): Promise<Dispatcher.ResponseData>
  /** Sends and parses the JSON body. */
  json<T>(req: TransportRequest): Promise<T>
  close(): Promise<void>
}

export interface TransportOptions extends ConnectionConfig {
  userAgent: string
  retry?: RetryOptions
  /** Keep-alive connections to hold open. @default 10 */
  connections?: number
}

export function createTransport(options: TransportOptions): Transport {
  const url = new URL(options.server)
  const basePath = url.pathname.replace(/\/+$/, '')
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 10,
    keepAliveTimeout: 30_000,
    connect: url.protocol === 'https:'
      ? { ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: !options.insecureSkipTLSVerify }
      : undefined,
  })
  const maxAttempts = options.retry?.maxAttempts ?? 5
  const flow = clientFlowFor(options.userAgent)

  async function sendOnce(req: TransportRequest): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { 'user-agent': options.userAgent, accept: 'application/json' }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    let body: string | undefined
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
      headers['content-type'] = req.contentType ?? 'application/json'
    }
    const path = basePath + req.path + queryString(req.query)
    let res: Dispatcher.ResponseData
    try {
      res = await pool.request({ method: req.method, path, headers, body, signal: req.signal, ...(req.stream ? { bodyTimeout: 0 } : {}) })
    } catch (err) {
      if (flow !== undefined && !req.signal?.aborted) flow.request(req.method, path, (err as { code?: string }).code ?? 'error')
      throw err
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res
    const text = await res.body.text()
    const retryAfter = res.headers['retry-after']
    const error = statusErrorFrom(res.statusCode, text, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter)
    flow?.request(req.method, path, res.statusCode, req.body, error.status)
    throw error
  }

  /** The flow line of a request that succeeded; `response` is its parsed body, when read. */
  const noteSuccess = (req: TransportRequest, code: number, response?: unknown) =>
    flow!.request(req.method, basePath + req.path + queryString(req.query), code, req.body, response, req.stream ? 'watch' : undefined)

  async function send(req: TransportRequest): Promise<Dispatcher.ResponseData> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await sendOnce(req)
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason ?? err
        if (attempt >= maxAttempts || !isRetryable(req.method, err)) throw err
        await sleep(retryDelayMs(attempt, err, options.retry), undefined, { signal: req.signal }).catch((abort: unknown) => {
          throw req.signal?.reason ?? abort
        })
      }
    }
  }

  return {
    server: options.server,
    flow,
    async send(req: TransportRequest): Promise<Dispatcher.ResponseData> {
      const res = await send(req)
      if (flow !== undefined) noteSuccess(req, res.statusCode)
      return res
    },
    async json<T>(req: TransportRequest): Promise<T> {
      const res = await send(req)
      const text = await res.body.text()
      const value = (text ? JSON.parse(text) : undefined) as T
      if (flow !== undefined) noteSuccess(req, res.statusCode, value)
      return value
    },
    close: () => pool.close(),
  }
}

function queryString(query: TransportRequest['query']): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v))
  const s = params.toString()
  return s ? `?${s}` : ''
}
