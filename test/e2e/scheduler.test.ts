// The scheduler as a real process against a real apiserver process. Nodes are
// plain API objects (no kubelet yet); what is checked is where pods land,
// the Events and conditions the scheduler writes, and its metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

function nodeManifest(name: string, options: { cpu?: string; labels?: Record<string, string>; taints?: Json[] } = {}): Json {
  const allocatable = { cpu: options.cpu ?? '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' }
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...options.labels } },
    spec: options.taints ? { taints: options.taints } : {},
    status: { capacity: allocatable, allocatable },
  }
}

async function createNode(api: ApiClient, manifest: Json): Promise<void> {
  const node = await api.create('/api/v1/nodes', manifest)
  // Nodes take status on create; the explicit status write mirrors what a kubelet does on updates.
  const res = await api.put(`/api/v1/nodes/${manifest.metadata.name}/status`, { ...node, status: manifest.status })
  expect(res.status).toBe(200)
}

function podManifest(name: string, spec: Json = {}, metadata: Json = {}): Json {
  const { requests, ...rest } = spec
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, ...metadata },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', ...(requests ? { resources: { requests } } : {}) }], ...rest },
  }
}

async function createPod(api: ApiClient, ns: string, manifest: Json): Promise<void> {
  await api.create(`/api/v1/namespaces/${ns}/pods`, manifest)
}

async function nodeOf(api: ApiClient, ns: string, name: string, ms = 15_000): Promise<string> {
  return waitFor(`pod ${ns}/${name} to be bound`, async () => {
    const pod = await api.read(`/api/v1/namespaces/${ns}/pods/${name}`)
    return pod.spec.nodeName || undefined
  }, ms)
}

async function eventsOf(api: ApiClient, ns: string, pod: string, reason: string): Promise<Json[]> {
  const list = await api.read(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name=${pod},reason=${reason}`)
  return list.items
}

async function failedSchedulingMessage(api: ApiClient, ns: string, pod: string): Promise<string> {
  const events = await waitFor(`FailedScheduling for ${pod}`, async () => {
    const found = await eventsOf(api, ns, pod, 'FailedScheduling')
    return found.length > 0 ? found : undefined
  })
  return events[0].message
}

async function metricValue(scheduler: SchedulerProcess, series: string): Promise<number> {
  const text = await (await fetch(`${scheduler.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

describe('scheduler process', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  let api: ApiClient
  const ns = 'default'

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    await createNode(api, nodeManifest('node-a', { labels: { disk: 'ssd' } }))
    await createNode(api, nodeManifest('node-b'))
    await createNode(api, nodeManifest('node-c', { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }))
    scheduler = await startSchedulerProcess(apiserver.url)
  }, 60_000)

  afterAll(async () => {
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('binds a pod to a node that fits, with a Scheduled Event and PodScheduled=True', async () => {
    await createPod(api, ns, podManifest('plain'))
    const node = await nodeOf(api, ns, 'plain')
    expect(['node-a', 'node-b']).toContain(node)
    const scheduled = await waitFor('Scheduled event', async () => (await eventsOf(api, ns, 'plain', 'Scheduled'))[0])
    expect(scheduled.message).toBe(`Successfully assigned default/plain to ${node}`)
    expect(scheduled.type).toBe('Normal')
    expect(scheduled.source.component).toBe('default-scheduler')
    const pod = await api.read(`/api/v1/namespaces/${ns}/pods/plain`)
    expect(pod.status.conditions.find((c: Json) => c.type === 'PodScheduled').status).toBe('True')
  })

  it('honours nodeSelector', async () => {
    for (const name of ['ssd-1', 'ssd-2', 'ssd-3']) await createPod(api, ns, podManifest(name, { nodeSelector: { disk: 'ssd' } }))
    for (const name of ['ssd-1', 'ssd-2', 'ssd-3']) expect(await nodeOf(api, ns, name)).toBe('node-a')
  })

  it('keeps pods off a tainted node unless they tolerate the taint, with the upstream message', async () => {
    const onC = { nodeSelector: { 'kubernetes.io/hostname': 'node-c' } }
    await createPod(api, ns, podManifest('tolerates', { ...onC, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] }))
    expect(await nodeOf(api, ns, 'tolerates')).toBe('node-c')

    await createPod(api, ns, podManifest('intolerant', onC))
    const message = await failedSchedulingMessage(api, ns, 'intolerant')
    expect(message).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: x}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    )
    const pod = await waitFor('PodScheduled=False', async () => {
      const p = await api.read(`/api/v1/namespaces/${ns}/pods/intolerant`)
      return p.status.conditions?.some((c: Json) => c.type === 'PodScheduled' && c.status === 'False') ? p : undefined
    })
    const condition = pod.status.conditions.find((c: Json) => c.type === 'PodScheduled')
    expect(condition).toMatchObject({ status: 'False', reason: 'Unschedulable', message })
    expect(pod.spec.nodeName).toBeUndefined()
    expect(await metricValue(scheduler, 'scheduler_schedule_attempts_total{result="unschedulable",profile="default-scheduler"}')).toBeGreaterThanOrEqual(1)

    // Taking the taint off lets it in.
    const nodeC = await api.read('/api/v1/nodes/node-c')
    await api.put('/api/v1/nodes/node-c', { ...nodeC, spec: { ...nodeC.spec, taints: [] } })
    expect(await nodeOf(api, ns, 'intolerant')).toBe('node-c')
    await api.put('/api/v1/nodes/node-c', { ...(await api.read('/api/v1/nodes/node-c')), spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] } })
  })

  it('reports exhausted resources exactly and binds as soon as a node that fits is added', async () => {
    await createPod(api, ns, podManifest('big', { requests: { cpu: '3' } }))
    const message = await failedSchedulingMessage(api, ns, 'big')
    expect(message).toBe(
      // More cpu than any node has at all: evicting pods cannot help either (upstream since v1.34).
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: x}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    )
    await createNode(api, nodeManifest('node-big', { cpu: '8' }))
    expect(await nodeOf(api, ns, 'big')).toBe('node-big')
    // A second one fits beside it; a third does not (8 cpu), and waits.
    await createPod(api, ns, podManifest('big-2', { requests: { cpu: '3' } }))
    expect(await nodeOf(api, ns, 'big-2')).toBe('node-big')
    await createPod(api, ns, podManifest('big-3', { requests: { cpu: '3' } }))
    expect(await failedSchedulingMessage(api, ns, 'big-3')).toContain('0/4 nodes are available: ')
    expect(await failedSchedulingMessage(api, ns, 'big-3')).toContain('3 Insufficient cpu')
    // Deleting a pod frees room: the waiting one moves in.
    expect((await api.delete(`/api/v1/namespaces/${ns}/pods/big?gracePeriodSeconds=0`)).status).toBe(200)
    expect(await nodeOf(api, ns, 'big-3')).toBe('node-big')
  })

  it('places nothing on a cordoned node', async () => {
    for (const name of ['node-a', 'node-big']) {
      const node = await api.read(`/api/v1/nodes/${name}`)
      await api.put(`/api/v1/nodes/${name}`, { ...node, spec: { ...node.spec, unschedulable: true } })
    }
    const names = ['c-1', 'c-2', 'c-3', 'c-4']
    for (const name of names) await createPod(api, ns, podManifest(name))
    for (const name of names) expect(await nodeOf(api, ns, name)).toBe('node-b')
    for (const name of ['node-a', 'node-big']) {
      const node = await api.read(`/api/v1/nodes/${name}`)
      await api.put(`/api/v1/nodes/${name}`, { ...node, spec: { ...node.spec, unschedulable: false } })
    }
  })

  it('spreads a burst of 6 replicas 2/2/2 over 3 equal nodes', async () => {
    for (const name of ['burst-1', 'burst-2', 'burst-3']) await createNode(api, nodeManifest(name, { labels: { pool: 'burst' } }))
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8', uid: '6c1a7f3e-0d5b-4c1e-9a8e-1f2b3c4d5e6f', controller: true, blockOwnerDeletion: true }
    const names = Array.from({ length: 6 }, (_, i) => `web-7d9f8-${i}`)
    await Promise.all(names.map((name) => createPod(api, ns, podManifest(name, { nodeSelector: { pool: 'burst' } }, { labels: { app: 'web' }, ownerReferences: [owner] }))))
    const placed = await Promise.all(names.map((name) => nodeOf(api, ns, name)))
    const counts: Record<string, number> = {}
    for (const node of placed) counts[node] = (counts[node] ?? 0) + 1
    expect(counts).toEqual({ 'burst-1': 2, 'burst-2': 2, 'burst-3': 2 })
  })

  it('serves /healthz and Prometheus metrics', async () => {
    expect(await (await fetch(`${scheduler.url}/healthz`)).text()).toBe('ok')
    const res = await fetch(`${scheduler.url}/metrics`)
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    const text = await res.text()
    expect(text).toContain('# TYPE scheduler_scheduling_attempt_duration_seconds histogram')
    expect(text).toMatch(/scheduler_pending_pods\{queue="active"\} \d+/)
    expect(await metricValue(scheduler, 'scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"}')).toBeGreaterThanOrEqual(15)
  })
})

describe('two scheduler processes with leader election', () => {
  let apiserver: ApiserverProcess
  let api: ApiClient
  const schedulers: SchedulerProcess[] = []
  const ns = 'default'
  const fastLease = ['--leader-elect-lease-duration=3s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=500ms']

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    for (const name of ['le-1', 'le-2']) await createNode(api, nodeManifest(name))
    schedulers.push(await startSchedulerProcess(apiserver.url, { args: fastLease }))
    schedulers.push(await startSchedulerProcess(apiserver.url, { args: fastLease }))
  }, 60_000)

  afterAll(async () => {
    for (const s of schedulers) await s.stop()
    await apiserver?.cleanup()
  })

  async function holder(): Promise<string> {
    const lease = await api.read('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler')
    return lease.spec.holderIdentity
  }

  async function scheduledEvents(): Promise<Json[]> {
    return (await api.read(`/api/v1/namespaces/${ns}/events?fieldSelector=reason=Scheduled`)).items as Json[]
  }

  function identityOf(s: SchedulerProcess): string {
    const line = s.logLines('attempting to acquire leader lease')[0]
    return String(line?.identity)
  }

  it('binds every pod exactly once, and the survivor takes over when the leader dies', async () => {
    const first = await waitFor('a leader', async () => (await holder()) || undefined)
    const leader = schedulers.find((s) => identityOf(s) === first)!
    const standby = schedulers.find((s) => s !== leader)!
    expect(leader).toBeDefined()

    const batch1 = Array.from({ length: 20 }, (_, i) => `le-a-${i}`)
    await Promise.all(batch1.map((name) => createPod(api, ns, podManifest(name))))
    for (const name of batch1) await nodeOf(api, ns, name)
    const scheduledMetric = 'scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"}'
    // The count and the Events follow each binding's answer: wait for them before the leader dies.
    await waitFor('the leader to count 20 bindings', async () => (await metricValue(leader, scheduledMetric)) === 20 || undefined)
    await waitFor('20 Scheduled events', async () => (await scheduledEvents()).length === 20 || undefined)
    expect(await metricValue(standby, scheduledMetric)).toBe(0)

    await leader.kill()
    const batch2 = Array.from({ length: 10 }, (_, i) => `le-b-${i}`)
    await Promise.all(batch2.map((name) => createPod(api, ns, podManifest(name))))
    for (const name of batch2) await nodeOf(api, ns, name, 20_000)
    expect(await holder()).toBe(identityOf(standby))
    await waitFor('the survivor to count 10 bindings', async () => (await metricValue(standby, scheduledMetric)) === 10 || undefined)

    // Exactly one Scheduled Event per pod: nothing was bound twice.
    const events = await waitFor('30 Scheduled events', async () => {
      const items = await scheduledEvents()
      return items.length >= 30 ? items : undefined
    })
    const perPod = new Map<string, number>()
    for (const e of events) perPod.set(e.involvedObject.name, (perPod.get(e.involvedObject.name) ?? 0) + (e.count ?? 1))
    for (const name of [...batch1, ...batch2]) expect(perPod.get(name)).toBe(1)
  }, 60_000)
})

describe('scheduler across an apiserver restart', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess

  afterAll(async () => {
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('reconnects its watches and goes on binding, without binding a pod twice', async () => {
    apiserver = await startApiserverProcess({ storage: 'leveldb' })
    let api = apiClient(apiserver.url)
    await createNode(api, nodeManifest('restart-1'))
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'] })
    await createPod(api, 'default', podManifest('before'))
    expect(await nodeOf(api, 'default', 'before')).toBe('restart-1')
    // The Event follows the binding; let it land before the apiserver goes away.
    await waitFor('the Scheduled event of before', async () => (await eventsOf(api, 'default', 'before', 'Scheduled'))[0])

    const { port, dataDir } = apiserver
    await apiserver.stop()
    apiserver = await startApiserverProcess({ storage: 'leveldb', port, dataDir })
    api = apiClient(apiserver.url)
    await createPod(api, 'default', podManifest('after'))
    expect(await nodeOf(api, 'default', 'after', 30_000)).toBe('restart-1')
    expect(scheduler.exited()).toBe(false)
    const scheduled = await waitFor('both Scheduled events', async () => {
      const items = (await api.read('/api/v1/namespaces/default/events?fieldSelector=reason=Scheduled')).items as Json[]
      return items.length >= 2 ? items : undefined
    })
    expect(scheduled.map((e) => e.involvedObject.name).sort()).toEqual(['after', 'before'])
  }, 60_000)
})
