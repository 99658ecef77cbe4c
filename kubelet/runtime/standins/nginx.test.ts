import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { get } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { realClock } from '../../../shared/clock.ts'
import { LogFileWriter, readLogText } from '../log-file.ts'
import type { ContainerConfig } from '../types.ts'
import { htmlRootOf, nginxStandIn } from './nginx.ts'
import { statusPage, welcomePage } from './nginx-pages.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-nginx-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A free port on ip, found by letting the kernel pick one. */
async function freePort(ip: string): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, ip, resolve))
  const { port } = srv.address() as { port: number }
  await new Promise((resolve) => srv.close(resolve))
  return port
}

const ip = `127.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 250) + 1}.7`

function config(over: Partial<ContainerConfig>): ContainerConfig {
  return { name: 'web', image: 'nginx', command: [], args: [], env: [], mounts: [], ports: [], stdin: false, tty: false, attempt: 0, runsToCompletion: false, ...over }
}

describe('nginx stand-in', () => {
  it('serves the welcome page with nginx headers and logs the access', async () => {
    const port = await freePort(ip)
    const log = new LogFileWriter(join(dir, 'web.log'))
    const task = await nginxStandIn.start({ podIP: ip, hostname: 'p', config: config({ ports: [{ containerPort: port }] }), log, clock: realClock })
    try {
      const res = await fetch(`http://${ip}:${port}/`, { headers: { 'user-agent': 'curl/8.5.0' } })
      expect(res.status).toBe(200)
      expect(res.headers.get('server')).toBe('nginx/1.25.5')
      expect(res.headers.get('content-type')).toBe('text/html')
      expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+-267"$/)
      expect(await res.text()).toBe(welcomePage)
      const missing = await fetch(`http://${ip}:${port}/nope`)
      expect(missing.status).toBe(404)
      expect(await missing.text()).toBe(statusPage(404, 'Not Found'))
      expect((await fetch(`http://${ip}:${port}/`, { method: 'POST' })).status).toBe(405)
    } finally {
      task.kill('SIGQUIT')
    }
    expect(await task.exited).toEqual({ exitCode: 0 })
    await log.close()
    const text = await readLogText(log.path)
    expect(text).toMatch(new RegExp(`^127\\.\\d+\\.\\d+\\.\\d+ - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"$`, 'm'))
    expect(text).toContain('Configuration complete; ready for start up')
    expect(text).toContain('signal 3 (SIGQUIT) received, shutting down')
  })

  it('serves the host directory mounted at /usr/share/nginx/html', async () => {
    const html = join(dir, 'html')
    await mkdir(join(html, 'sub'), { recursive: true })
    await writeFile(join(html, 'index.html'), '<h1>mine</h1>\n')
    await writeFile(join(html, 'sub', 'a.css'), 'body{}')
    const port = await freePort(ip)
    const log = new LogFileWriter(join(dir, 'web.log'))
    const mounts = [{ hostPath: html, containerPath: '/usr/share/nginx/html', readOnly: true }]
    const task = await nginxStandIn.start({ podIP: ip, hostname: 'p', config: config({ mounts, ports: [{ containerPort: port }] }), log, clock: realClock })
    try {
      expect(await (await fetch(`http://${ip}:${port}/`)).text()).toBe('<h1>mine</h1>\n')
      const css = await fetch(`http://${ip}:${port}/sub/a.css`)
      expect(css.headers.get('content-type')).toBe('text/css')
      const redirect = await fetch(`http://${ip}:${port}/sub`, { redirect: 'manual' })
      expect(redirect.status).toBe(301)
      expect(redirect.headers.get('location')).toBe(`http://${ip}:${port}/sub/`)
      expect((await fetch(`http://${ip}:${port}/sub/`)).status).toBe(403)
      // fetch would resolve the dots itself; a raw request keeps them.
      const status = await new Promise((resolve, reject) =>
        get({ host: ip, port, path: '/%2e%2e/%2e%2e/etc/passwd' }, (res) => resolve(res.resume().statusCode)).on('error', reject),
      )
      expect(status).toBe(400)
    } finally {
      task.kill('SIGKILL')
    }
    expect(await task.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' })
  })

  it('exits 1 with nginx\'s emerg line when the port is taken', async () => {
    const port = await freePort(ip)
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, ip, resolve))
    const log = new LogFileWriter(join(dir, 'web.log'))
    try {
      const task = await nginxStandIn.start({ podIP: ip, hostname: 'p', config: config({ ports: [{ containerPort: port }] }), log, clock: realClock })
      expect(await task.exited).toEqual({ exitCode: 1 })
    } finally {
      blocker.close()
    }
    await log.close()
    expect(await readLogText(log.path)).toContain(`[emerg] 1#1: bind() to ${ip}:${port} failed (98: Address already in use)`)
  })

  it('finds the html root through the deepest covering mount', () => {
    expect(htmlRootOf([])).toBeUndefined()
    expect(htmlRootOf([{ hostPath: '/h/share', containerPath: '/usr/share', readOnly: false }])).toBe('/h/share/nginx/html')
    expect(
      htmlRootOf([
        { hostPath: '/h/share', containerPath: '/usr/share/', readOnly: false },
        { hostPath: '/h/html', containerPath: '/usr/share/nginx/html', readOnly: false },
        { hostPath: '/h/other', containerPath: '/usr/share/nginx/html2', readOnly: false },
      ]),
    ).toBe('/h/html')
  })
})
