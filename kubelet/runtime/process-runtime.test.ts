import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../shared/clock.ts'
import { readLogText } from './log-file.ts'
import { createProcessRuntime, planContainer, type ProcessRuntime } from './process-runtime.ts'
import { ExecStartError } from './start-errors.ts'
import { welcomePage } from './standins/nginx-pages.ts'
import { StartError, type ContainerConfig, type Sandbox, type SandboxConfig } from './types.ts'
import { waitFor } from '../../test/support/wait-for.ts'

let dir: string
const runtimes: ProcessRuntime[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-proc-'))
})
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.close()))
  await rm(dir, { recursive: true, force: true })
})


// An unusual loopback address per test file run, so parallel runs do not collide.
const podIP = `127.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 250) + 1}.9`

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, podIP, resolve))
  const { port } = srv.address() as { port: number }
  await new Promise((resolve) => srv.close(resolve))
  return port
}

function runtime(mode: 'plain' | 'auto', clock?: FakeClock): ProcessRuntime {
  const rt = createProcessRuntime({ namespaces: mode, clock })
  runtimes.push(rt)
  return rt
}

function sandboxConfig(over: Partial<SandboxConfig> = {}): SandboxConfig {
  return { uid: 'u1', namespace: 'default', name: 'mypod', hostname: 'mypod', podIP, podDir: dir, volumes: new Map(), annotations: {}, ...over }
}

function container(over: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name: 'main', image: 'busybox', command: [], args: [], env: [], mounts: [], ports: [], stdin: false, tty: false, attempt: 0, runsToCompletion: true, ...over }
}

async function start(rt: ProcessRuntime, sb: Sandbox, cfg: ContainerConfig) {
  return rt.startContainer(sb, cfg, await rt.pullImage(cfg.image))
}

describe('planContainer', () => {
  it('follows docker: command replaces the entrypoint, args the CMD', () => {
    expect(planContainer('busybox', [], [])).toEqual({ kind: 'process', argv: ['/bin/sh'] })
    expect(planContainer('busybox', [], ['echo', 'x'])).toEqual({ kind: 'process', argv: ['echo', 'x'] })
    expect(planContainer('alpine', ['sh', '-c'], ['exit 1'])).toEqual({ kind: 'process', argv: ['sh', '-c', 'exit 1'] })
    expect(planContainer('nginx', [], [])).toMatchObject({ kind: 'in-process' })
    expect(planContainer('nginx', ['nginx', '-g', 'daemon off;'], [])).toMatchObject({ kind: 'in-process' })
    expect(planContainer('nginx', ['sh'], [])).toEqual({ kind: 'process', argv: ['sh'] })
    expect(planContainer('pause', [], [])).toMatchObject({ kind: 'in-process' })
    expect(planContainer('kube-proxy', ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'], [])).toMatchObject({ kind: 'in-process' })
    expect(planContainer('kube-proxy', [], [])).toMatchObject({ kind: 'in-process' })
    expect(planContainer('kube-proxy', ['sh', '-c', 'true'], [])).toEqual({ kind: 'process', argv: ['sh', '-c', 'true'] })
    expect(planContainer(undefined, [], ['--port', '80'])).toEqual({ kind: 'simulated' })
    expect(planContainer(undefined, ['sleep', '1'], [])).toEqual({ kind: 'process', argv: ['sleep', '1'] })
  })
})

describe.each(['plain', 'auto'] as const)('process runtime (%s)', (mode) => {
  it('runs a command: its output in the log, exit 3 → Error', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const c = await start(rt, sb, container({ command: ['sh', '-c', 'echo hi; echo oops >&2; exit 3'] }))
    expect(await c.exited).toMatchObject({ exitCode: 3, reason: 'Error' })
    expect(await readLogText(c.logPath)).toMatch(/^(hi\noops\n|oops\nhi\n)$/)
    expect(await readLogText(c.logPath, { stream: 'stdout' })).toBe('hi\n')
    const ok = await start(rt, sb, container({ name: 'ok', command: ['true'] }))
    expect(await ok.exited).toMatchObject({ exitCode: 0, reason: 'Completed' })
  })

  it('fails an unknown executable with containerd\'s StartError', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const err = await start(rt, sb, container({ command: ['invalid_command'] })).catch((e) => e)
    expect(err).toBeInstanceOf(StartError)
    expect(err.message).toBe(
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "invalid_command": executable file not found in $PATH: unknown',
    )
    const abs = await start(rt, sb, container({ command: ['/no/such'] })).catch((e) => e)
    expect(abs.message).toContain('exec: "/no/such": stat /no/such: no such file or directory: unknown')
  })

  it('gives exactly the container env, and the working dir', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const wd = join(dir, 'work')
    await mkdir(wd)
    const c = await start(rt, sb, container({ command: ['sh', '-c', 'pwd; env | sort'], env: [['FOO', 'a'], ['FOO', 'b']], workingDir: wd }))
    await c.exited
    const lines = (await readLogText(c.logPath)).trim().split('\n')
    expect(lines[0]).toBe(wd)
    const names = lines.slice(1).map((l) => l.split('=')[0]).filter((n) => n !== 'PWD' && n !== 'SHLVL' && n !== '_' && n !== 'OLDPWD')
    expect(names).toEqual(['FOO', 'HOME', 'HOSTNAME', 'PATH'])
    expect(lines).toContain('FOO=b')
    expect(lines).toContain('HOSTNAME=mypod')
    const fallback = await start(rt, sb, container({ name: 'b', command: ['pwd'], workingDir: '/no/such/dir' }))
    await fallback.exited
    expect(await readLogText(fallback.logPath)).toBe(`${dir}\n`)
  })

  it('SIGTERM gives 143; a process ignoring it gets SIGKILL after the grace period: 137', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const sleeper = await start(rt, sb, container({ name: 's', command: ['sleep', '30'], runsToCompletion: false }))
    expect(await sleeper.stop(10_000)).toMatchObject({ exitCode: 143, reason: 'Error', signal: 'SIGTERM' })
    const stubborn = await start(rt, sb, container({ name: 't', command: ['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'] }))
    await waitFor('ready', async () => (await readLogText(stubborn.logPath)).includes('ready'))
    const t0 = Date.now()
    expect(await stubborn.stop(300)).toMatchObject({ exitCode: 137, reason: 'Error', signal: 'SIGKILL' })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250)
  })

  it('keeps every line of a chatty process', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const c = await start(rt, sb, container({ command: ['seq', '1', '200000'] }))
    expect(await c.exited).toMatchObject({ exitCode: 0 })
    expect(await readLogText(c.logPath, { tailLines: 2 })).toBe('199999\n200000\n')
  })

  it('runs busybox with no command as sh that exits 0 at once', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const c = await start(rt, sb, container())
    expect(await c.exited).toMatchObject({ exitCode: 0, reason: 'Completed' })
  })

  it('serves the nginx welcome page on the pod IP, and a mounted index.html', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const port = await freePort()
    const web = await start(rt, sb, container({ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: port }], runsToCompletion: false }))
    const res = await fetch(`http://${podIP}:${port}/`)
    expect(res.headers.get('server')).toMatch(/^nginx\/1\.25\./)
    expect(await res.text()).toBe(welcomePage)
    await waitFor('access log', async () => (await readLogText(web.logPath)).includes('"GET / HTTP/1.1" 200 615'))
    expect(await web.stop(5000)).toMatchObject({ exitCode: 0, reason: 'Completed' })

    const html = join(dir, 'html')
    await mkdir(html)
    await writeFile(join(html, 'index.html'), 'hello from a volume\n')
    const port2 = await freePort()
    const mounted = await start(
      rt,
      sb,
      container({
        name: 'web2',
        image: 'docker.io/library/nginx:1.25',
        ports: [{ containerPort: port2 }],
        mounts: [{ hostPath: html, containerPath: '/usr/share/nginx/html', readOnly: true }],
      }),
    )
    expect(await (await fetch(`http://${podIP}:${port2}/`)).text()).toBe('hello from a volume\n')
    await mounted.stop(0)
  })

  it('execs printenv FOO in the container env; a missing command is an ExecStartError', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    const wd = join(dir, 'wd')
    await mkdir(wd)
    const cfg = container({ command: ['sleep', '30'], env: [['FOO', 'bar']], workingDir: wd, runsToCompletion: false })
    const c = await start(rt, sb, cfg)
    const s = await rt.exec(sb, c, cfg, { command: ['printenv', 'FOO'], tty: false, stdin: false })
    const [out] = await Promise.all([text(s.stdout), text(s.stderr!)])
    expect(out).toBe('bar\n')
    expect(await s.exited).toBe(0)
    const pwd = await rt.exec(sb, c, cfg, { command: ['pwd'], tty: false, stdin: false })
    expect(await text(pwd.stdout)).toBe(`${wd}\n`)
    const killed = await rt.exec(sb, c, cfg, { command: ['sleep', '30'], tty: false, stdin: false })
    killed.kill()
    expect(await killed.exited).toBe(137)
    const withStdin = await rt.exec(sb, c, cfg, { command: ['sh', '-c', 'read x; echo "got $x"; exit 4'], tty: false, stdin: true })
    withStdin.stdin!.end('line\n')
    expect(await text(withStdin.stdout)).toBe('got line\n')
    expect(await withStdin.exited).toBe(4)
    const err = await rt.exec(sb, c, cfg, { command: ['nope-cmd'], tty: false, stdin: false }).catch((e) => e)
    expect(err).toBeInstanceOf(ExecStartError)
    expect(err.exitCode).toBe(127)
    expect(err.message).toContain('exec: "nope-cmd": executable file not found in $PATH: unknown')
    await c.stop(0)
  })

  it('execs with a tty: a terminal, stderr merged', async () => {
    const rt = runtime(mode)
    const sb = await rt.startSandbox(sandboxConfig())
    // A PATH without util-linux: the tty helper is found on the host's PATH all the same.
    const cfg = container({ command: ['sleep', '30'], runsToCompletion: false, env: [['PATH', '/bin']] })
    const c = await start(rt, sb, cfg)
    const s = await rt.exec(sb, c, cfg, { command: ['sh', '-c', 'test -t 1 && echo tty; echo err >&2; exit 2'], tty: true, stdin: false })
    expect(s.stderr).toBeUndefined()
    const out = await text(s.stdout)
    expect(out.replace(/\r/g, '')).toBe('tty\nerr\n')
    expect(await s.exited).toBe(2)
    await c.stop(0)
  })

  it('simulates unknown images without a command', async () => {
    const clock = new FakeClock()
    const rt = runtime(mode, clock)
    const sb = await rt.startSandbox(sandboxConfig({ annotations: { 'sim.kubeling.io/exit-code': '5' } }))
    const img = await rt.pullImage('example.com/app:v1')
    expect(img.simulated).toBe(true)
    const c = await rt.startContainer(sb, container({ image: 'example.com/app:v1' }), img)
    await clock.advance(1000)
    expect(await c.exited).toMatchObject({ exitCode: 5, reason: 'Error' })
  })
})

describe('namespaces', () => {
  const probe = createProcessRuntime()
  const can = probe.sandboxMode() === 'namespaces'
  afterAll(() => probe.close())

  it.skipIf(!can)('gives the pod its hostname, pause as PID 1 and volumes at their mountPaths', async () => {
    const rt = runtime('auto')
    const sb = await rt.startSandbox(sandboxConfig({ hostname: 'ns-pod' }))
    const data = join(dir, 'vol')
    await mkdir(data)
    await writeFile(join(data, 'x.txt'), 'in the volume\n')
    const mountPath = `/kubeling-test-${process.pid}-${Date.now()}`
    const cfg = container({
      command: ['sh', '-c', `hostname; cat ${mountPath}/x.txt; cat /proc/1/comm; touch ${mountPath}/ro 2>/dev/null || echo read-only`],
      mounts: [{ hostPath: data, containerPath: mountPath, readOnly: true }],
    })
    const c = await start(rt, sb, cfg)
    expect(await c.exited).toMatchObject({ exitCode: 0 })
    expect(await readLogText(c.logPath)).toBe('ns-pod\nin the volume\npause\nread-only\n')
    // The mount was private to the container.
    const host = await import('node:fs/promises').then((fs) => fs.readdir(mountPath).catch(() => []))
    expect(host).toEqual([])
    await rm(mountPath, { recursive: true, force: true })
    await rt.stopSandbox(sb)
  })

  it('reports plain mode when asked', () => {
    expect(runtime('plain').sandboxMode()).toBe('plain')
  })
})
