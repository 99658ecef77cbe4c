// A curl-like client for end-to-end tests: plain fetch against the
// apiserver, returning status, headers, raw text and the parsed JSON body.
// It never throws on HTTP errors, so tests can assert on Status bodies.

/** A Kubernetes object or Status as decoded JSON; tests index it freely. */
export type Json = any

export interface ApiResponse {
  status: number
  headers: Headers
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: Json
}

export interface RequestOptions {
  /** An object is sent as JSON; a string or Uint8Array is sent as is. */
  body?: unknown
  /** @default 'application/json' when there is a body */
  contentType?: string
  accept?: string
  query?: Record<string, string | number | boolean>
}

export interface ApiClient {
  readonly url: string
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>
  get(path: string, options?: RequestOptions): Promise<ApiResponse>
  post(path: string, body: unknown, options?: RequestOptions): Promise<ApiResponse>
  put(path: string, body: unknown, options?: RequestOptions): Promise<ApiResponse>
  /** PATCH; the content type picks the patch type. */
  patch(path: string, contentType: PatchType, body: unknown, options?: RequestOptions): Promise<ApiResponse>
  delete(path: string, options?: RequestOptions): Promise<ApiResponse>
  /** GET that must answer 200; returns the body. */
  read(path: string): Promise<Json>
  /** POST that must answer 201; returns the body. */
  create(path: string, body: unknown): Promise<Json>
}

export type PatchType = 'application/strategic-merge-patch+json' | 'application/merge-patch+json' | 'application/json-patch+json'

export const strategic: PatchType = 'application/strategic-merge-patch+json'
export const merge: PatchType = 'application/merge-patch+json'
export const jsonPatch: PatchType = 'application/json-patch+json'

export function apiClient(url: string): ApiClient {
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    const target = new URL(path, url)
    for (const [k, v] of Object.entries(options.query ?? {})) target.searchParams.set(k, String(v))
    const headers: Record<string, string> = { 'user-agent': 'kubeling-e2e' }
    let body: string | Uint8Array | undefined
    if (options.body !== undefined) {
      body = typeof options.body === 'string' || options.body instanceof Uint8Array ? options.body : JSON.stringify(options.body)
      headers['content-type'] = options.contentType ?? 'application/json'
    }
    if (options.accept) headers.accept = options.accept
    const res = await fetch(target, { method, headers, body })
    const text = await res.text()
    let parsed: Json
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    return { status: res.status, headers: res.headers, text, body: parsed }
  }
  const expectCode = (res: ApiResponse, code: number, what: string) => {
    if (res.status !== code) throw new Error(`${what}: expected ${code}, got ${res.status}: ${res.text}`)
    return res.body
  }
  return {
    url,
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { ...options, body }),
    put: (path, body, options) => request('PUT', path, { ...options, body }),
    patch: (path, contentType, body, options) => request('PATCH', path, { ...options, body, contentType }),
    delete: (path, options) => request('DELETE', path, options),
    read: async (path) => expectCode(await request('GET', path), 200, `GET ${path}`),
    create: async (path, body) => expectCode(await request('POST', path, { body }), 201, `POST ${path}`),
  }
}

let counter = 0

/** A name unique within this test process, safe as a namespace or object name. */
export function uniqueName(prefix: string): string {
  counter += 1
  return `${prefix}-${process.pid}-${counter}`
}

/** Creates a fresh namespace and returns its name. */
export async function createNamespace(api: ApiClient, prefix = 'e2e'): Promise<string> {
  const name = uniqueName(prefix)
  await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  return name
}
