import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../shared/clock.ts'
import type { Container, Pod, Probe } from '../../shared/core-types.ts'
import { execProbe, httpProbe, probeURL, resolveProbePort, tcpProbe } from './probe-actions.ts'
import { ContainerProbes, Prober, probeAction, type ProbeEvent, type ProbeOutcome, type ProbeResult, type ProbeType } from './probes.ts'

/** An action whose outcomes a test scripts; it records when it ran. */
function scripted(...outcomes: Array<ProbeOutcome | Error>) {
  const runs: number[] = []
  let next = 0
  return {
    runs,
    push: (...more: Array<ProbeOutcome | Error>) => outcomes.push(...more),
    action: (clock: FakeClock) => async () => {
      runs.push(clock.now())
      const outcome = outcomes[Math.min(next++, outcomes.length - 1)]
      if (outcome instanceof Error) throw outcome
      return outcome
    },
  }
}
const ok: ProbeOutcome = { result: 'success', output: '' }
const bad = (output = 'HTTP probe failed with statuscode: 500'): ProbeOutcome => ({ result: 'failure', output })

function prober(clock: FakeClock, type: ProbeType, probe: Probe, action: () => Promise<ProbeOutcome>) {
  const changes: ProbeResult[] = []
  const events: ProbeEvent[] = []
  const p = new Prober({ type, probe, action, clock, startedAt: clock.now(), onChange: (r) => changes.push(r), onEvent: (e) => events.push(e) })
  return { p, changes, events }
}

describe('Prober', () => {
  it('runs at once, then every period, and waits out initialDelaySeconds', async () => {
    const clock = new FakeClock(1_000_000)
    const s = scripted(ok)
    const { p } = prober(clock, 'Readiness', { periodSeconds: 5, initialDelaySeconds: 7 }, s.action(clock))
    p.start()
    await clock.advance(21_000)
    // Ticks at 0, 5, 10, 15, 20 s; the first two fall inside the initial delay.
    expect(s.runs.map((t) => (t - 1_000_000) / 1000)).toEqual([10, 15, 20])
    p.stop()
    await clock.advance(60_000)
    expect(s.runs).toHaveLength(3)
    expect(clock.pending()).toBe(0)
  })

  it('starts from the type\'s initial result and changes only at the thresholds', async () => {
    const clock = new FakeClock()
    const s = scripted(ok, ok, bad(), bad(), ok, bad(), bad(), bad())
    const { p, changes, events } = prober(clock, 'Readiness', { periodSeconds: 1, successThreshold: 2, failureThreshold: 3 }, s.action(clock))
    expect(p.result).toBe('failure')
    p.start()
    await clock.advance(0)
    expect(p.result).toBe('failure')
    await clock.advance(1000)
    expect(p.result).toBe('success')
    await clock.advance(3000)
    // fail, fail, ok: the failure run is broken before its threshold.
    expect(p.result).toBe('success')
    await clock.advance(3000)
    expect(p.result).toBe('failure')
    expect(changes).toEqual(['success', 'failure'])
    expect(events.filter((e) => e.reason === 'Unhealthy')).toHaveLength(5)
    expect(events[0]).toEqual({ type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 500' })
    p.stop()
  })

  it('holds liveness after it fails', async () => {
    const clock = new FakeClock()
    const s = scripted(bad('boom'))
    const { p, changes, events } = prober(clock, 'Liveness', { periodSeconds: 10, failureThreshold: 2 }, s.action(clock))
    expect(p.result).toBe('success')
    p.start()
    await clock.advance(10_000)
    expect(changes).toEqual(['failure'])
    expect(events.map((e) => e.message)).toEqual(['Liveness probe failed: boom', 'Liveness probe failed: boom'])
    await clock.advance(100_000)
    expect(s.runs).toHaveLength(2)
    p.stop()
  })

  it('retries an erroring action 3 times, reports it and keeps the result', async () => {
    const clock = new FakeClock()
    const s = scripted(new Error('strconv.Atoi: parsing "http": invalid syntax'))
    const { p, changes, events } = prober(clock, 'Readiness', { periodSeconds: 10 }, s.action(clock))
    p.start()
    await clock.advance(10_000)
    expect(s.runs).toHaveLength(6)
    expect(changes).toEqual([])
    expect(p.result).toBe('failure')
    expect(events).toEqual([
      { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax' },
      { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax' },
    ])
    p.stop()
  })

  it('reports warnings and counts them as success', async () => {
    const clock = new FakeClock()
    const s = scripted({ result: 'warning', output: 'Probe terminated redirects, Response body: moved' })
    const { p, events } = prober(clock, 'Readiness', {}, s.action(clock))
    p.start()
    await clock.advance(0)
    expect(p.result).toBe('success')
    expect(events).toEqual([{ type: 'Warning', reason: 'ProbeWarning', message: 'Readiness probe warning: Probe terminated redirects, Response body: moved' }])
    p.stop()
  })

  it('aborts a run after timeoutSeconds on its clock and skips ticks while it runs', async () => {
    const clock = new FakeClock()
    let runs = 0
    const action = (signal: AbortSignal) => {
      runs++
      return new Promise<ProbeOutcome>((resolve) => signal.addEventListener('abort', () => resolve(bad('command "sleep 30" timed out'))))
    }
    const events: ProbeEvent[] = []
    const p = new Prober({ type: 'Liveness', probe: { periodSeconds: 1, timeoutSeconds: 3 }, action, clock, startedAt: 0, onEvent: (e) => events.push(e) })
    p.start()
    await clock.advance(2999)
    expect(events).toEqual([])
    // The ticks at 1 s and 2 s found it still running.
    expect(runs).toBe(1)
    await clock.advance(1)
    expect(events.map((e) => e.message)).toEqual(['Liveness probe failed: command "sleep 30" timed out'])
    p.stop()
  })
})

describe('ContainerProbes', () => {
  const pod: Pod = { metadata: { name: 'web-1', namespace: 'shop' } }

  function container(probes: Partial<Record<'startupProbe' | 'livenessProbe' | 'readinessProbe', Probe>>): Container {
    return { name: 'app', ...probes }
  }

  it('gates liveness and readiness on the startup probe, then probes readiness at once', async () => {
    const clock = new FakeClock()
    const startup = scripted(bad('not yet'), bad('not yet'), ok)
    const liveness = scripted(ok)
    const readiness = scripted(ok)
    const scripts = { Startup: startup, Liveness: liveness, Readiness: readiness }
    const changes: string[] = []
    const probes = new ContainerProbes({
      pod, podIP: '10.0.0.2', exec: async () => ({ exitCode: 0, output: '' }), clock, startedAt: 0,
      container: container({ startupProbe: { periodSeconds: 2, failureThreshold: 30 }, livenessProbe: { periodSeconds: 10 }, readinessProbe: { periodSeconds: 10 } }),
      actionFor: (type) => scripts[type].action(clock),
      onChange: (type, result) => changes.push(`${type}=${result}`),
    })
    probes.start()
    expect(probes.started).toBe(false)
    expect(probes.ready).toBe(false)
    await clock.advance(3999)
    expect(liveness.runs).toEqual([])
    expect(readiness.runs).toEqual([])
    await clock.advance(1)
    expect(startup.runs).toEqual([0, 2000, 4000])
    expect(probes.started).toBe(true)
    // Readiness ran right away, liveness waits for its next tick.
    expect(readiness.runs).toEqual([4000])
    expect(probes.ready).toBe(true)
    await clock.advance(16_000)
    expect(liveness.runs).toEqual([10_000, 20_000])
    expect(startup.runs).toHaveLength(3)
    expect(changes).toEqual(['Startup=success', 'Readiness=success'])
    expect(probes.live).toBe(true)
    probes.stop()
    expect(clock.pending()).toBe(0)
  })

  it('fails startup after failureThreshold and says the container is not live', async () => {
    const clock = new FakeClock()
    const startup = scripted(bad('connection refused'))
    const probes = new ContainerProbes({
      pod, podIP: '10.0.0.2', exec: async () => ({ exitCode: 0, output: '' }), clock, startedAt: 0,
      container: container({ startupProbe: { periodSeconds: 1, failureThreshold: 3 }, livenessProbe: {} }),
      actionFor: () => startup.action(clock),
    })
    probes.start()
    await clock.advance(2000)
    expect(probes.startup?.result).toBe('failure')
    expect(probes.live).toBe(false)
    expect(probes.started).toBe(false)
    probes.stop()
  })

  it('is ready and started without probes, and settles liveness on termination', async () => {
    const clock = new FakeClock()
    const none = new ContainerProbes({ pod, podIP: '', exec: async () => ({ exitCode: 0, output: '' }), clock, startedAt: 0, container: container({}) })
    expect([none.started, none.ready, none.live]).toEqual([true, true, true])
    const failing = scripted(bad())
    const probes = new ContainerProbes({
      pod, podIP: '', exec: async () => ({ exitCode: 0, output: '' }), clock, startedAt: 0,
      container: container({ livenessProbe: { periodSeconds: 1, failureThreshold: 2 } }),
      actionFor: () => failing.action(clock),
    })
    probes.start()
    await clock.advance(0)
    probes.terminating()
    await clock.advance(10_000)
    expect(probes.live).toBe(true)
    expect(failing.runs).toHaveLength(1)
  })
})

describe('probe actions', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
  })

  async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise((resolve) => server.close(() => resolve())))
    return (server.address() as AddressInfo).port
  }

  /** A port nothing listens on: bound, then released. */
  async function closedPort(): Promise<number> {
    const server = createTcpServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise((resolve) => server.close(resolve))
    return port
  }

  const never = new AbortController().signal

  it('HTTP: 2xx succeeds, 5xx fails with the status code, headers are sent', async () => {
    const seen: Record<string, unknown>[] = []
    const server = createHttpServer((req, res) => {
      seen.push({ url: req.url, agent: req.headers['user-agent'], accept: req.headers.accept, custom: req.headers['x-probe'], host: req.headers.host })
      res.statusCode = req.url === '/healthz' ? 200 : 500
      res.end('body')
    })
    const port = await listen(server)
    expect(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/healthz'), [{ name: 'X-Probe', value: 'yes' }, { name: 'Host', value: 'example.test' }], never)).toEqual({ result: 'success', output: 'body' })
    expect(seen[0]).toEqual({ url: '/healthz', agent: 'kube-probe/1.34', accept: '*/*', custom: 'yes', host: 'example.test' })
    expect(await httpProbe(probeURL(undefined, '127.0.0.1', port, 'broken'), [], never)).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' })
    expect(seen[1].url).toBe('/broken')
  })

  it('HTTP: follows same-host redirects, warns on others, gives up after 10', async () => {
    const server = createHttpServer((req, res) => {
      const n = Number(/\/loop\/(\d+)/.exec(req.url ?? '')?.[1] ?? -1)
      if (req.url === '/moved') res.writeHead(302, { location: '/healthz' }).end()
      else if (req.url === '/away') res.writeHead(301, { location: 'http://elsewhere.invalid/' }).end('gone')
      else if (n >= 0) res.writeHead(302, { location: `/loop/${n + 1}` }).end()
      else if (req.url === '/healthz') res.end('fine')
      else res.writeHead(404).end()
    })
    const port = await listen(server)
    expect(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/moved'), [], never)).toEqual({ result: 'success', output: 'fine' })
    expect(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/away'), [], never)).toEqual({ result: 'warning', output: 'Probe terminated redirects, Response body: gone' })
    expect(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/loop/0'), [], never)).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/loop/10": stopped after 10 redirects`,
    })
  })

  it('HTTP: renders a refused connection and a timeout as Go does', async () => {
    const port = await closedPort()
    expect(await httpProbe(probeURL('HTTP', '127.0.0.1', port, '/healthz'), [], never)).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    })
    const slow = createHttpServer(() => { /* never answers */ })
    const slowPort = await listen(slow)
    closers.unshift(async () => { slow.closeAllConnections() })
    expect(await httpProbe(probeURL('HTTP', '127.0.0.1', slowPort, '/'), [], AbortSignal.timeout(100))).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${slowPort}/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    })
  })

  it('TCP: connects or reports the dial error', async () => {
    const server = createTcpServer((socket) => socket.end())
    const port = await listen(server)
    expect(await tcpProbe('127.0.0.1', port, never)).toEqual({ result: 'success', output: '' })
    const closed = await closedPort()
    expect(await tcpProbe('127.0.0.1', closed, never)).toEqual({ result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` })
    const aborted = new AbortController()
    aborted.abort()
    expect(await tcpProbe('10.255.255.1', 80, aborted.signal)).toEqual({ result: 'failure', output: 'dial tcp 10.255.255.1:80: i/o timeout' })
  })

  it('exec: exit code decides, output is kept, a timeout fails', async () => {
    expect(await execProbe(async () => ({ exitCode: 0, output: 'ok\n' }), ['true'], never)).toEqual({ result: 'success', output: 'ok\n' })
    expect(await execProbe(async () => ({ exitCode: 1, output: 'cat: /tmp/healthy: No such file or directory\n' }), ['cat', '/tmp/healthy'], never))
      .toEqual({ result: 'failure', output: 'cat: /tmp/healthy: No such file or directory\n' })
    const timeout = new AbortController()
    const pending = execProbe(() => new Promise(() => {}), ['sh', '-c', 'sleep 30'], timeout.signal)
    timeout.abort()
    expect(await pending).toEqual({ result: 'failure', output: 'command "sh -c sleep 30" timed out' })
  })

  it('resolves ports by number, name or numeric string', () => {
    const ports = [{ name: 'http', containerPort: 8080 }]
    expect(resolveProbePort(80, ports)).toBe(80)
    expect(resolveProbePort('http', ports)).toBe(8080)
    expect(resolveProbePort('9090', ports)).toBe(9090)
    expect(() => resolveProbePort('metrics', ports)).toThrow('strconv.Atoi: parsing "metrics": invalid syntax')
    expect(() => resolveProbePort(70000, ports)).toThrow('invalid port number: 70000')
  })

  it('builds actions from the spec: pod IP by default, named ports, static command expansion', async () => {
    const hits: string[] = []
    const server = createHttpServer((req, res) => { hits.push(req.url ?? ''); res.end() })
    const port = await listen(server)
    const pod: Pod = { metadata: { name: 'p', namespace: 'ns' } }
    const container: Container = { name: 'c', ports: [{ name: 'web', containerPort: port }], env: [{ name: 'FILE', value: '/tmp/ready' }] }
    const ran: string[][] = []
    const context = { pod, container, podIP: '127.0.0.1', exec: async (command: string[]) => { ran.push(command); return { exitCode: 0, output: '' } } }
    expect(await probeAction({ httpGet: { path: '/ready', port: 'web' } }, context)(never)).toEqual({ result: 'success', output: '' })
    expect(hits).toEqual(['/ready'])
    expect(await probeAction({ tcpSocket: { port: 'web' } }, context)(never)).toEqual({ result: 'success', output: '' })
    await probeAction({ exec: { command: ['cat', '$(FILE)'] } }, context)(never)
    expect(ran).toEqual([['cat', '/tmp/ready']])
    await expect(probeAction({ grpc: { port: 9000 } }, context)(never)).rejects.toThrow('gRPC probes are not supported by kubeling')
  })

  it('ends up in the Unhealthy event text a refused liveness probe gives upstream', async () => {
    const clock = new FakeClock()
    const port = await closedPort()
    const events: ProbeEvent[] = []
    const pod: Pod = { metadata: { name: 'p', namespace: 'ns' } }
    const probes = new ContainerProbes({
      pod, podIP: '127.0.0.1', clock, startedAt: 0, exec: async () => ({ exitCode: 0, output: '' }),
      container: { name: 'c', livenessProbe: { httpGet: { path: '/healthz', port } } },
      onEvent: (e) => events.push(e),
    })
    probes.start()
    await clock.advance(0)
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    probes.stop()
    expect(events).toEqual([{ type: 'Warning', reason: 'Unhealthy', message: `Liveness probe failed: Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused` }])
  })
})
