import { describe, expect, it } from 'vitest'
import { FakeClock, flushMicrotasks } from '../../shared/clock.ts'
import type { Container, Pod, PodStatus } from '../../shared/core-types.ts'
import { createLogger } from '../../shared/logger.ts'
import { ImageError, StartError, type ContainerExit, type ContainerRuntime, type RunningContainer } from '../runtime/types.ts'
import { PodWorker, type PodWorkerDeps } from './pod-worker.ts'

interface FakeContainer {
  name: string
  finish(exitCode: number): void
  stoppedWith?: number
}

function fakeRuntime(clock: FakeClock, options: { startErrors?: Set<string> } = {}) {
  const started: FakeContainer[] = []
  let ids = 0
  const runtime: ContainerRuntime = {
    name: 'fake',
    startSandbox: async (config) => ({ id: `sandbox-${config.uid}`, config }),
    stopSandbox: async () => {},
    pullImage: async (image) => {
      if (image === 'no-such-image:1.0') throw new ImageError('ErrImagePull', 'failed to pull and unpack image "docker.io/library/no-such-image:1.0": not found')
      if (image === 'Bad Image') throw new ImageError('InvalidImageName', 'Failed to apply default image tag "Bad Image": couldn\'t parse image name "Bad Image": invalid reference format')
      return { image: `docker.io/library/${image}`, imageID: `docker.io/library/${image}@sha256:0`, simulated: false }
    },
    async startContainer(_sandbox, config) {
      if (options.startErrors?.has(config.name)) throw new StartError(`exec: "${config.command[0]}": executable file not found in $PATH: unknown`)
      let resolve!: (exit: ContainerExit) => void
      const exited = new Promise<ContainerExit>((r) => (resolve = r))
      const fake: FakeContainer = { name: config.name, finish: (exitCode) => resolve({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: clock.now() }) }
      started.push(fake)
      const container: RunningContainer = {
        id: `kubeling://${++ids}`, startedAt: clock.now(), exited, logPath: '/dev/null',
        stop: async (grace) => {
          fake.stoppedWith = grace
          fake.finish(137)
          return exited
        },
      }
      return container
    },
    exec: async () => { throw new Error('no exec') },
    close: async () => {},
  }
  return { runtime, started }
}

function makePod(containers: Container[], spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { containers, nodeName: 'node-1', ...spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  }
}

function setup(pod: Pod, options: { startErrors?: Set<string> } = {}) {
  const clock = new FakeClock(Date.parse('2026-11-23T12:00:00Z'))
  const { runtime, started } = fakeRuntime(clock, options)
  const statuses: PodStatus[] = []
  const events: string[] = []
  const deleted: Pod[] = []
  const deps: PodWorkerDeps = {
    runtime, clock, log: createLogger('test', 'silent'),
    recorder: { event: (_o, type, reason, message) => void events.push(`${type} ${reason} ${message}`) },
    nodeName: 'node-1', hostIP: '127.0.1.1',
    podDir: () => '/tmp/pod', allocateIP: () => '127.129.1.2', releaseIP: () => {},
    prepareVolumes: async () => ({ volumes: new Map(), mountsFor: async () => [] }),
    resolveEnv: async (_p, c) => (c.env ?? []).map((e) => [e.name ?? '', e.value ?? ''] as [string, string]),
    expand: (args) => [...args],
    publishStatus: (_p, status) => void statuses.push(status),
    confirmDeletion: async (p) => void deleted.push(p),
    backoff: { initialMs: 10_000, maxMs: 300_000 },
  }
  const worker = new PodWorker(pod, deps)
  const settle = async () => {
    for (let i = 0; i < 5; i++) await flushMicrotasks()
  }
  const last = () => statuses.at(-1)!
  const container = (name: string) => (last().containerStatuses as Array<Record<string, any>>).find((c) => c.name === name)!
  return { clock, worker, started, statuses, events, deleted, settle, last, container }
}

describe('PodWorker', () => {
  it('starts the containers and reports Running and Ready with upstream Events', async () => {
    const t = setup(makePod([{ name: 'app', image: 'nginx:1.25' }]))
    t.worker.requestSync()
    await t.settle()
    expect(t.last().phase).toBe('Running')
    expect(t.last().podIP).toBe('127.129.1.2')
    expect(t.container('app')).toMatchObject({ ready: true, started: true, restartCount: 0, containerID: 'kubeling://1', state: { running: { startedAt: '2026-11-23T12:00:00Z' } } })
    const conditions = Object.fromEntries((t.last().conditions ?? []).map((c) => [c.type, c.status]))
    expect(conditions).toEqual({ PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' })
    expect(t.events).toEqual([
      'Normal Pulled Container image "nginx:1.25" already present on machine',
      'Normal Created Created container: app',
      'Normal Started Started container app',
    ])
  })

  it('restarts a crashing container at once, then backs off 10 s, 20 s …', async () => {
    const t = setup(makePod([{ name: 'app', image: 'busybox' }]))
    t.worker.requestSync()
    await t.settle()
    t.started[0].finish(1)
    await t.settle()
    expect(t.started).toHaveLength(2)
    expect(t.container('app')).toMatchObject({ restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error' } } })

    t.started[1].finish(1)
    await t.settle()
    expect(t.started).toHaveLength(2)
    expect(t.container('app').state.waiting).toEqual({ reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=web_default(uid-1)' })
    expect(t.events.filter((e) => e.includes('BackOff'))).toEqual(['Warning BackOff Back-off restarting failed container app in pod web_default(uid-1)'])
    expect(t.last().phase).toBe('Running')

    await t.clock.advance(9_999)
    expect(t.started).toHaveLength(2)
    await t.clock.advance(1)
    await t.settle()
    expect(t.started).toHaveLength(3)
    expect(t.container('app').restartCount).toBe(2)

    t.started[2].finish(2)
    await t.settle()
    expect(t.container('app').state.waiting.message).toContain('back-off 20s')
  })

  it('leaves a failed container of a Never pod as it is and reports Failed', async () => {
    const t = setup(makePod([{ name: 'app', image: 'busybox' }], { restartPolicy: 'Never' }))
    t.worker.requestSync()
    await t.settle()
    t.started[0].finish(1)
    await t.settle()
    expect(t.started).toHaveLength(1)
    expect(t.last().phase).toBe('Failed')
    expect(t.container('app').state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' })
    const ready = t.last().conditions!.find((c) => c.type === 'Ready')!
    expect(ready).toMatchObject({ status: 'False', reason: 'PodCompleted' })
  })

  it('completes an OnFailure pod whose container exits 0, and restarts one that fails', async () => {
    const t = setup(makePod([{ name: 'ok', image: 'busybox' }, { name: 'flaky', image: 'busybox' }], { restartPolicy: 'OnFailure' }))
    t.worker.requestSync()
    await t.settle()
    t.started.find((c) => c.name === 'flaky')!.finish(1)
    await t.settle()
    expect(t.started.filter((c) => c.name === 'flaky')).toHaveLength(2)
    t.started.find((c) => c.name === 'ok')!.finish(0)
    t.started.filter((c) => c.name === 'flaky')[1].finish(0)
    await t.settle()
    expect(t.last().phase).toBe('Succeeded')
    expect(t.container('flaky').restartCount).toBe(1)
  })

  it('runs init containers one by one before the containers', async () => {
    const t = setup(makePod([{ name: 'app', image: 'nginx' }], { initContainers: [{ name: 'init-a', image: 'busybox' }, { name: 'init-b', image: 'busybox' }] }))
    t.worker.requestSync()
    await t.settle()
    expect(t.started.map((c) => c.name)).toEqual(['init-a'])
    expect(t.last().phase).toBe('Pending')
    expect(t.container('app').state.waiting.reason).toBe('PodInitializing')
    t.started[0].finish(0)
    await t.settle()
    expect(t.started.map((c) => c.name)).toEqual(['init-a', 'init-b'])
    t.started[1].finish(0)
    await t.settle()
    expect(t.started.map((c) => c.name)).toEqual(['init-a', 'init-b', 'app'])
    expect(t.last().phase).toBe('Running')
    expect(t.last().conditions!.find((c) => c.type === 'Initialized')!.status).toBe('True')
  })

  it('stops containers with the pod\'s grace period on deletion, then confirms', async () => {
    const pod = makePod([{ name: 'app', image: 'nginx' }], { terminationGracePeriodSeconds: 30 })
    const t = setup(pod)
    t.worker.requestSync()
    await t.settle()
    t.worker.update({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-11-23T12:00:30Z', deletionGracePeriodSeconds: 5 } })
    await t.settle()
    expect(t.started[0].stoppedWith).toBe(5000)
    expect(t.events).toContain('Normal Killing Stopping container app')
    expect(t.deleted).toHaveLength(1)
    expect(t.container('app').state.terminated).toMatchObject({ exitCode: 137 })
  })

  it('reports a command that cannot run as StartError with exit code 128', async () => {
    const t = setup(makePod([{ name: 'app', image: 'busybox', command: ['invalid_command'] }], { restartPolicy: 'Never' }), { startErrors: new Set(['app']) })
    t.worker.requestSync()
    await t.settle()
    expect(t.container('app').state.terminated).toMatchObject({ exitCode: 128, reason: 'StartError' })
    expect(t.last().phase).toBe('Failed')
    expect(t.events.some((e) => e.startsWith('Warning Failed Error: exec: "invalid_command": executable file not found in $PATH'))).toBe(true)
  })

  it('an image that cannot be pulled goes ErrImagePull, then ImagePullBackOff, and is tried again after the back-off', async () => {
    const t = setup(makePod([{ name: 'app', image: 'no-such-image:1.0' }]))
    t.worker.requestSync()
    await t.settle()
    expect(t.container('app').state.waiting.reason).toBe('ErrImagePull')
    expect(t.events).toContain('Warning Failed Error: ErrImagePull')
    expect(t.last().phase).toBe('Pending')
    t.worker.requestSync()
    await t.settle()
    expect(t.container('app').state.waiting.reason).toBe('ImagePullBackOff')
    expect(t.events).toContain('Normal BackOff Back-off pulling image "no-such-image:1.0"')
    const pulls = () => t.events.filter((e) => e.startsWith('Normal Pulling')).length
    expect(pulls()).toBe(1)
    await t.clock.advance(10_000)
    await t.settle()
    expect(pulls()).toBe(2)
    expect(t.container('app').state.waiting.reason).toBe('ErrImagePull')
  })

  it('an invalid image reference waits with InvalidImageName', async () => {
    const t = setup(makePod([{ name: 'app', image: 'Bad Image' }]))
    t.worker.requestSync()
    await t.settle()
    expect(t.container('app').state.waiting).toMatchObject({ reason: 'InvalidImageName' })
    expect(t.events).toContain('Warning Failed Error: InvalidImageName')
    expect(t.started).toHaveLength(0)
  })
})
