// What a probe does once: an HTTP GET, a TCP connect, or a command in the
// container, each reporting success or failure with the output upstream's
// probers give (pkg/probe/{http,tcp,exec}), which becomes the text of the
// Unhealthy event. Network errors are rendered as Go's net/http and net
// errors read, e.g. `Get "http://10.1.2.3:8080/healthz": dial tcp
// 10.1.2.3:8080: connect: connection refused`.
import * as http from 'node:http'
import * as https from 'node:https'
import { connect } from 'node:net'
import { goQuote } from '../../shared/name-validation.ts'

/** The outcome of one run. `warning` counts as success but is reported (an HTTP redirect that was not followed). */
export interface ProbeOutcome {
  result: 'success' | 'warning' | 'failure'
  output: string
}

/**
 * Runs a probe once. signal aborts when timeoutSeconds have passed: the
 * action must then resolve with its timeout failure. Throwing means the
 * probe could not be run at all (an errored probe: retried, reported, and
 * leaving the result as it was).
 */
export type ProbeAction = (signal: AbortSignal) => Promise<ProbeOutcome>

/** Runs command in the container; the kubelet maps it to runtime.exec and collects stdout and stderr together. */
export type ExecInContainer = (command: string[], options: { signal: AbortSignal }) => Promise<{ exitCode: number; output: string }>

/** Upstream keeps at most 10 KiB of a probe's output or response body. */
const maxOutputLength = 10 * 1024

/** @default 'kube-probe/1.34', the User-Agent upstream sends unless the probe sets one. */
export const defaultUserAgent = 'kube-probe/1.34'

export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Go's text for a failed dial or read. */
function netErrorText(err: NodeJS.ErrnoException & { address?: string; port?: number }, address: string): string {
  const at = err.address ? joinHostPort(err.address, err.port ?? '') : address
  switch (err.code) {
    case 'ECONNREFUSED': return `dial tcp ${at}: connect: connection refused`
    case 'EHOSTUNREACH': return `dial tcp ${at}: connect: no route to host`
    case 'ENETUNREACH': return `dial tcp ${at}: connect: network is unreachable`
    case 'ETIMEDOUT': return `dial tcp ${at}: i/o timeout`
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `dial tcp: lookup ${address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')}: no such host`
    case 'ECONNRESET': return 'EOF'
    default: return err.message
  }
}

/**
 * A container port by number, by name from the container's ports, or a
 * number written as a string, as upstream's probe port lookup: an unknown
 * name fails with Go's strconv.Atoi error.
 */
export function resolveProbePort(port: number | string | undefined, ports: ReadonlyArray<{ name?: string; containerPort?: number }> | undefined): number {
  let value: number
  if (typeof port === 'number') value = port
  else {
    const text = port ?? ''
    const named = ports?.find((p) => p.name === text)
    if (named) value = named.containerPort ?? 0
    else if (/^[+-]?\d+$/.test(text)) value = Number(text)
    else throw new Error(`strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`)
  }
  if (value > 0 && value < 65536) return value
  throw new Error(`invalid port number: ${value}`)
}

/** The URL as Go prints it: the port always shown, a relative path given its `/`. */
export function probeURL(scheme: string | undefined, host: string, port: number, path: string | undefined): string {
  const p = !path ? '' : path.startsWith('/') ? path : `/${path}`
  return `${(scheme || 'HTTP').toLowerCase()}://${joinHostPort(host, port)}${p}`
}

interface HttpResponse {
  status: number
  location?: string
  body: string
}

function getOnce(url: URL, headers: Array<[string, string]>, signal: AbortSignal): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http
    // Repeated names go out as repeated headers; Host, which Go takes from the first value, as one.
    const outgoing: Record<string, string | string[]> = {}
    for (const [name, value] of headers) {
      const seen = outgoing[name]
      if (name.toLowerCase() === 'host') outgoing[name] ??= value
      else outgoing[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
    }
    const req = client.request({
      method: 'GET',
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: outgoing,
      // One connection per probe, as upstream disables keep-alives; probes skip TLS verification as upstream does.
      agent: false,
      rejectUnauthorized: false,
      signal,
    })
    req.on('error', reject)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size >= maxOutputLength) return
        chunks.push(chunk)
        size += chunk.length
        if (size >= maxOutputLength) res.destroy()
      })
      const done = () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).subarray(0, maxOutputLength).toString('utf8') })
      res.on('end', done)
      res.on('close', done)
      res.on('error', reject)
    })
    req.end()
  })
}

const followed = new Set([301, 302, 303, 307, 308])

/**
 * upstream's HTTP probe: 2xx succeeds; a redirect to the same host is
 * followed (at most 10 requests); one to another host is not, and counts as
 * success with a warning; anything else fails with its status code.
 */
export async function httpProbe(url: string, headerList: ReadonlyArray<{ name?: string; value?: string }> | undefined, signal: AbortSignal): Promise<ProbeOutcome> {
  const headers: Array<[string, string]> = (headerList ?? []).map((h) => [h.name ?? '', h.value ?? ''])
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name.toLowerCase())
  if (!has('User-Agent')) headers.push(['User-Agent', defaultUserAgent])
  if (!has('Accept')) headers.push(['Accept', '*/*'])
  const first = new URL(url)
  let current = first
  let shown = url
  for (let requests = 1; ; requests++) {
    let res: HttpResponse
    try {
      res = await getOnce(current, headers, signal)
    } catch (err) {
      if (signal.aborted) return { result: 'failure', output: `Get ${goQuote(shown)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }
      return { result: 'failure', output: `Get ${goQuote(shown)}: ${netErrorText(err as NodeJS.ErrnoException, current.host)}` }
    }
    if (followed.has(res.status) && res.location) {
      const next = new URL(res.location, current)
      if (next.hostname === first.hostname) {
        if (requests >= 10) return { result: 'failure', output: `Get ${goQuote(next.href)}: stopped after 10 redirects` }
        current = next
        shown = next.href
        continue
      }
    }
    if (res.status >= 200 && res.status < 300) return { result: 'success', output: res.body }
    if (res.status >= 300 && res.status < 400) return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` }
    return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` }
  }
}

/** upstream's TCP probe: success when a connection opens. */
export function tcpProbe(host: string, port: number, signal: AbortSignal): Promise<ProbeOutcome> {
  const address = joinHostPort(host, port)
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const finish = (outcome: ProbeOutcome) => {
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(outcome)
    }
    const onAbort = () => finish({ result: 'failure', output: `dial tcp ${address}: i/o timeout` })
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort)
    socket.once('connect', () => finish({ result: 'success', output: '' }))
    socket.once('error', (err) => finish({ result: 'failure', output: netErrorText(err, address) }))
  })
}

/**
 * upstream's exec probe: exit code 0 succeeds, any other fails with the
 * command's output; running past the timeout fails with
 * `command "<argv joined by spaces>" timed out`.
 */
export async function execProbe(exec: ExecInContainer, command: string[], signal: AbortSignal): Promise<ProbeOutcome> {
  const timedOut: ProbeOutcome = { result: 'failure', output: `command ${goQuote(command.join(' '))} timed out` }
  if (signal.aborted) return timedOut
  let onAbort = () => {}
  const aborted = new Promise<ProbeOutcome>((resolve) => {
    onAbort = () => resolve(timedOut)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([
      exec(command, { signal }).then(({ exitCode, output }): ProbeOutcome => ({
        result: exitCode === 0 ? 'success' : 'failure',
        output: output.length > maxOutputLength ? output.slice(0, maxOutputLength) : output,
      })),
      aborted,
    ])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
