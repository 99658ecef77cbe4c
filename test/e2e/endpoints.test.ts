// The endpoint, EndpointSlice, disruption and service-lb controllers in a
// real cluster: apiserver, scheduler and a sim kubelet hosting two nodes run
// as processes; the controllers (with the ReplicaSet controller) run in this
// test process with the ControllerContext the controller-manager would give
// them. Real kubectl reads what they wrote.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type Client } from '../../shared/client/index.ts'
import { realClock } from '../../shared/clock.ts'
import { SharedInformerFactory } from '../../shared/informer/index.ts'
import { createLogger } from '../../shared/logger.ts'
import { createControllerContext } from '../../controller-manager/controller-context.ts'
import { disruptionController } from '../../controller-manager/controllers/disruption/disruption-controller.ts'
import { endpointController } from '../../controller-manager/controllers/endpoint/endpoints-controller.ts'
import { endpointSliceController } from '../../controller-manager/controllers/endpointslice/endpointslice-controller.ts'
import { replicaSetController } from '../../controller-manager/controllers/replicaset/replicaset-controller.ts'
import { serviceLBController } from '../../controller-manager/controllers/service-lb/service-lb-controller.ts'
import { apiClient, createNamespace, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

const ipPattern = /^\d+\.\d+\.\d+\.\d+$/

describe('endpoint, EndpointSlice, disruption and service-lb controllers', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  let kubelet: KubeletProcess
  let api: ApiClient
  let client: Client
  let informers: SharedInformerFactory
  let kubectls: Kubectl[] = []
  let ns: string
  let dir: string
  /** Whether the apiserver allocates cluster IPs; if not, Services get one here. */
  let allocatesClusterIPs = false
  let nextClusterIP = 20
  const stop = new AbortController()
  let running: Promise<unknown> | undefined

  const k = (kubectl: Kubectl, ...args: string[]) => kubectl.ok(['-n', ns, ...args])
  const path = (resource: string, name = '') => `/api/v1/namespaces/${ns}/${resource}${name ? `/${name}` : ''}`

  async function createService(manifest: Json): Promise<Json> {
    if (!allocatesClusterIPs && manifest.spec.clusterIP === undefined) manifest.spec.clusterIP = `10.96.84.${nextClusterIP++}`
    return api.create(path('services'), manifest)
  }

  async function webPods(): Promise<Json[]> {
    const list = await api.read(`${path('pods')}?labelSelector=app=web`)
    return (list.items as Json[]).filter((p) => !p.metadata.deletionTimestamp)
  }

  async function readyWebPods(n: number): Promise<Json[]> {
    return waitFor(`${n} ready web pods`, async () => {
      const pods = await webPods()
      const ready = pods.filter((p) => p.status?.podIP && p.status.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'))
      if (ready.length === n && pods.length === n) return ready
      // Said on timeout: what the pods looked like.
      throw new Error(`pods: ${JSON.stringify(pods.map((p) => [p.metadata.name, p.spec.nodeName, p.status?.phase, p.status?.podIP, p.status?.conditions?.map((c: Json) => `${c.type}=${c.status}`)]))}`)
    }, 30_000)
  }

  async function endpointsWith(name: string, check: (ep: Json) => boolean): Promise<Json> {
    return waitFor(`Endpoints ${name} to match`, async () => {
      const res = await api.get(path('endpoints', name))
      return res.status === 200 && check(res.body) ? res.body : undefined
    }, 20_000)
  }

  const readyIPs = (ep: Json): string[] => (ep.subsets ?? []).flatMap((s: Json) => (s.addresses ?? []).map((a: Json) => a.ip)).sort()
  const notReadyIPs = (ep: Json): string[] => (ep.subsets ?? []).flatMap((s: Json) => (s.notReadyAddresses ?? []).map((a: Json) => a.ip)).sort()

  async function slicesOf(service: string): Promise<Json[]> {
    const list = await api.read(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io/service-name=${service}`)
    return list.items as Json[]
  }

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    kubelet = await startKubeletProcess(apiserver.url, { runtime: 'sim', args: ['--nodes', '2', '--node-name-prefix', 'ep-'], nodeIP: '127.0.84.1', logLevel: 'warn' })
    kubectls = kubectlVersions().map((v) => kubectlFor(v.binary, apiserver.url))
    ns = await createNamespace(api, 'ep')
    dir = mkdtempSync(join(tmpdir(), 'kubeling-endpoints-'))

    // The cluster IP allocator may not be there yet: find out once.
    const probe = await api.create(path('services'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ip-probe' }, spec: { ports: [{ port: 1 }] } })
    allocatesClusterIPs = typeof probe.spec?.clusterIP === 'string' && ipPattern.test(probe.spec.clusterIP)
    await api.delete(path('services', 'ip-probe'))

    // Ten watches (one per informer) each hold a connection; writes need room beside them, as in cli.ts.
    client = createClient({ server: apiserver.url, userAgent: 'kubeling-controller-manager/test', connections: 64 })
    informers = new SharedInformerFactory({ client })
    const log = createLogger('controller-manager', process.env.EP_LOG ?? 'silent')
    const ctx = createControllerContext({ client, informers, clock: realClock, log, workers: () => 2 })
    const controllers = [
      replicaSetController, endpointController(), endpointSliceController(), disruptionController(),
      serviceLBController({ loadBalancerIPRange: '127.0.85.0/24' }),
    ]
    const runs = controllers.map((c) => c.init(ctx))
    informers.start()
    await informers.whenSynced()
    running = Promise.all(runs.map((run) => run(stop.signal)))

    await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web', tier: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ name: 'http', containerPort: 80 }] }] } },
      },
    })
    await createService({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { team: 'edge' } },
      spec: { selector: { tier: 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    })
  }, 120_000)

  afterAll(async () => {
    stop.abort()
    await running
    await informers?.stop()
    await client?.close()
    await kubelet?.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
    for (const kubectl of kubectls) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('lists both ready pods of the ReplicaSet in the Service\'s Endpoints, with the named port resolved', async () => {
    const pods = await readyWebPods(2)
    const ips = pods.map((p) => p.status.podIP).sort()
    const ep = await endpointsWith('web', (e) => readyIPs(e).join() === ips.join())
    expect(ep.metadata.labels).toEqual({ team: 'edge' })
    expect(ep.subsets).toHaveLength(1)
    expect(ep.subsets[0].ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }])
    const byIP = Object.fromEntries(pods.map((p) => [p.status.podIP, p]))
    for (const address of ep.subsets[0].addresses) {
      const pod = byIP[address.ip]
      expect(address).toEqual({ ip: pod.status.podIP, nodeName: pod.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid } })
    }
    for (const kubectl of kubectls) {
      const out = await k(kubectl, 'get', 'endpoints', 'web', '--no-headers')
      const [name, endpoints] = out.trim().split(/\s+/)
      expect(name).toBe('web')
      expect(endpoints.split(',').sort()).toEqual(ips.map((ip) => `${ip}:80`))
    }
  })

  it('adds the third pod when the ReplicaSet scales to 3', async () => {
    await k(kubectls[0], 'scale', 'rs', 'web', '--replicas=3')
    const pods = await readyWebPods(3)
    const ips = pods.map((p) => p.status.podIP).sort()
    await endpointsWith('web', (e) => readyIPs(e).join() === ips.join())
  })

  it('keeps an EndpointSlice of the Service that kubectl lists', async () => {
    const pods = await readyWebPods(3)
    const ips = pods.map((p) => p.status.podIP).sort()
    const [slice] = await waitFor('one slice with the 3 pods', async () => {
      const slices = await slicesOf('web')
      const listed = slices.flatMap((s) => (s.endpoints ?? []).flatMap((e: Json) => e.addresses)).sort()
      return slices.length === 1 && listed.join() === ips.join() ? slices : undefined
    })
    const service = await api.read(path('services', 'web'))
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/)
    expect(slice.metadata.labels).toEqual({ team: 'edge', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' })
    expect(slice.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }])
    expect(slice.addressType).toBe('IPv4')
    expect(slice.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }])
    for (const endpoint of slice.endpoints) {
      expect(endpoint.conditions).toEqual({ ready: true, serving: true, terminating: false })
      expect(endpoint.nodeName).toMatch(/^ep-000[01]$/)
      expect(endpoint.targetRef).toMatchObject({ kind: 'Pod', namespace: ns })
    }
    for (const kubectl of kubectls) {
      const out = await k(kubectl, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web')
      const [header, row] = out.trim().split('\n')
      expect(header.split(/\s{2,}/)).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'])
      const cells = row.split(/\s{2,}/)
      expect(cells.slice(0, 3)).toEqual([slice.metadata.name, 'IPv4', '80'])
      expect(cells[3].split(',').sort()).toEqual(ips)
    }
  })

  it('moves a pod whose readiness probe starts failing to notReadyAddresses, and its slice endpoint to ready: false', async () => {
    const flag = join(dir, 'probe-ready')
    writeFileSync(flag, '')
    await api.create(path('pods'), {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probed', labels: { tier: 'web', app: 'probed' } },
      spec: {
        containers: [{
          name: 'nginx', image: 'nginx:1.25', ports: [{ name: 'http', containerPort: 80 }],
          readinessProbe: { exec: { command: ['test', '-e', flag] }, periodSeconds: 1, failureThreshold: 1 },
        }],
      },
    })
    const ready = await waitFor('the probed pod ready', async () => {
      const pod = await api.read(path('pods', 'probed'))
      return pod.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True') ? pod : undefined
    }, 30_000)
    await endpointsWith('web', (e) => readyIPs(e).includes(ready.status.podIP))

    rmSync(flag)
    expect(existsSync(flag)).toBe(false)
    const ep = await endpointsWith('web', (e) => notReadyIPs(e).includes(ready.status.podIP))
    expect(readyIPs(ep)).toHaveLength(3)
    expect(ep.subsets[0].notReadyAddresses).toEqual([expect.objectContaining({ ip: ready.status.podIP, targetRef: expect.objectContaining({ name: 'probed' }) })])
    await waitFor('the slice endpoint not ready', async () => {
      const endpoints = (await slicesOf('web')).flatMap((s) => s.endpoints ?? [])
      const probed = endpoints.find((e: Json) => e.targetRef?.name === 'probed')
      return probed?.conditions.ready === false && probed.conditions.serving === false && probed.conditions.terminating === false ? true : undefined
    })
    // kubectl shows ready addresses only.
    const out = await k(kubectls[0], 'get', 'endpoints', 'web', '--no-headers')
    expect(out).not.toContain(`${ready.status.podIP}:`)
    await api.delete(path('pods', 'probed'))
  })

  it('gives a LoadBalancer Service an address from the range, a requested one when free, and takes it back', async () => {
    await createService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', selector: { tier: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } })
    const lb = await waitFor('an ingress IP for lb', async () => {
      const svc = await api.read(path('services', 'lb'))
      return svc.status?.loadBalancer?.ingress?.length ? svc : undefined
    })
    expect(lb.status.loadBalancer.ingress).toEqual([{ ip: '127.0.85.1', ipMode: 'VIP' }])
    for (const kubectl of kubectls) {
      const row = (await k(kubectl, 'get', 'svc', 'lb', '--no-headers')).trim().split(/\s+/)
      expect(row.slice(0, 2)).toEqual(['lb', 'LoadBalancer'])
      expect(row[3]).toBe('127.0.85.1')
    }
    const described = await waitFor('the EnsuredLoadBalancer event', async () => {
      const out = await k(kubectls[0], 'describe', 'svc', 'lb')
      return out.includes('EnsuredLoadBalancer') ? out : undefined
    })
    expect(described).toMatch(/Normal\s+EnsuringLoadBalancer\s+.*service-controller\s+Ensuring load balancer/)

    await createService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-fixed' }, spec: { type: 'LoadBalancer', loadBalancerIP: '127.0.85.77', selector: { tier: 'web' }, ports: [{ port: 80 }] } })
    await waitFor('the requested IP', async () => {
      const svc = await api.read(path('services', 'lb-fixed'))
      return svc.status?.loadBalancer?.ingress?.[0]?.ip === '127.0.85.77' ? true : undefined
    })

    // No longer a LoadBalancer: the address goes back to the pool and the status is cleared.
    await api.patch(path('services', 'lb'), 'application/merge-patch+json', { spec: { type: 'ClusterIP' } })
    await waitFor('lb without ingress', async () => {
      const svc = await api.read(path('services', 'lb'))
      return svc.spec.type === 'ClusterIP' && !svc.status?.loadBalancer?.ingress?.length ? true : undefined
    })
    await createService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-next' }, spec: { type: 'LoadBalancer', selector: { tier: 'web' }, ports: [{ port: 80 }] } })
    await waitFor('the freed address reused', async () => {
      const svc = await api.read(path('services', 'lb-next'))
      return svc.status?.loadBalancer?.ingress?.[0]?.ip === '127.0.85.1' ? true : undefined
    })
  })

  it('allows one disruption for a PDB with minAvailable 2 over 3 ready pods', async () => {
    await readyWebPods(3)
    await api.create(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
    })
    const pdb = await waitFor('the PDB status', async () => {
      const obj = await api.read(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/web`)
      return obj.status?.observedGeneration === obj.metadata.generation && obj.status?.currentHealthy === 3 ? obj : undefined
    })
    expect(pdb.status).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 })
    expect(pdb.status.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' })])
    for (const kubectl of kubectls) {
      const row = (await k(kubectl, 'get', 'pdb', 'web', '--no-headers')).trim().split(/\s+/)
      expect(row.slice(0, 4)).toEqual(['web', '2', 'N/A', '1'])
    }

    // A percentage scales with the ReplicaSet's replicas and rounds up: 50% of 3 keeps 2.
    await api.patch(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/web`, 'application/merge-patch+json', { spec: { minAvailable: '50%' } })
    await waitFor('the percentage PDB status', async () => {
      const obj = await api.read(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/web`)
      return obj.status?.observedGeneration === obj.metadata.generation && obj.status.desiredHealthy === 2 && obj.status.disruptionsAllowed === 1 ? true : undefined
    })
  })

  it('deletes the Endpoints with its Service and leaves a selector-less Service\'s Endpoints alone', async () => {
    await createService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } })
    await api.create(path('endpoints'), { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 80 }] }] })
    await api.delete(path('services', 'web'))
    await waitFor('the Endpoints gone', async () => ((await api.get(path('endpoints', 'web'))).status === 404 ? true : undefined))
    const manual = await api.read(path('endpoints', 'manual'))
    expect(manual.subsets[0].addresses).toEqual([{ ip: '192.0.2.10' }])
  })
})
