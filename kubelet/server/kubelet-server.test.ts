import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough, type Duplex } from 'node:stream'
import { pino } from 'pino'
import { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExecOptions, ExecSession } from '../runtime/types.ts'
import { channel, encodeChannelMessage } from './channel-protocol.ts'
import { portForwardProtocol, startKubeletServer, type KubeletServer } from './kubelet-server.ts'
import { encodeHeaderBlock, encodePing, encodeSynStream, flagFin, frameType, splitFrames, encodeData, decodeHeaderBlock, type Frame } from './spdy/frames.ts'
import { HeaderCompression } from './spdy/header-compression.ts'
import { testBackend, type TestContainer } from './test-backend.ts'

/** An exec session that records what it got and ends when told. */
function scriptedSession(run: (stdin: string, out: PassThrough, err: PassThrough) => number | Promise<number>, resizes: Array<[number, number]>): ExecSession {
  const stdin = new PassThrough()
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let input = ''
  stdin.on('data', (d) => (input += d))
  const exited = new Promise<number>((resolve) => stdin.on('end', async () => {
    const code = await run(input, stdout, stderr)
    stdout.end()
    stderr.end()
    resolve(code)
  }))
  return { stdin, stdout, stderr, exited, resize: (w, h) => resizes.push([w, h]), kill: () => stdin.end() }
}

const resizes: Array<[number, number]> = []
const app: TestContainer = {
  state: { state: 'running', log: { path: '/nonexistent', ended: Promise.resolve() } },
  exec: async (o: ExecOptions) => scriptedSession((input, out, err) => {
    out.write(`argv=${o.command.join(',')} tty=${o.tty}\n`)
    if (input) out.write(`stdin=${input}`)
    err.write('to stderr\n')
    return o.command.includes('fail') ? 3 : 0
  }, resizes),
}

let server: KubeletServer
let target: Server
let targetPort: number
const base = () => `127.0.0.1:${server.port}`

beforeAll(async () => {
  target = createServer((req, res) => res.end(`pod says ${req.url}`))
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  targetPort = (target.address() as AddressInfo).port
  server = await startKubeletServer({
    logger: pino({ level: 'silent' }),
    backend: testBackend([
      { namespace: 'ns', name: 'p', uid: 'uid-p', podIP: '127.0.0.1', containers: { app, idle: { state: { state: 'waiting', reason: 'CrashLoopBackOff' } } } },
    ]),
  })
})

afterAll(async () => {
  await server.close()
  target.closeAllConnections()
  await new Promise((resolve) => target.close(resolve))
})

interface StreamResult {
  stdout: string
  stderr: string
  status: Record<string, unknown>
  closeCode: number
}

function execStream(path: string, send: (ws: WebSocket) => void = (ws) => ws.send(Buffer.from([channel.close, channel.stdin])), protocol = 'v5.channel.k8s.io'): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base()}${path}`, [protocol])
    const result: StreamResult = { stdout: '', stderr: '', status: {}, closeCode: 0 }
    ws.on('open', () => {
      expect(ws.protocol).toBe(protocol)
      send(ws)
    })
    ws.on('message', (data: Buffer) => {
      const payload = data.subarray(1).toString()
      if (data[0] === channel.stdout) result.stdout += payload
      else if (data[0] === channel.stderr) result.stderr += payload
      else if (data[0] === channel.error) result.status = JSON.parse(payload)
    })
    ws.on('close', (code) => resolve({ ...result, closeCode: code }))
    ws.on('error', reject)
  })
}

describe('kubelet server: exec', () => {
  it('streams stdout and stderr, then a Success Status and a normal close', async () => {
    const r = await execStream('/exec/ns/p/app?command=echo&command=hi&stdin=1&stdout=1&stderr=1')
    expect(r).toEqual({ stdout: 'argv=echo,hi tty=false\n', stderr: 'to stderr\n', status: { metadata: {}, status: 'Success' }, closeCode: 1000 })
  })

  it('reports a non-zero exit code as upstream does', async () => {
    const r = await execStream('/exec/ns/p/app?command=sh&command=fail&stdin=true&stdout=true')
    expect(r.stderr).toBe('')
    expect(r.status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh fail], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    })
  })

  it('delivers stdin (sent before the session exists too), resizes and the stdin close', async () => {
    resizes.length = 0
    const r = await execStream('/exec/ns/p/app?command=cat&stdin=1&stdout=1&tty=1', (ws) => {
      ws.send(encodeChannelMessage(channel.stdin, 'abc'))
      ws.send(encodeChannelMessage(channel.resize, '{"Width":120,"Height":40}'))
      ws.send(encodeChannelMessage(channel.resize, 'junk'))
      ws.send(encodeChannelMessage(channel.stdin, 'def'))
      ws.send(Buffer.from([channel.close, channel.stdin]))
    })
    expect(r.stdout).toBe('argv=cat tty=true\nstdin=abcdef')
    expect(resizes).toEqual([[120, 40]])
  })

  it('speaks v4 too (no close channel: stdin ends with the session)', async () => {
    const r = await execStream('/exec/ns/p/app?command=true&stdout=1', () => {}, 'v4.channel.k8s.io')
    expect(r.status).toEqual({ metadata: {}, status: 'Success' })
  })
})

async function upgradeError(path: string, headers: Record<string, string> = {}): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base()}${path}`, ['v5.channel.k8s.io'], { headers })
    ws.on('unexpected-response', (_req, res) => {
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({ code: res.statusCode ?? 0, text }))
    })
    ws.on('open', () => reject(new Error('upgraded')))
    ws.on('error', () => {})
  })
}

describe('kubelet server: errors before the upgrade', () => {
  it('answers with upstream codes and words', async () => {
    expect(await upgradeError('/exec/ns/nope/app?command=x&stdout=1')).toEqual({ code: 404, text: 'pod "nope" does not exist' })
    expect(await upgradeError('/exec/ns/p/other?command=x&stdout=1')).toEqual({ code: 404, text: 'container "other" not found in pod "p"' })
    expect(await upgradeError('/exec/ns/p/idle?command=x&stdout=1')).toEqual({ code: 404, text: 'container not found ("idle")' })
    expect(await upgradeError('/exec/ns/p/app?command=x')).toEqual({ code: 400, text: 'you must specify at least 1 of stdin, stdout, stderr' })
    expect(await upgradeError('/exec/ns/p/app?stdout=1')).toEqual({ code: 400, text: 'you must specify at least one command for the container' })
    expect((await upgradeError('/attach/ns/p/app?stdout=1')).text).toBe('attach is not supported for container "app" in pod "p" by this runtime')
  })

  it('serves logs errors as text and health as ok', async () => {
    const res = await fetch(`http://${base()}/containerLogs/ns/p/idle`)
    expect(res.status).toBe(400)
    expect(await res.text()).toBe('container "idle" in pod "p" is waiting to start: CrashLoopBackOff')
    expect((await fetch(`http://${base()}/containerLogs/ns/p/app?tailLines=x`)).status).toBe(400)
    expect(await (await fetch(`http://${base()}/healthz`)).text()).toBe('ok')
    expect((await fetch(`http://${base()}/exec/ns/p/app`)).status).toBe(400)
    expect((await fetch(`http://${base()}/nowhere`)).status).toBe(404)
  })
})

/** Sends an upgrade request; resolves with the 101 response's headers and the socket. */
function upgrade(path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; socket: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { connection: 'Upgrade', ...headers } })
    req.on('upgrade', (res, socket) => resolve({ headers: res.headers, socket }))
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)))
    req.on('error', reject)
    req.end()
  })
}

/** A SPDY client on a plain `Upgrade: SPDY/3.1` connection (kubectl's fallback; the WebSocket tunnel carries the same bytes). */
async function spdyClient() {
  const { headers, socket: stream } = await upgrade('/portForward/ns/p', { upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'portforward.k8s.io' })
  expect(headers['x-stream-protocol-version']).toBe('portforward.k8s.io')
  const out = new HeaderCompression()
  const inflate = new HeaderCompression()
  const frames: Frame[] = []
  const waiters: Array<() => void> = []
  let pending: Buffer = Buffer.alloc(0)
  stream.on('data', (d: Buffer) => {
    const split = splitFrames(Buffer.concat([pending, d]))
    pending = split.rest
    frames.push(...split.frames)
    waiters.splice(0).forEach((w) => w())
  })
  const waitFrame = (match: (f: Frame) => boolean) => new Promise<Frame>((resolve) => {
    const check = () => {
      const i = frames.findIndex(match)
      if (i >= 0) resolve(frames.splice(i, 1)[0])
      else waiters.push(check)
    }
    check()
  })
  return {
    async open(id: number, headers: Record<string, string>, fin = false) {
      stream.write(encodeSynStream(id, fin ? flagFin : 0, await out.compress(encodeHeaderBlock(headers))))
    },
    write: (buf: Buffer) => stream.write(buf),
    waitFrame,
    inflate,
    /** Everything on a stream until its FIN. */
    async readAll(id: number) {
      let text = ''
      for (;;) {
        const f = await waitFrame((x) => x.kind === 'data' && x.streamId === id)
        if (f.kind !== 'data') continue
        text += f.data.toString()
        if (f.flags & flagFin) return text
      }
    },
    close: () => stream.destroy(),
  }
}

describe('kubelet server: port-forward', () => {
  it('accepts the WebSocket tunnel subprotocol that ws itself would refuse', async () => {
    const { headers, socket } = await upgrade('/portForward/ns/p', {
      upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': portForwardProtocol,
    })
    expect(headers['sec-websocket-protocol']).toBe(portForwardProtocol)
    socket.destroy()
  })

  it('replies to both streams, then carries TCP on the data stream', async () => {
    const c = await spdyClient()
    await c.open(1, { streamtype: 'error', port: String(targetPort), requestid: '0' }, true)
    const reply = await c.waitFrame((f) => f.kind === 'control' && f.type === frameType.synReply)
    expect(reply.kind === 'control' && reply.payload.readUInt32BE(0)).toBe(1)
    expect(decodeHeaderBlock(await c.inflate.decompress((reply as { payload: Buffer }).payload.subarray(4)))).toEqual({})
    await c.open(3, { streamtype: 'data', port: String(targetPort), requestid: '0' })
    c.write(encodeData(3, flagFin, Buffer.from('GET /x HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n')))
    expect(await c.readAll(3)).toMatch(/^HTTP\/1.1 200 OK[\s\S]*pod says \/x$/)
    expect(await c.readAll(1)).toBe('')
    c.write(encodePing(7))
    const pong = await c.waitFrame((f) => f.kind === 'control' && f.type === frameType.ping)
    expect(pong.kind === 'control' && pong.payload.readUInt32BE(0)).toBe(7)
    c.close()
  })

  it('reports a refused connection on the error stream', async () => {
    const c = await spdyClient()
    await c.open(1, { streamtype: 'error', port: '1', requestid: '5' }, true)
    await c.open(3, { streamtype: 'data', port: '1', requestid: '5' })
    expect(await c.readAll(1)).toMatch(/^error forwarding port 1 to pod ns\/p, uid uid-p: connect ECONNREFUSED 127\.0\.0\.1:1$/)
    c.close()
  })
})
