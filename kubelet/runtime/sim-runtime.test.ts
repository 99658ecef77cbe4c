import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../shared/clock.ts'
import { readLogText } from './log-file.ts'
import { ExecStartError } from './start-errors.ts'
import { createSimRuntime } from './sim-runtime.ts'
import { ImageError, type ContainerConfig, type ContainerExit, type SandboxConfig } from './types.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-sim-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function sandboxConfig(annotations: Record<string, string> = {}): SandboxConfig {
  return { uid: 'u1', namespace: 'default', name: 'p', hostname: 'p', podIP: '127.0.0.2', podDir: dir, volumes: new Map(), annotations }
}

function container(name: string, over: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name, image: 'nginx', command: [], args: [], env: [], mounts: [], ports: [], stdin: false, tty: false, attempt: 0, runsToCompletion: false, ...over }
}

/** Whether a promise has settled, without waiting for it. */
async function settled<T>(p: Promise<T>): Promise<T | undefined> {
  let v: T | undefined
  p.then((x) => (v = x))
  await new Promise((r) => setImmediate(r))
  return v
}

describe('sim runtime', () => {
  it('runs a run-to-completion container for 1 s, then exits 0 Completed with log lines', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 18))
    const rt = createSimRuntime({ clock })
    const sb = await rt.startSandbox(sandboxConfig())
    const c = await rt.startContainer(sb, container('job', { runsToCompletion: true }), await rt.pullImage('busybox'))
    expect(c.id).toMatch(/^kubeling:\/\/[0-9a-f]{64}$/)
    expect(c.logPath).toBe(join(dir, 'logs', 'job', '0.log'))
    await clock.advance(999)
    expect(await settled(c.exited)).toBeUndefined()
    await clock.advance(1)
    const exit = await c.exited
    expect(exit).toEqual({ exitCode: 0, reason: 'Completed', finishedAt: clock.now() })
    expect(await readLogText(c.logPath)).toBe('[sim] container job started\n[sim] container job finished with exit code 0\n')
    await rt.close()
  })

  it('reads exit code and run time from annotations, per container winning', async () => {
    const clock = new FakeClock()
    const rt = createSimRuntime({ clock })
    const sb = await rt.startSandbox(
      sandboxConfig({ 'sim.kubeling.io/exit-code': '3', 'sim.kubeling.io/exit-code.b': '0', 'sim.kubeling.io/run-seconds': '2.5' }),
    )
    const img = await rt.pullImage('alpine')
    const a = await rt.startContainer(sb, container('a', { runsToCompletion: true }), img)
    const b = await rt.startContainer(sb, container('b', { runsToCompletion: true }), img)
    // run-seconds also ends a long-running container: CrashLoopBackOff on demand.
    const c = await rt.startContainer(sb, container('c'), img)
    await clock.advance(2499)
    expect(await settled(a.exited)).toBeUndefined()
    await clock.advance(1)
    expect(await a.exited).toMatchObject({ exitCode: 3, reason: 'Error' })
    expect(await b.exited).toMatchObject({ exitCode: 0, reason: 'Completed' })
    expect(await c.exited).toMatchObject({ exitCode: 3, reason: 'Error' })
  })

  it('keeps long-running containers until stop; SIGTERM exits 0 at once', async () => {
    const clock = new FakeClock()
    const rt = createSimRuntime({ clock })
    const sb = await rt.startSandbox(sandboxConfig())
    const c = await rt.startContainer(sb, container('web'), await rt.pullImage('nginx:1.25'))
    await clock.advance(3_600_000)
    expect(await settled(c.exited)).toBeUndefined()
    const exit = await c.stop(30_000)
    expect(exit).toMatchObject({ exitCode: 0, reason: 'Completed' })
    expect(clock.pending()).toBe(0)
    expect(await readLogText(c.logPath)).toContain('received SIGTERM, exiting')
    expect(await c.stop(30_000)).toBe(exit)
  })

  it('kills with 137 after the grace period when SIGTERM is ignored, and at once with grace 0', async () => {
    const clock = new FakeClock()
    const rt = createSimRuntime({ clock })
    const sb = await rt.startSandbox(sandboxConfig({ 'sim.kubeling.io/ignore-sigterm': 'true' }))
    const img = await rt.pullImage('nginx')
    const c = await rt.startContainer(sb, container('web'), img)
    const stopping = c.stop(30_000)
    await clock.advance(29_999)
    expect(await settled(stopping)).toBeUndefined()
    await clock.advance(1)
    expect(await stopping).toMatchObject({ exitCode: 137, reason: 'Error', signal: 'SIGKILL' })
    const d = await rt.startContainer(sb, container('d'), img)
    expect(await d.stop(0)).toMatchObject({ exitCode: 137, signal: 'SIGKILL' })
  })

  it('waits the configured start delay', async () => {
    const clock = new FakeClock()
    const rt = createSimRuntime({ clock, startDelayMs: 500 })
    const sb = await rt.startSandbox(sandboxConfig())
    const starting = rt.startContainer(sb, container('web'), await rt.pullImage('nginx'))
    expect(await settled(starting)).toBeUndefined()
    await clock.advance(500)
    expect((await starting).startedAt).toBe(500)
  })

  it('stopSandbox ends what is left', async () => {
    const rt = createSimRuntime({ clock: new FakeClock() })
    const sb = await rt.startSandbox(sandboxConfig())
    const c = await rt.startContainer(sb, container('web'), await rt.pullImage('nginx'))
    await rt.stopSandbox(sb)
    expect((await c.exited).exitCode).toBe(137)
  })

  it('pulls: stand-ins, simulated unknowns, failing unknowns', async () => {
    expect(await createSimRuntime().pullImage('foo')).toEqual({
      image: 'docker.io/library/foo:latest',
      imageID: expect.stringMatching(/^docker\.io\/library\/foo@sha256:/),
      simulated: true,
    })
    await expect(createSimRuntime({ unknownImages: 'fail' }).pullImage('foo:1.0')).rejects.toBeInstanceOf(ImageError)
    await expect(createSimRuntime().pullImage('UPPER')).rejects.toMatchObject({ reason: 'InvalidImageName' })
  })

  it('execs a real process with the container env', async () => {
    const rt = createSimRuntime()
    const sb = await rt.startSandbox(sandboxConfig())
    const cfg = container('web', { env: [['FOO', 'one'], ['FOO', 'bar']] })
    const c = await rt.startContainer(sb, cfg, await rt.pullImage('nginx'))
    const s = await rt.exec(sb, c, cfg, { command: ['printenv', 'FOO'], tty: false, stdin: false })
    expect(await text(s.stdout)).toBe('bar\n')
    expect(await s.exited).toBe(0)
    const err = await rt.exec(sb, c, cfg, { command: ['no-such-cmd'], tty: false, stdin: false }).catch((e) => e)
    expect(err).toBeInstanceOf(ExecStartError)
    expect(err.exitCode).toBe(127)
    expect(err.message).toMatch(/^failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "no-such-cmd": executable file not found in \$PATH: unknown$/)
    await c.stop(0)
  })

  it('holds 10,000 containers cheaply', async () => {
    const clock = new FakeClock()
    const rt = createSimRuntime({ clock })
    const exits: Promise<ContainerExit>[] = []
    for (let n = 0; n < 1000; n++) {
      const sb = await rt.startSandbox({ ...sandboxConfig({ 'sim.kubeling.io/run-seconds': '5' }), podDir: join(dir, `pod-${n}`) })
      for (let i = 0; i < 10; i++) exits.push((await rt.startContainer(sb, container(`c${i}`), await rt.pullImage('nginx'))).exited)
    }
    await clock.advance(5000)
    const all = await Promise.all(exits)
    expect(all.every((e) => e.exitCode === 0)).toBe(true)
    expect(await readLogText(join(dir, 'pod-999', 'logs', 'c9', '0.log'))).toContain('started')
  }, 60_000)
})
