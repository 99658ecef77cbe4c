// The walkthrough's last hop for real: apiserver, scheduler and two kubelet
// processes (process runtime); pods created with real kubectl are bound,
// run as real processes or built-in stand-ins, and reported back.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { freePort, startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { testTempDir } from '../support/global-temp-dir.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { probeNamespaceTools } from '../../kubelet/runtime/pod-namespaces.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

const ns = 'default'

async function readPod(api: ApiClient, name: string): Promise<Json> {
  return api.read(`/api/v1/namespaces/${ns}/pods/${name}`)
}

async function podWhere(api: ApiClient, name: string, what: string, test: (pod: Json) => boolean, ms = 20_000): Promise<Json> {
  return waitFor(`pod ${name} ${what}`, async () => {
    const pod = await readPod(api, name)
    return test(pod) ? pod : undefined
  }, ms)
}

const isReady = (pod: Json) => pod.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True')

async function applyPod(kubectl: Kubectl, manifest: Json): Promise<void> {
  await kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', ...manifest }) })
}

/** The pod's row of `kubectl get pod`: READY, STATUS, RESTARTS. */
async function row(kubectl: Kubectl, name: string): Promise<string[]> {
  const out = await kubectl.ok(['get', 'pod', name, '--no-headers'])
  return out.trim().split(/\s{2,}/).slice(1, 4)
}

describe('kubelet processes with the process runtime', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  const kubelets: KubeletProcess[] = []
  let api: ApiClient
  let kubectl: Kubectl

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    kubelets.push(await startKubeletProcess(apiserver.url, { nodeName: 'node-1', nodeIP: '127.0.77.1' }))
    kubelets.push(await startKubeletProcess(apiserver.url, { nodeName: 'node-2', nodeIP: '127.0.77.2' }))
    kubectl = kubectlFor(kubectlVersions()[0].binary, apiserver.url)
    await waitFor('both nodes Ready', async () => {
      const nodes = (await api.read('/api/v1/nodes')).items as Json[]
      return nodes.filter((n) => n.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True')).length === 2 || undefined
    })
  }, 90_000)

  afterAll(async () => {
    for (const k of kubelets) await k.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('runs nginx: Running 1/1, its page at the pod IP, and upstream Events', async () => {
    await kubectl.ok(['run', 'web', '--image=nginx:1.25', '--port=80'])
    const pod = await podWhere(api, 'web', 'ready', isReady)
    expect(pod.status.phase).toBe('Running')
    expect(pod.status.hostIP).toMatch(/^127\.0\.77\.[12]$/)
    expect(pod.status.podIP).toMatch(/^127\.205\.[12]\.\d+$/)
    expect(pod.status.containerStatuses[0]).toMatchObject({ name: 'web', ready: true, started: true, restartCount: 0, image: 'docker.io/library/nginx:1.25' })
    expect(await row(kubectl, 'web')).toEqual(['1/1', 'Running', '0'])
    const page = await (await fetch(`http://${pod.status.podIP}/`)).text()
    expect(page).toContain('Welcome to nginx!')
    const events = await waitFor('Started event', async () => {
      const list = (await api.read(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name=web`)).items as Json[]
      return list.some((e) => e.reason === 'Started') ? list : undefined
    })
    const messages = events.filter((e) => e.source.component === 'kubelet').map((e) => `${e.reason}: ${e.message}`)
    expect(messages).toEqual(['Pulled: Container image "nginx:1.25" already present on machine', 'Created: Created container: web', 'Started: Started container web'])
    expect(events.find((e) => e.reason === 'Started').source.host).toBe(pod.spec.nodeName)
  })

  it('gives containers their fieldRef environment: kubectl logs shows $HOST_IP $NODE_NAME, and exec sees it too', async () => {
    await applyPod(kubectl, {
      metadata: { name: 'env' },
      spec: {
        containers: [{
          name: 'env', image: 'busybox', command: ['sh', '-c', 'echo "$HOST_IP $NODE_NAME"; sleep 3600'],
          env: [
            { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
            { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          ],
        }],
      },
    })
    const pod = await podWhere(api, 'env', 'running', (p) => p.status?.phase === 'Running')
    const logs = await waitFor('the log line', async () => (await kubectl.ok(['logs', 'env'])).trim() || undefined)
    expect(logs).toBe(`${pod.status.hostIP} ${pod.spec.nodeName}`)
    for (const { binary } of kubectlVersions()) {
      const k = kubectlFor(binary, apiserver.url)
      expect((await k.ok(['exec', 'env', '--', 'printenv', 'NODE_NAME'])).trim()).toBe(pod.spec.nodeName)
      const failed = await k(['exec', 'env', '--', 'sh', '-c', 'echo out; exit 3'])
      expect(failed.code).toBe(3)
      expect(failed.stdout.trim()).toBe('out')
    }
  })

  // Mount paths exist for container processes only inside the per-pod namespaces, which need root and unshare.
  it.skipIf(!probeNamespaceTools())('two containers share an emptyDir: one writes index.html, nginx serves it through kubectl port-forward', async () => {
    await applyPod(kubectl, {
      metadata: { name: 'shared' },
      spec: {
        volumes: [{ name: 'html', emptyDir: {} }],
        containers: [
          { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/html' }] },
          { name: 'writer', image: 'busybox', command: ['sh', '-c', 'echo "written by the other container" > /html/index.html; sleep 3600'], volumeMounts: [{ name: 'html', mountPath: '/html' }] },
        ],
      },
    })
    await podWhere(api, 'shared', 'ready', isReady)
    const localPort = await freePort()
    const forward = kubectl.start(['port-forward', 'pod/shared', `${localPort}:80`])
    try {
      await forward.waitForOutput(/Forwarding from/)
      const page = await waitFor('the written page', async () => {
        const text = await (await fetch(`http://127.0.0.1:${localPort}/`)).text()
        return text.includes('written by the other container') ? text : undefined
      })
      expect(page.trim()).toBe('written by the other container')
    } finally {
      forward.kill()
    }
    // kubectl cp reads the same file out of the writer container (tar through exec).
    const dest = join(testTempDir('kubeling-cp-'), 'index.html')
    await kubectl.ok(['cp', '-c', 'writer', 'shared:/html/index.html', dest])
    expect(readFileSync(dest, 'utf8').trim()).toBe('written by the other container')
  })

  it('a crashing container goes to CrashLoopBackOff with growing restarts', async () => {
    await kubectl.ok(['run', 'crash', '--image=busybox', '--', 'sh', '-c', 'echo boom; exit 1'])
    const pod = await podWhere(api, 'crash', 'in CrashLoopBackOff after 2 restarts', (p) => {
      const c = p.status?.containerStatuses?.[0]
      return c?.restartCount >= 2 && c.state?.waiting?.reason === 'CrashLoopBackOff'
    })
    const status = pod.status.containerStatuses[0]
    expect(status.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' })
    expect(status.state.waiting.message).toMatch(/^back-off \ds restarting failed container=crash pod=crash_default\(/)
    const [ready, phase, restarts] = await row(kubectl, 'crash')
    expect(ready).toBe('0/1')
    expect(['CrashLoopBackOff', 'Error', 'Running']).toContain(phase)
    expect(Number(restarts.split(' ')[0])).toBeGreaterThanOrEqual(2)
    expect((await kubectl.ok(['logs', 'crash'])).trim()).toBe('boom')
    expect((await kubectl.ok(['logs', 'crash', '--previous'])).trim()).toBe('boom')
  })

  it('restartPolicy Never with exit 1 ends as STATUS Error; exit 0 as Completed', async () => {
    await kubectl.ok(['run', 'fails', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'exit 1'])
    await kubectl.ok(['run', 'works', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'echo done'])
    const failed = await podWhere(api, 'fails', 'Failed', (p) => p.status?.phase === 'Failed')
    expect(failed.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' })
    expect(await row(kubectl, 'fails')).toEqual(['0/1', 'Error', '0'])
    await podWhere(api, 'works', 'Succeeded', (p) => p.status?.phase === 'Succeeded')
    expect(await row(kubectl, 'works')).toEqual(['0/1', 'Completed', '0'])
  })

  it('a command that cannot run gives StartError with exit code 128', async () => {
    await kubectl.ok(['run', 'nocmd', '--image=busybox', '--restart=Never', '--command', '--', 'invalid_command'])
    const pod = await podWhere(api, 'nocmd', 'Failed', (p) => p.status?.phase === 'Failed')
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 128, reason: 'StartError' })
    expect(pod.status.containerStatuses[0].state.terminated.message).toContain('exec: "invalid_command": executable file not found in $PATH')
  })

  it('a failing readiness probe keeps READY 0/1 with an Unhealthy event', async () => {
    await applyPod(kubectl, {
      metadata: { name: 'unready' },
      spec: { containers: [{ name: 'web', image: 'nginx', readinessProbe: { httpGet: { path: '/no-such-page', port: 80 }, periodSeconds: 1 } }] },
    })
    await podWhere(api, 'unready', 'running', (p) => p.status?.phase === 'Running')
    const unhealthy = await waitFor('an Unhealthy event', async () => {
      const list = (await api.read(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name=unready,reason=Unhealthy`)).items as Json[]
      return list[0]
    })
    expect(unhealthy.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 404')
    expect(await row(kubectl, 'unready')).toEqual(['0/1', 'Running', '0'])
    const pod = await readPod(api, 'unready')
    expect(pod.status.conditions.find((c: Json) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' })
  })

  // The container takes 2 s to stop after SIGTERM, so the pod is seen Terminating before the kubelet confirms.
  it('deletes gracefully: SIGTERM, then the kubelet confirms and the pod is gone', async () => {
    await kubectl.ok(['run', 'graceful', '--image=busybox', '--', 'sh', '-c', 'trap "echo got TERM; sleep 2; exit 0" TERM; while true; do sleep 0.1; done'])
    await podWhere(api, 'graceful', 'running', (p) => p.status?.phase === 'Running')
    const deleting = kubectl.start(['delete', 'pod', 'graceful', '--grace-period=20'])
    await podWhere(api, 'graceful', 'terminating', (p) => Boolean(p.metadata.deletionTimestamp))
    await waitFor('the pod to be gone', async () => (await api.get(`/api/v1/namespaces/${ns}/pods/graceful`)).status === 404 || undefined)
    expect((await deleting.done).code).toBe(0)
  })

  it('a restarted kubelet resumes its pods without duplicates', async () => {
    const before = await readPod(api, 'web')
    const index = kubelets.findIndex((k) => k.nodeName === before.spec.nodeName)
    const old = kubelets[index]
    await old.kill()
    kubelets[index] = await startKubeletProcess(apiserver.url, { nodeName: old.nodeName, nodeIP: index === 0 ? '127.0.77.1' : '127.0.77.2', rootDir: old.rootDir, port: old.port })
    const after = await podWhere(api, 'web', 'ready again on the restarted kubelet', (p) => isReady(p) && p.status.containerStatuses[0].containerID !== before.status.containerStatuses[0].containerID)
    expect(after.metadata.uid).toBe(before.metadata.uid)
    expect(after.status.podIP).toBe(before.status.podIP)
    expect(await (await fetch(`http://${after.status.podIP}/`)).text()).toContain('Welcome to nginx!')
    const nodes = (await api.read('/api/v1/nodes')).items as Json[]
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['node-1', 'node-2'])
  })
})

describe('one kubelet process hosting 100 simulated nodes', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  let kubelet: KubeletProcess
  let api: ApiClient

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    kubelet = await startKubeletProcess(apiserver.url, { runtime: 'sim', args: ['--nodes', '100', '--node-name-prefix', 'sim-'], nodeIP: '127.0.78.1', logLevel: 'warn' })
  }, 90_000)

  afterAll(async () => {
    await kubelet?.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('registers 100 Ready nodes and runs 1,000 pods on them', async () => {
    await waitFor('100 Ready nodes', async () => {
      const nodes = (await api.read('/api/v1/nodes')).items as Json[]
      return nodes.filter((n) => n.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True')).length === 100 || undefined
    }, 60_000)
    const names = Array.from({ length: 1000 }, (_, i) => `sim-pod-${i}`)
    let next = 0
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < names.length) {
        const name = names[next++]
        await api.create(`/api/v1/namespaces/${ns}/pods`, { metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }] } })
      }
    }))
    const pods = await waitFor('1,000 Running pods', async () => {
      const items = (await api.read(`/api/v1/namespaces/${ns}/pods`)).items as Json[]
      return items.filter((p) => p.status?.phase === 'Running' && isReady(p)).length === 1000 ? items : undefined
    }, 120_000)
    const perNode = new Map<string, number>()
    for (const p of pods) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1)
    expect(perNode.size).toBe(100)
    expect(new Set(pods.map((p) => p.status.podIP)).size).toBe(1000)
  }, 180_000)
})
