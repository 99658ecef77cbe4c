// The proxier against real sockets on loopback addresses of their own:
// backends answer with their name, so each connection shows where it went.
import { connect, createServer, type Server } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Backend, ProxyRule } from './proxy-rules.ts'
import { ServiceProxy } from './service-proxy.ts'

// A /24 per test file run, so parallel runs do not meet.
const net = `127.${Math.floor(Math.random() * 100) + 150}.${Math.floor(Math.random() * 250) + 1}`
const frontendIP = `${net}.1`

async function freePort(ip: string): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, ip, resolve))
  const { port } = srv.address() as { port: number }
  await new Promise((resolve) => srv.close(resolve))
  return port
}

let servers: Server[] = []
let proxy: ServiceProxy

beforeEach(() => {
  proxy = new ServiceProxy()
})
afterEach(async () => {
  await proxy.close()
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  servers = []
})

/** A backend that writes its name and closes. */
async function backend(name: string, ip: string): Promise<Backend> {
  const srv = createServer((socket) => socket.end(name))
  await new Promise<void>((resolve) => srv.listen(0, ip, resolve))
  servers.push(srv)
  return { ip, port: (srv.address() as { port: number }).port }
}

/** What the service answers at ip:port, or the connection error's code. */
function ask(ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port })
    let data = ''
    socket.on('data', (d) => (data += d))
    socket.on('end', () => resolve(data))
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
  })
}

function rule(port: number, backends: Backend[], over: Partial<ProxyRule> = {}): ProxyRule {
  return { key: `${frontendIP}:${port}`, ip: frontendIP, port, servicePort: 'default/web:http', frontend: 'NodePort', backends, ...over }
}

describe('ServiceProxy', () => {
  it('sends connections to the ready backends round-robin', async () => {
    const backends = [await backend('a', `${net}.11`), await backend('b', `${net}.12`), await backend('c', `${net}.13`)]
    const port = await freePort(frontendIP)
    const result = await proxy.sync([rule(port, backends)])
    expect(result.listening).toEqual([`${frontendIP}:${port}`])
    const answers: string[] = []
    for (let i = 0; i < 4; i++) answers.push(await ask(frontendIP, port))
    expect(answers).toEqual(['a', 'b', 'c', 'a'])
  })

  it('pipes both ways until either side ends', async () => {
    const echo = createServer((socket) => socket.pipe(socket))
    await new Promise<void>((resolve) => echo.listen(0, `${net}.14`, resolve))
    servers.push(echo)
    const port = await freePort(frontendIP)
    await proxy.sync([rule(port, [{ ip: `${net}.14`, port: (echo.address() as { port: number }).port }])])
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: frontendIP, port }, () => socket.end('ping pong'))
      let data = ''
      socket.on('data', (d) => (data += d))
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    expect(reply).toBe('ping pong')
  })

  it('stops sending new connections to a backend that is no longer ready', async () => {
    const [a, b] = [await backend('a', `${net}.21`), await backend('b', `${net}.22`)]
    const port = await freePort(frontendIP)
    await proxy.sync([rule(port, [a, b])])
    expect(await ask(frontendIP, port)).toBe('a')
    await proxy.sync([rule(port, [b])])
    expect([await ask(frontendIP, port), await ask(frontendIP, port), await ask(frontendIP, port)]).toEqual(['b', 'b', 'b'])
  })

  it('refuses connections while no backend is ready, and takes them again when one is', async () => {
    const a = await backend('a', `${net}.31`)
    const port = await freePort(frontendIP)
    await proxy.sync([rule(port, [a])])
    expect(await ask(frontendIP, port)).toBe('a')
    expect((await proxy.sync([rule(port, [])])).listening).toEqual([])
    expect(await ask(frontendIP, port)).toBe('ECONNREFUSED')
    await proxy.sync([rule(port, [a])])
    expect(await ask(frontendIP, port)).toBe('a')
  })

  it('moves the listener when the port changes and closes it when the service goes', async () => {
    const a = await backend('a', `${net}.41`)
    const [p1, p2] = [await freePort(frontendIP), await freePort(frontendIP)]
    await proxy.sync([rule(p1, [a])])
    await proxy.sync([rule(p2, [a])])
    expect(proxy.listening()).toEqual([`${frontendIP}:${p2}`])
    expect(await ask(frontendIP, p1)).toBe('ECONNREFUSED')
    expect(await ask(frontendIP, p2)).toBe('a')
    await proxy.sync([])
    expect(proxy.listening()).toEqual([])
    expect(await ask(frontendIP, p2)).toBe('ECONNREFUSED')
  })

  it('resets the client when the chosen backend refuses', async () => {
    const deadPort = await freePort(`${net}.51`)
    const port = await freePort(frontendIP)
    await proxy.sync([rule(port, [{ ip: `${net}.51`, port: deadPort }])])
    expect(await ask(frontendIP, port)).toBe('ECONNRESET')
  })

  it('reports a port it cannot bind and binds it on a later sync once free', async () => {
    const a = await backend('a', `${net}.61`)
    const port = await freePort(frontendIP)
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(port, frontendIP, resolve))
    const first = await proxy.sync([rule(port, [a])])
    expect(first.failed).toEqual(new Map([[`${frontendIP}:${port}`, 'EADDRINUSE']]))
    expect(first.listening).toEqual([])
    await new Promise((resolve) => squatter.close(resolve))
    const second = await proxy.sync([rule(port, [a])])
    expect(second.failed.size).toBe(0)
    expect(await ask(frontendIP, port)).toBe('a')
  })

  it('shares a LoadBalancer address and port with another proxier, as nodes on one host do', async () => {
    const a = await backend('a', `${net}.71`)
    const port = await freePort(`${net}.70`)
    const lb = rule(port, [a], { key: `${net}.70:${port}`, ip: `${net}.70`, frontend: 'LoadBalancer' })
    const other = new ServiceProxy()
    try {
      expect((await other.sync([lb])).failed.size).toBe(0)
      expect((await proxy.sync([lb])).failed.size).toBe(0)
      expect(await ask(`${net}.70`, port)).toBe('a')
    } finally {
      await other.close()
    }
  })

  it('close() refuses new connections and cuts piped ones', async () => {
    const hold = createServer(() => undefined) // accepts and never answers
    await new Promise<void>((resolve) => hold.listen(0, `${net}.81`, resolve))
    servers.push(hold)
    const port = await freePort(frontendIP)
    await proxy.sync([rule(port, [{ ip: `${net}.81`, port: (hold.address() as { port: number }).port }])])
    const open = new Promise<string>((resolve) => {
      const socket = connect({ host: frontendIP, port })
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
      socket.on('close', () => resolve('closed'))
      socket.resume()
    })
    await new Promise((resolve) => setImmediate(resolve))
    await proxy.close()
    expect(['closed', 'ECONNRESET']).toContain(await open)
    expect(await ask(frontendIP, port)).toBe('ECONNREFUSED')
  })
})
