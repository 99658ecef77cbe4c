// Services, the `kubernetes` Service, pods/eviction and the kube-proxy addon
// against a real apiserver process (LevelDB) with real kubectl: cluster IPs
// and node ports are allocated from the configured ranges, refused with
// upstream's messages when taken, survive a restart without being handed out
// twice; an eviction waits for its PodDisruptionBudget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, createNamespace, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'

const inRange = (ip: string) => /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/.test(ip)

async function runningPod(api: ApiClient, ns: string, name: string, node: string, labels: Record<string, string>): Promise<void> {
  await api.create(`/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }] } })
  const pod = await api.read(`/api/v1/namespaces/${ns}/pods/${name}`)
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }
  const res = await api.put(`/api/v1/namespaces/${ns}/pods/${name}/status`, { ...pod, status })
  expect(res.status).toBe(200)
}

async function setBudgetStatus(api: ApiClient, ns: string, name: string, status: Record<string, unknown>): Promise<void> {
  const pdb = await api.read(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${name}`)
  const res = await api.put(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${name}/status`, { ...pdb, status: { observedGeneration: pdb.metadata.generation, expectedPods: 1, ...status } })
  expect(res.status).toBe(200)
}

function evict(api: ApiClient, ns: string, name: string, deleteOptions?: Json) {
  return api.post(`/api/v1/namespaces/${ns}/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns }, ...(deleteOptions ? { deleteOptions } : {}) })
}

describe('services API', () => {
  let apiserver: ApiserverProcess
  let api: ApiClient

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'leveldb' })
    api = apiClient(apiserver.url)
  }, 60_000)

  afterAll(async () => {
    await apiserver?.cleanup()
  })

  it('serves the kubernetes Service on the first address, with Endpoints and an EndpointSlice naming the apiserver', async () => {
    const svc = await api.read('/api/v1/namespaces/default/services/kubernetes')
    expect(svc.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' })
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiserver.port }] })
    const ep = await api.read('/api/v1/namespaces/default/endpoints/kubernetes')
    expect(ep.metadata.labels).toEqual({ 'endpointslice.kubernetes.io/skip-mirror': 'true' })
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: apiserver.port, protocol: 'TCP' }] }])
    const slice = await api.read('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes')
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' })
    expect(slice).toMatchObject({ addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports: [{ name: 'https', port: apiserver.port, protocol: 'TCP' }] })
  })

  it('lists pods/eviction in discovery as policy/v1 Eviction', async () => {
    const core = await api.read('/api/v1')
    expect(core.resources.find((r: Json) => r.name === 'pods/eviction')).toEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] })
  })

  it('bootstraps kube-proxy as kubeadm does', async () => {
    const ds = await api.read('/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy')
    expect(ds.metadata.labels).toEqual({ 'k8s-app': 'kube-proxy' })
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } })
    const pod = ds.spec.template.spec
    expect(pod).toMatchObject({ hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: 'kube-proxy', tolerations: [{ operator: 'Exists' }] })
    expect(pod.containers[0].image).toMatch(/^registry\.k8s\.io\/kube-proxy:v1\.\d+\.\d+$/)
    expect(pod.containers[0].command).toEqual(['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'])
    expect(pod.containers[0].env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }])
    const cm = await api.read('/api/v1/namespaces/kube-system/configmaps/kube-proxy')
    expect(cm.data['config.conf']).toContain('kind: KubeProxyConfiguration')
    expect(cm.data['config.conf']).toContain('mode: ""')
    await api.read('/api/v1/namespaces/kube-system/serviceaccounts/kube-proxy')
  })

  it('refuses a taken cluster IP or node port and one outside the range with 422', async () => {
    const ns = await createNamespace(api)
    const make = (name: string, spec: Json) => api.post(`/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } })
    expect((await make('a', { clusterIP: '10.96.0.5', type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).status).toBe(201)
    const ip = await make('b', { clusterIP: '10.96.0.5' })
    expect(ip.status).toBe(422)
    expect(ip.body.message).toBe('Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.5"}: failed to allocate IP 10.96.0.5: provided IP is already allocated')
    const outside = await make('c', { clusterIP: '192.168.0.5' })
    expect(outside.body.message).toBe('Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.5"}: failed to allocate IP 192.168.0.5: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12')
    const port = await make('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })
    expect(port.status).toBe(422)
    expect(port.body.message).toBe('Service "d" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated')
    // Deleting gives both back.
    expect((await api.delete(`/api/v1/namespaces/${ns}/services/a`)).status).toBe(200)
    expect((await make('e', { clusterIP: '10.96.0.5', type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).status).toBe(201)
  })

  it('turns a NodePort Service into ClusterIP, freeing its node port', async () => {
    const ns = await createNamespace(api)
    const created = await api.create(`/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30444 }] } })
    const res = await api.put(`/api/v1/namespaces/${ns}/services/np`, { ...created, spec: { ...created.spec, type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } })
    expect(res.status).toBe(200)
    expect(res.body.spec.clusterIP).toBe(created.spec.clusterIP)
    expect(res.body.spec.ports[0].nodePort).toBeUndefined()
    await api.create(`/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np2' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30444 }] } })
  })

  it('evicts through a PodDisruptionBudget: 429 while it allows nothing, then the pod goes', async () => {
    const ns = await createNamespace(api)
    await runningPod(api, ns, 'web-1', 'node-1', { app: 'web' })
    await api.create(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } })
    await setBudgetStatus(api, ns, 'web', { currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0 })
    const refused = await evict(api, ns, 'web-1')
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({
      kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429,
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }] },
    })
    await setBudgetStatus(api, ns, 'web', { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 })
    const allowed = await evict(api, ns, 'web-1', { gracePeriodSeconds: 0 })
    expect(allowed.status).toBe(201)
    expect(allowed.body).toMatchObject({ kind: 'Status', status: 'Success', code: 201 })
    expect((await api.get(`/api/v1/namespaces/${ns}/pods/web-1`)).status).toBe(404)
    const pdb = await api.read(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/web`)
    expect(pdb.status.disruptionsAllowed).toBe(0)
    expect(Object.keys(pdb.status.disruptedPods)).toEqual(['web-1'])
  })

  describe.each(kubectlVersions())('kubectl $name', ({ name, binary }) => {
    let kubectl: Kubectl
    let ns: string
    beforeAll(async () => {
      kubectl = kubectlFor(binary, apiserver.url)
      ns = await createNamespace(api, `svc-${name.replace(/\W/g, '')}`.toLowerCase())
    })

    it('create service clusterip and get svc show the allocated cluster IP', async () => {
      await kubectl.ok(['-n', ns, 'create', 'service', 'clusterip', 'web', '--tcp=80:8080'])
      const svc = await api.read(`/api/v1/namespaces/${ns}/services/web`)
      expect(inRange(svc.spec.clusterIP)).toBe(true)
      const out = await kubectl.ok(['-n', ns, 'get', 'svc', 'web'])
      expect(out).toMatch(new RegExp(`web\\s+ClusterIP\\s+${svc.spec.clusterIP.replaceAll('.', '\\.')}\\s+<none>\\s+80/TCP\\s+`))
    })

    it('expose a deployment as NodePort, and a LoadBalancer with a pending external IP', async () => {
      await api.create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      })
      await kubectl.ok(['-n', ns, 'expose', 'deployment', 'app', '--port=8085', '--target-port=80', '--type=NodePort', '--name=app-np'])
      await kubectl.ok(['-n', ns, 'create', 'service', 'loadbalancer', 'app-lb', '--tcp=8085:80'])
      const out = await kubectl.ok(['-n', ns, 'get', 'svc'])
      expect(out).toMatch(/app-np\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+8085:3\d{4}\/TCP\s+/)
      expect(out).toMatch(/app-lb\s+LoadBalancer\s+10\.\d+\.\d+\.\d+\s+<pending>\s+8085:3\d{4}\/TCP\s+/)
      const np = await api.read(`/api/v1/namespaces/${ns}/services/app-np`)
      expect(np.spec.selector).toEqual({ app: 'app' })
    })

    it('a requested cluster IP that is taken fails with upstream\'s message', async () => {
      const taken = (await api.read(`/api/v1/namespaces/${ns}/services/web`)).spec.clusterIP
      const res = await kubectl(['-n', ns, 'create', 'service', 'clusterip', 'dup', `--clusterip=${taken}`, '--tcp=80:80'])
      expect(res.code).not.toBe(0)
      expect(res.stderr).toContain(`spec.clusterIPs: Invalid value: []string{"${taken}"}: failed to allocate IP ${taken}: provided IP is already allocated`)
    })

    it('get svc kubernetes and get daemonset -n kube-system', async () => {
      expect(await kubectl.ok(['get', 'svc', 'kubernetes'])).toMatch(/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+/)
      expect(await kubectl.ok(['get', 'daemonset', '-n', 'kube-system'])).toMatch(/kube-proxy\s+0\s+0\s+0\s+0\s+0\s+kubernetes\.io\/os=linux\s+/)
    })

    it('drain is refused by the budget, then evicts', async () => {
      const node = `drain-${name.replace(/\W/g, '')}`.toLowerCase()
      await api.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node } })
      await runningPod(api, ns, 'db', node, { app: 'db' })
      await api.create(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } })
      await setBudgetStatus(api, ns, 'db', { currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0 })
      const refused = await kubectl(['drain', node, '--force', '--grace-period=0', '--timeout=2s'], { timeoutMs: 30_000 })
      expect(refused.code).not.toBe(0)
      expect(refused.stdout + refused.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.")
      await setBudgetStatus(api, ns, 'db', { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 })
      const drained = await kubectl.ok(['drain', node, '--force', '--grace-period=0', '--timeout=20s'], { timeoutMs: 40_000 })
      expect(drained).toContain(`pod/db evicted`)
      expect((await api.get(`/api/v1/namespaces/${ns}/pods/db`)).status).toBe(404)
    }, 60_000)
  })
})

describe('an apiserver with its own ranges and toleration seconds, restarted', () => {
  it('rebuilds the allocators from storage and never hands out an address twice', async () => {
    const args = ['--service-cluster-ip-range', '10.0.0.0/28', '--service-node-port-range', '30000-30004', '--bootstrap-kube-proxy=false', '--default-not-ready-toleration-seconds', '60']
    const first = await startApiserverProcess({ storage: 'leveldb', args })
    let second: ApiserverProcess | undefined
    try {
      let api = apiClient(first.url)
      const pod = await api.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })
      expect(pod.spec.tolerations).toEqual([
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ])
      expect((await api.get('/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy')).status).toBe(404)
      expect((await api.read('/api/v1/namespaces/default/services/kubernetes')).spec.clusterIP).toBe('10.0.0.1')
      const make = (name: string) => api.post('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', ports: [{ port: 80 }] } })
      const before: Json[] = []
      for (let i = 0; i < 3; i++) before.push((await make(`before-${i}`)).body)
      await first.stop()
      second = await startApiserverProcess({ storage: 'leveldb', args, port: first.port, dataDir: first.dataDir })
      api = apiClient(second.url)
      const ips = new Set(['10.0.0.1', ...before.map((s) => s.spec.clusterIP)])
      const ports = new Set(before.map((s) => s.spec.ports[0].nodePort))
      // Five node ports, three held before the restart: two more Services get the other two, then the range is full.
      for (let i = 0; i < 2; i++) {
        const svc = (await make(`after-${i}`)).body
        expect(ips.has(svc.spec.clusterIP)).toBe(false)
        expect(ports.has(svc.spec.ports[0].nodePort)).toBe(false)
        ips.add(svc.spec.clusterIP)
        ports.add(svc.spec.ports[0].nodePort)
      }
      const full = await make('one-too-many')
      expect(full.status).toBe(500)
      expect(full.body.message).toBe('Internal error occurred: failed to allocate a nodePort: range is full')
      const taken = await api.post('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'taken' }, spec: { clusterIP: before[0].spec.clusterIP, ports: [{ port: 80 }] } })
      expect(taken.status).toBe(422)
      expect(taken.body.message).toContain('provided IP is already allocated')
    } finally {
      await first.stop()
      await (second ?? first).cleanup()
    }
  }, 60_000)
})
