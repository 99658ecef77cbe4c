// The flow format: one readable line per API request and per watch event,
// naming both ends and the object, e.g.
//   kubectl → apiserver  POST /api/v1/namespaces/default/pods nginx → 201 rv=412
//   apiserver → scheduler  watch ADDED pod default/nginx rv=412
// The apiserver (every edge passes it) and each component's client print the
// same lines, so one format lives here for both.

export interface RequestFlow {
  /** Who sent it, as clientName() names it. */
  from: string
  method: string
  /** The URL path; reads keep their (decoded) query, since it says what was asked. */
  target: string
  /** A few words on what the write says: the created name, the bound node, the new phase. */
  detail?: string
  /** The HTTP status, or a connection error's code (ECONNREFUSED). */
  code: number | string
  /** The Status reason of a failure, e.g. NotFound. */
  reason?: string
  /** resourceVersion of the object a write returned. */
  rv?: string
  /** Anything else worth a word, e.g. how long a watch lasted. */
  note?: string
}

export interface WatchFlow {
  /** The watcher, as clientName() names it. */
  to: string
  type: string
  /** Lower-case kind: pod, node, replicaset. */
  kind: string
  namespace?: string
  name: string
  rv?: string
}

export function requestLine(r: RequestFlow): string {
  let line = `${r.from} → apiserver  ${r.method} ${r.target}`
  if (r.detail) line += ` ${r.detail}`
  line += ` → ${r.code}`
  if (r.reason) line += ` ${r.reason}`
  if (r.rv) line += ` rv=${r.rv}`
  if (r.note) line += ` (${r.note})`
  return line
}

export function watchLine(e: WatchFlow): string {
  return `apiserver → ${e.to}  watch ${e.type} ${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}${e.rv ? ` rv=${e.rv}` : ''}`
}

/** Whether a printed line is a flow line (`12:04:05.123 kubectl → apiserver  …`) rather than a log message. */
export function isFlowLine(line: string): boolean {
  return /^\d\d:\d\d:\d\d\.\d{3} \S+ → \S+  /.test(line)
}

/** `12:04:05.123`, local time: lines are read by people watching them happen. */
export function flowTime(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/**
 * The short name of a client, from its User-Agent:
 *   kubectl/v1.32.2 (linux/amd64) kubernetes/67a30c0  → kubectl
 *   kubectl-v35/v1.35.0 (…) (a renamed binary: client-go names the executable) → kubectl
 *   kubeling-scheduler/0.1.0                          → scheduler
 *   kubeling-kubelet/0.1.0 (node-1)                   → kubelet(node-1)
 *   curl/8.5.0, Helm/3.17.0                           → curl, Helm
 * Without a User-Agent, `fallback` (e.g. the remote address).
 */
export function clientName(userAgent: string | undefined, fallback = 'unknown'): string {
  const ua = userAgent?.trim()
  if (!ua) return fallback
  const space = ua.indexOf(' ')
  const token = space < 0 ? ua : ua.slice(0, space)
  const slash = token.indexOf('/')
  const product = (slash < 0 ? token : token.slice(0, slash)).replace(/\.exe$/i, '')
  if (!product) return fallback
  // kubectl kept beside others under a versioned name (kubectl-v35, kubectl1.32) is still kubectl.
  if (/^kubectl[-_.]?v?\d[\w.]*$/.test(product)) return 'kubectl'
  if (!product.startsWith('kubeling-')) return product
  const component = product.slice('kubeling-'.length)
  // Our components name their instance (the kubelet its node) in the comment.
  const instance = /^\(([^()/\s]+)\)/.exec(ua.slice(token.length).trim())?.[1]
  return instance ? `${component}(${instance})` : component
}

/** What an API path addresses, enough for summaries and filters. */
export interface ApiTarget {
  resource?: string
  namespace?: string
  name?: string
  subresource?: string
}

/** `/api/v1/namespaces/default/pods/nginx/status` → pods, default, nginx, status. */
export function apiTarget(path: string): ApiTarget {
  const q = path.indexOf('?')
  const parts = (q < 0 ? path : path.slice(0, q)).split('/').filter(Boolean)
  let segs: string[]
  if (parts[0] === 'api') segs = parts.slice(2)
  else if (parts[0] === 'apis') segs = parts.slice(3)
  else return {}
  if (segs[0] === 'watch') segs = segs.slice(1)
  const decoded = segs.map(safeDecode)
  if (decoded[0] === 'namespaces' && decoded.length >= 3 && !(decoded.length === 3 && (decoded[2] === 'status' || decoded[2] === 'finalize'))) {
    return { namespace: decoded[1], resource: decoded[2], name: decoded[3], subresource: decoded[4] }
  }
  return { resource: decoded[0], name: decoded[1], subresource: decoded[2] }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** The target of a request line: the path, plus the decoded query for reads. */
export function requestTarget(method: string, url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  if (method !== 'GET') return url.slice(0, q)
  return `${url.slice(0, q)}?${safeDecode(url.slice(q + 1).replace(/\+/g, ' '))}`
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A few words on what a write says, from the request body and the object the
 * server answered with: the name a create gave (its path has none), the node
 * a binding names, a pod's new phase, a node's Ready condition, a scale.
 */
export function writeSummary(method: string, target: ApiTarget, requestBody: unknown, response: unknown): string | undefined {
  if (method === 'GET' || method === 'DELETE') return undefined
  const sub = target.subresource
  if (sub === 'binding') {
    const node = isObj(requestBody) && isObj(requestBody.target) ? requestBody.target.name : undefined
    return typeof node === 'string' ? node : undefined
  }
  if (!isObj(response)) return undefined
  if (method === 'POST' && target.name === undefined) {
    const name = isObj(response.metadata) ? response.metadata.name : undefined
    return typeof name === 'string' ? name : undefined
  }
  const status = isObj(response.status) ? response.status : undefined
  if (sub === 'status' && target.resource === 'pods') return typeof status?.phase === 'string' ? status.phase : undefined
  if (sub === 'status' && target.resource === 'nodes') {
    const ready = Array.isArray(status?.conditions) ? status.conditions.find((c) => isObj(c) && c.type === 'Ready') as Obj | undefined : undefined
    return ready ? `Ready=${String(ready.status)}` : undefined
  }
  if (sub === 'scale') {
    const replicas = isObj(response.spec) ? response.spec.replicas : undefined
    return typeof replicas === 'number' ? `replicas=${replicas}` : undefined
  }
  if (sub === 'status' && status && typeof status.replicas === 'number') {
    return `replicas=${status.replicas} ready=${typeof status.readyReplicas === 'number' ? status.readyReplicas : 0}`
  }
  return undefined
}

/** The resourceVersion of a returned object; lists and Status have none worth showing. */
export function responseVersion(response: unknown): string | undefined {
  if (!isObj(response) || response.kind === 'Status' || !isObj(response.metadata)) return undefined
  if (typeof response.kind === 'string' && response.kind.endsWith('List')) return undefined
  const rv = response.metadata.resourceVersion
  return typeof rv === 'string' ? rv : undefined
}

/** The reason of a failure Status, e.g. NotFound, AlreadyExists. */
export function failureReason(response: unknown): string | undefined {
  return isObj(response) && response.kind === 'Status' && typeof response.reason === 'string' && response.reason ? response.reason : undefined
}
