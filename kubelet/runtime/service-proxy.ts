// The userspace proxier: one TCP listener per ProxyRule (proxy-rules.ts),
// each accepted connection piped to the next ready backend of its service
// port, round-robin. A rule without ready backends gets no listener, so the
// client sees "connection refused", as kube-proxy's REJECT rule gives it.
// Connections already piped are left alone when their backend stops being
// ready (conntrack keeps them upstream); only new connections move.
//
// sync() is level-based and serialized: each call brings the listeners to
// the rules it is given, after any sync still binding. A bind that fails
// (the port is taken) is reported and retried by the next sync.
import { connect, createServer, type Server, type Socket } from 'node:net'
import type { Backend, ProxyRule } from './proxy-rules.ts'

export interface SyncResult {
  /** Keys (`ip:port`) listening after the sync. */
  listening: string[]
  /** Keys whose listener could not be opened, with the error code (EADDRINUSE, EADDRNOTAVAIL, …). */
  failed: Map<string, string>
}

interface Listener {
  rule: ProxyRule
  server: Server
  sockets: Set<Socket>
}

export class ServiceProxy {
  readonly #listeners = new Map<string, Listener>()
  /** Round-robin position per service port, shared by its NodePort and LoadBalancer listeners. */
  readonly #next = new Map<string, number>()
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  /** Brings the listeners to `rules`; resolves when every bind has succeeded or failed. */
  sync(rules: readonly ProxyRule[]): Promise<SyncResult> {
    const run = this.#queue.then(() => this.#sync(rules))
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Keys (`ip:port`) with an open listener. */
  listening(): string[] {
    return [...this.#listeners.keys()]
  }

  /** Closes every listener (new connections are refused); piped connections are cut. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#queue
    await Promise.all([...this.#listeners.values()].map((l) => this.#closeListener(l, true)))
    this.#listeners.clear()
  }

  async #sync(rules: readonly ProxyRule[]): Promise<SyncResult> {
    const failed = new Map<string, string>()
    if (this.#closed) return { listening: [], failed }
    const wanted = new Map(rules.filter((r) => r.backends.length > 0).map((r) => [r.key, r]))
    const closing: Promise<void>[] = []
    for (const [key, listener] of this.#listeners) {
      const rule = wanted.get(key)
      if (rule) listener.rule = rule
      else {
        this.#listeners.delete(key)
        closing.push(this.#closeListener(listener, false))
      }
    }
    await Promise.all(closing)
    const servicePorts = new Set(rules.map((r) => r.servicePort))
    for (const sp of this.#next.keys()) if (!servicePorts.has(sp)) this.#next.delete(sp)
    await Promise.all([...wanted.values()].filter((r) => !this.#listeners.has(r.key)).map(async (rule) => {
      try {
        const listener = await this.#open(rule)
        if (this.#closed) await this.#closeListener(listener, true)
        else this.#listeners.set(rule.key, listener)
      } catch (err) {
        failed.set(rule.key, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
      }
    }))
    return { listening: this.listening(), failed }
  }

  async #open(rule: ProxyRule): Promise<Listener> {
    // Half-open both ways: a client that ends its side still gets the reply.
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true })
    const listener: Listener = { rule, server, sockets: new Set() }
    server.on('connection', (client) => this.#forward(listener, client))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      // LoadBalancer IPs are shared by every node's proxy; on one host that
      // means several kubelets binding the same address: let them all.
      server.listen({ host: rule.ip, port: rule.port, reusePort: rule.frontend === 'LoadBalancer' }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', () => undefined)
    return listener
  }

  /** The backend for the next connection to this service port. */
  #pick(rule: ProxyRule): Backend | undefined {
    const { backends, servicePort } = rule
    if (!backends.length) return undefined
    const i = (this.#next.get(servicePort) ?? 0) % backends.length
    this.#next.set(servicePort, i + 1)
    return backends[i]
  }

  #forward(listener: Listener, client: Socket): void {
    const backend = this.#pick(listener.rule)
    // Between a sync that emptied the rule and its listener closing: refuse as a reset.
    if (!backend) {
      client.resetAndDestroy()
      return
    }
    const upstream = connect({ host: backend.ip, port: backend.port, allowHalfOpen: true })
    listener.sockets.add(client).add(upstream)
    let connected = false
    const cleanup = () => {
      listener.sockets.delete(client)
      listener.sockets.delete(upstream)
    }
    upstream.once('connect', () => {
      connected = true
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
    })
    // A backend that refuses looks to the client like the service refusing, as with DNAT.
    upstream.on('error', () => {
      if (!connected) client.resetAndDestroy()
      else client.destroy()
    })
    client.on('error', () => upstream.destroy())
    upstream.once('close', () => {
      cleanup()
      client.end()
    })
    client.once('close', () => {
      cleanup()
      if (connected) upstream.end()
      else upstream.destroy()
    })
  }

  /**
   * Stops accepting at once; with cutConnections also ends the piped
   * connections and resolves when they are gone, else leaves them to finish.
   */
  #closeListener(listener: Listener, cutConnections: boolean): Promise<void> {
    const closed = new Promise<void>((resolve) => listener.server.close(() => resolve()))
    if (!cutConnections) return Promise.resolve()
    for (const s of listener.sockets) s.destroy()
    return closed
  }
}
