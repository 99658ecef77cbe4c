// kube-proxy as a pod: apiserver, scheduler and two kubelet processes
// (process runtime); a hostNetwork kube-proxy pod on each node runs inside
// its kubelet and proxies nodePorts on the node IP and LoadBalancer ingress
// IPs to the ready endpoints of EndpointSlices written here by hand (as the
// endpointslice controller would), so a node without the backend pod serves
// it too.
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, createNamespace, merge, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { freshGet } from '../support/fresh-get.ts'
import { waitFor } from '../support/wait-for.ts'

const nodes = [
  { name: 'kp-1', ip: '127.0.86.1' },
  { name: 'kp-2', ip: '127.0.86.2' },
]
const lbIP = '127.0.87.1'

/** A port free on every one of ips, from the nodePort range when asked. */
async function freePortOn(ips: string[], nodePortRange = false): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = nodePortRange ? 30000 + Math.floor(Math.random() * 2768) : 20000 + Math.floor(Math.random() * 9000)
    const free = await Promise.all(ips.map((ip) => new Promise<boolean>((resolve) => {
      const srv = createServer()
      srv.once('error', () => resolve(false))
      srv.listen(port, ip, () => srv.close(() => resolve(true)))
    })))
    if (free.every(Boolean)) return port
  }
  throw new Error(`no free port on ${ips.join(', ')}`)
}

const welcome = (body: string) => body.includes('Welcome to nginx!')

describe('kube-proxy pods in the kubelets (process runtime)', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  const kubelets: KubeletProcess[] = []
  let api: ApiClient
  let kubectl: Kubectl
  let ns: string
  let podIP: string

  const slicePath = (name = '') => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices${name ? `/${name}` : ''}`
  const servicePath = (name = '') => `/api/v1/namespaces/${ns}/services${name ? `/${name}` : ''}`

  async function createSlice(service: string, ready: boolean): Promise<void> {
    await api.create(slicePath(), {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'e2e' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [podIP], conditions: { ready }, nodeName: 'kp-1' }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    })
  }

  async function setReady(service: string, ready: boolean): Promise<void> {
    const res = await api.patch(slicePath(`${service}-abcde`), merge, {
      endpoints: [{ addresses: [podIP], conditions: { ready }, nodeName: 'kp-1' }],
    })
    expect(res.status).toBe(200)
  }

  async function runningPod(name: string): Promise<Json> {
    return waitFor(`pod ${name} Running`, async () => {
      const pod = await api.read(`/api/v1/namespaces/${ns}/pods/${name}`)
      return pod.status?.phase === 'Running' && pod.status.podIP ? pod : undefined
    }, 30_000)
  }

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    for (const node of nodes) kubelets.push(await startKubeletProcess(apiserver.url, { nodeName: node.name, nodeIP: node.ip }))
    kubectl = kubectlFor(kubectlVersions()[0].binary, apiserver.url)
    await waitFor('both nodes Ready', async () => {
      const list = (await api.read('/api/v1/nodes')).items as Json[]
      return list.filter((n) => n.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True')).length === 2 || undefined
    })
    ns = await createNamespace(api, 'kube-proxy')
    await api.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { nodeName: 'kp-1', containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ name: 'http', containerPort: 80 }] }] },
    })
    for (const node of nodes) {
      await api.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `kube-proxy-${node.name}`, labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          nodeName: node.name, hostNetwork: true,
          containers: [{
            name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.34.0',
            command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          }],
        },
      })
    }
    podIP = (await runningPod('web')).status.podIP
  }, 90_000)

  afterAll(async () => {
    for (const k of kubelets) await k.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('runs the kube-proxy pods with the node IP: kubectl get pods -o wide', async () => {
    for (const node of nodes) expect((await runningPod(`kube-proxy-${node.name}`)).status).toMatchObject({ podIP: node.ip, hostIP: node.ip })
    const out = await kubectl.ok(['get', 'pods', '-n', ns, '-o', 'wide', '--no-headers'])
    const rows = new Map(out.trim().split('\n').map((line) => {
      const [name, ready, status, , , ip, node] = line.trim().split(/\s+/)
      return [name, { ready, status, ip, node }] as const
    }))
    for (const node of nodes) expect(rows.get(`kube-proxy-${node.name}`)).toEqual({ ready: '1/1', status: 'Running', ip: node.ip, node: node.name })
  })

  it('serves a NodePort service on both nodes, refuses while its endpoint is not ready, and stops when it is deleted', async () => {
    const nodePort = await freePortOn(nodes.map((n) => n.ip), true)
    await api.create(servicePath(), {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
      spec: {
        type: 'NodePort', clusterIP: `10.96.${86 + Math.floor(Math.random() * 100)}.${2 + Math.floor(Math.random() * 250)}`, selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort, protocol: 'TCP' }],
      },
    })
    await createSlice('web', true)
    // kp-2 has no endpoint of its own: its kube-proxy forwards to the pod on kp-1.
    for (const node of nodes) await waitFor(`the nginx page at ${node.ip}:${nodePort}`, async () => welcome(await freshGet(`http://${node.ip}:${nodePort}/`)) || undefined)

    await setReady('web', false)
    for (const node of nodes) await waitFor(`${node.ip}:${nodePort} refusing`, async () => (await freshGet(`http://${node.ip}:${nodePort}/`)) === 'ECONNREFUSED' || undefined)

    await setReady('web', true)
    await waitFor(`the page again at ${nodes[1].ip}:${nodePort}`, async () => welcome(await freshGet(`http://${nodes[1].ip}:${nodePort}/`)) || undefined)

    const logs = await kubectl.ok(['logs', '-n', ns, 'kube-proxy-kp-2'])
    expect(logs).toMatch(/^I\d{4} [\d:.]+ +1 proxier\.go:\d+\] "Syncing userspace rules" services=\d+ endpoints=1 rules=\d+$/m)
    expect(logs).toMatch(/"Syncing userspace rules" services=\d+ endpoints=0/)

    expect((await api.delete(servicePath('web'))).status).toBe(200)
    for (const node of nodes) await waitFor(`${node.ip}:${nodePort} closed`, async () => (await freshGet(`http://${node.ip}:${nodePort}/`)) === 'ECONNREFUSED' || undefined)
  })

  it('answers at a LoadBalancer ingress IP set through services/<name>/status', async () => {
    const port = await freePortOn([lbIP])
    const nodePort = await freePortOn(nodes.map((n) => n.ip), true)
    await api.create(servicePath(), {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' },
      spec: {
        type: 'LoadBalancer', clusterIP: `10.96.${186 + Math.floor(Math.random() * 60)}.${2 + Math.floor(Math.random() * 250)}`, selector: { app: 'web' },
        ports: [{ name: 'http', port, targetPort: 'http', nodePort, protocol: 'TCP' }],
      },
    })
    await createSlice('lb', true)
    expect(await freshGet(`http://${lbIP}:${port}/`)).toBe('ECONNREFUSED')
    const res = await api.patch(servicePath('lb/status'), merge, { status: { loadBalancer: { ingress: [{ ip: lbIP, ipMode: 'VIP' }] } } })
    expect(res.status).toBe(200)
    await waitFor(`the nginx page at ${lbIP}:${port}`, async () => welcome(await freshGet(`http://${lbIP}:${port}/`)) || undefined)
    expect(welcome(await freshGet(`http://${nodes[0].ip}:${nodePort}/`))).toBe(true)
  })

  it('closes the node\'s listeners when its kube-proxy pod stops', async () => {
    const lb = await api.read(servicePath('lb'))
    const nodePort = lb.spec.ports[0].nodePort as number
    expect(welcome(await freshGet(`http://${nodes[1].ip}:${nodePort}/`))).toBe(true)
    await kubectl.ok(['delete', 'pod', '-n', ns, 'kube-proxy-kp-2', '--wait=true'])
    expect(await freshGet(`http://${nodes[1].ip}:${nodePort}/`)).toBe('ECONNREFUSED')
    expect(welcome(await freshGet(`http://${nodes[0].ip}:${nodePort}/`))).toBe(true)
  })
})
