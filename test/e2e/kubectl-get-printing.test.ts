// `kubectl get` against server-side printing: objects (and their status,
// written through /status as kubelets and controllers would) are created
// over REST, then the real kubectl (v1.32 and v1.35) must print upstream's
// columns and values. AGE and other clock-dependent cells match patterns.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, merge, type ApiClient, type Json } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { deployment, pod } from '../support/manifests.ts'
import { openWatch } from '../support/watch-stream.ts'

/** Table lines as cells: kubectl pads columns with at least three spaces, cells hold at most one. */
const rows = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{3,}/))

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
const age = /^\d+s$/
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'

describe.each(kubectlVersions())('kubectl $name get prints upstream columns', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl
  let ns: string

  const status = async (path: string, body: Json) => {
    const res = await api.patch(`${path}/status`, merge, { status: body })
    expect(res.status, res.text).toBe(200)
  }
  const get = (...args: string[]) => kubectl.ok(['get', ...args, '-n', ns])

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
    ns = await createNamespace(api, 'printing')
    const pods = `/api/v1/namespaces/${ns}/pods`

    await api.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'node-1' } } })
    await status('/api/v1/nodes/node-1', {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady' },
      ],
      addresses: [{ type: 'InternalIP', address: '192.168.49.2' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: {
        kubeletVersion: 'v1.34.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-18-amd64',
        containerRuntimeVersion: 'containerd://1.7.13',
        machineID: '',
        systemUUID: '',
        bootID: '',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    })
    await api.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' }, spec: { unschedulable: true } })

    const onNode = (p: Json) => ({ ...p, spec: { ...p.spec, nodeName: 'node-1' } })
    await api.create(pods, onNode(pod('web-1', { labels: { app: 'web' } })))
    await status(`${pods}/web-1`, {
      phase: 'Running',
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'c', image: 'nginx:1.27', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: secondsAgo(5) } } }],
    })
    await api.create(pods, onNode(pod('crash-1', { labels: { app: 'crash' } })))
    await status(`${pods}/crash-1`, {
      phase: 'Running',
      podIP: '10.244.0.6',
      podIPs: [{ ip: '10.244.0.6' }],
      containerStatuses: [
        {
          name: 'c',
          image: 'nginx:1.27',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: secondsAgo(45), finishedAt: secondsAgo(42) } },
        },
      ],
    })
    await api.create(pods, pod('done-1', { labels: { app: 'job' } }))
    await status(`${pods}/done-1`, {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'c', image: 'nginx:1.27', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    })
    const withInits = pod('init-1')
    withInits.spec.initContainers = [
      { name: 'migrate', image: 'busybox:1.36' },
      { name: 'seed', image: 'busybox:1.36' },
    ]
    await api.create(pods, withInits)
    await status(`${pods}/init-1`, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'migrate', image: 'busybox:1.36', imageID: '', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'seed', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { running: { startedAt: secondsAgo(2) } } },
      ],
      containerStatuses: [{ name: 'c', image: 'nginx:1.27', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    })

    await api.create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', { replicas: 2 }))
    await status(`/apis/apps/v1/namespaces/${ns}/deployments/web`, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 })

    const services = `/api/v1/namespaces/${ns}/services`
    await api.create(services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.20', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } })
    await api.create(services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.21', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080, targetPort: 8080 }] },
    })
    await api.create(services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'public' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.22', selector: { app: 'web' }, ports: [{ port: 443, nodePort: 30443, targetPort: 8443 }] },
    })
    await status(`${services}/public`, { loadBalancer: { ingress: [{ ip: '203.0.113.7', ipMode: 'VIP' }] } })

    await api.create(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })
    await api.create(`/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, type: 'Opaque', data: { password: 'c2VjcmV0' } })
    await api.create(`/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' } })
    await api.create(`/api/v1/namespaces/${ns}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'crash-1.back-off' },
      involvedObject: { kind: 'Pod', name: 'crash-1', namespace: ns, fieldPath: 'spec.containers{c}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container c',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: secondsAgo(50),
      lastTimestamp: secondsAgo(10),
      count: 4,
      type: 'Warning',
    })
  })

  afterAll(async () => {
    await server?.cleanup()
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('get pods: READY, STATUS and RESTARTS as upstream computes them', async () => {
    const [header, ...lines] = rows(await get('pods'))
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'])
    const byName = Object.fromEntries(lines.map((l) => [l[0], l]))
    expect(Object.keys(byName)).toEqual(['crash-1', 'done-1', 'init-1', 'web-1'])
    expect(byName['crash-1'].slice(0, 3)).toEqual(['crash-1', '0/1', 'CrashLoopBackOff'])
    expect(byName['crash-1'][3]).toMatch(/^3 \(4\ds ago\)$/)
    expect(byName['done-1'].slice(0, 4)).toEqual(['done-1', '0/1', 'Completed', '0'])
    expect(byName['init-1'].slice(0, 4)).toEqual(['init-1', '0/1', 'Init:1/2', '0'])
    expect(byName['web-1'].slice(0, 4)).toEqual(['web-1', '1/1', 'Running', '0'])
    for (const l of lines) expect(l[4]).toMatch(age)
  })

  it('get pods -o wide adds IP, NODE, NOMINATED NODE and READINESS GATES', async () => {
    const [header, ...lines] = rows(await get('pods', '-o', 'wide'))
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'])
    const web = lines.find((l) => l[0] === 'web-1')!
    expect(web.slice(5)).toEqual(['10.244.0.5', 'node-1', '<none>', '<none>'])
    const done = lines.find((l) => l[0] === 'done-1')!
    expect(done.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>'])
  })

  it('get pods --show-labels and -L app', async () => {
    const labelled = rows(await get('pods', '--show-labels'))
    expect(labelled[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS'])
    expect(labelled.find((l) => l[0] === 'web-1')!.at(-1)).toBe('app=web')
    expect(labelled.find((l) => l[0] === 'init-1')!.at(-1)).toBe('<none>')
    const column = rows(await get('pods', '-L', 'app'))
    expect(column[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'APP'])
    expect(column.find((l) => l[0] === 'crash-1')!.at(-1)).toBe('crash')
  })

  it('get pods --sort-by=.metadata.name asks for whole objects and sorts by them', async () => {
    const res = await kubectl(['get', 'pods', '-n', ns, '--sort-by=.metadata.name', '-v=6'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stderr).toMatch(/includeObject=Object/)
    const [header, ...lines] = rows(res.stdout)
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'])
    expect(lines.map((l) => l[0])).toEqual(['crash-1', 'done-1', 'init-1', 'web-1'])
    const byRestarts = rows(await get('pods', '--sort-by=.status.containerStatuses[0].restartCount'))
    expect(byRestarts.at(-1)![0]).toBe('crash-1')
  })

  it('get deploy and -o wide', async () => {
    const [header, line] = rows(await get('deploy'))
    expect(header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'])
    expect(line.slice(0, 4)).toEqual(['web', '1/2', '2', '1'])
    expect(line[4]).toMatch(age)
    const [wideHeader, wide] = rows(await get('deploy', '-o', 'wide'))
    expect(wideHeader).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'])
    expect(wide.slice(5)).toEqual(['c', 'nginx:1.27', 'app=web'])
  })

  it('get svc: cluster IPs, <pending> and provisioned load balancers, node ports', async () => {
    const [header, ...lines] = rows(await get('svc'))
    expect(header).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'])
    const byName = Object.fromEntries(lines.map((l) => [l[0], l.slice(0, 5)]))
    expect(byName).toEqual({
      lb: ['lb', 'LoadBalancer', '10.96.0.21', '<pending>', '80:30080/TCP'],
      public: ['public', 'LoadBalancer', '10.96.0.22', '203.0.113.7', '443:30443/TCP'],
      web: ['web', 'ClusterIP', '10.96.0.20', '<none>', '80/TCP'],
    })
    const wide = rows(await get('svc', 'web', '-o', 'wide'))
    expect(wide[0].at(-1)).toBe('SELECTOR')
    expect(wide[1].at(-1)).toBe('app=web')
  })

  it('get nodes: STATUS with SchedulingDisabled, ROLES, VERSION and the wide system info', async () => {
    const [header, ...lines] = rows(await kubectl.ok(['get', 'nodes']))
    expect(header).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'])
    expect(lines[0].slice(0, 3)).toEqual(['node-1', 'Ready', 'control-plane'])
    expect(lines[0][3]).toMatch(age)
    expect(lines[0][4]).toBe('v1.34.0')
    expect(lines[1].slice(0, 3)).toEqual(['node-2', 'Unknown,SchedulingDisabled', '<none>'])
    const [wideHeader, wide] = rows(await kubectl.ok(['get', 'nodes', 'node-1', '-o', 'wide']))
    expect(wideHeader).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'])
    expect(wide.slice(5)).toEqual(['192.168.49.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.7.13'])
  })

  it('get cm and get secrets count their data', async () => {
    const cm = rows(await get('cm', 'settings'))
    expect(cm[0]).toEqual(['NAME', 'DATA', 'AGE'])
    expect(cm[1].slice(0, 2)).toEqual(['settings', '3'])
    const [header, ...secrets] = rows(await get('secrets'))
    expect(header).toEqual(['NAME', 'TYPE', 'DATA', 'AGE'])
    expect(secrets.map((l) => l.slice(0, 3))).toEqual([
      ['creds', 'Opaque', '1'],
      ['tls', 'kubernetes.io/tls', '2'],
    ])
  })

  it('get events: LAST SEEN TYPE REASON OBJECT MESSAGE', async () => {
    const [header, line] = rows(await get('events'))
    expect(header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'])
    expect(line[0]).toMatch(age)
    expect(line.slice(1)).toEqual(['Warning', 'BackOff', 'pod/crash-1', 'Back-off restarting failed container c'])
  })

  it('get all prints each kind with its own columns, names prefixed by kind', async () => {
    const out = await get('all')
    const sections = out.split('\n\n').map(rows)
    const headers = sections.map((s) => s[0])
    expect(headers).toEqual([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    ])
    expect(sections[0].slice(1).map((l) => l.slice(0, 3))).toEqual([
      ['pod/crash-1', '0/1', 'CrashLoopBackOff'],
      ['pod/done-1', '0/1', 'Completed'],
      ['pod/init-1', '0/1', 'Init:1/2'],
      ['pod/web-1', '1/1', 'Running'],
    ])
    expect(sections[1].slice(1).map((l) => l[0])).toEqual(['service/lb', 'service/public', 'service/web'])
    expect(sections[2][1].slice(0, 4)).toEqual(['deployment.apps/web', '1/2', '2', '1'])
  })
})

describe('Table responses over REST', () => {
  let server: ApiserverProcess
  let api: ApiClient
  let ns: string

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    ns = await createNamespace(api, 'tables')
    for (const name of ['a', 'b', 'c']) await api.create(`/api/v1/namespaces/${ns}/pods`, pod(name, { labels: { app: name } }))
  })

  afterAll(async () => {
    await server?.cleanup()
  })

  it('a list is a Table with list metadata and PartialObjectMetadata rows', async () => {
    const res = await api.get(`/api/v1/namespaces/${ns}/pods`, { accept: tableAccept, query: { limit: 2 } })
    expect(res.status).toBe(200)
    const table = res.body
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' })
    expect(table.metadata.resourceVersion).toMatch(/^\d+$/)
    expect(table.metadata.continue).toBeTruthy()
    expect(table.metadata.remainingItemCount).toBe(1)
    expect(table.columnDefinitions.map((c: Json) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ])
    expect(table.rows).toHaveLength(2)
    expect(table.rows[0].cells).toEqual(['a', '0/1', 'Pending', '0', expect.stringMatching(age), '<none>', '<none>', '<none>', '<none>'])
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a', namespace: ns, labels: { app: 'a' } } })
    expect(table.rows[0].object.spec).toBeUndefined()
  })

  it('honours includeObject=None and Object, and rejects other values', async () => {
    const none = await api.get(`/api/v1/namespaces/${ns}/pods`, { accept: tableAccept, query: { includeObject: 'None' } })
    expect(none.body.rows.map((r: Json) => r.object)).toEqual([null, null, null])
    const full = await api.get(`/api/v1/namespaces/${ns}/pods`, { accept: tableAccept, query: { includeObject: 'Object' } })
    expect(full.body.rows[1].object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'b' }, spec: { containers: [{ name: 'c' }] } })
    const bad = await api.get(`/api/v1/namespaces/${ns}/pods`, { accept: tableAccept, query: { includeObject: 'All' } })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'unrecognized includeObject value: "All"' })
  })

  it('a single GET is a one-row Table; v1beta1 is served too', async () => {
    const res = await api.get(`/api/v1/namespaces/${ns}/pods/b`, { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' })
    expect(res.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1beta1' })
    expect(res.body.rows).toHaveLength(1)
    expect(res.body.rows[0].cells[0]).toBe('b')
    expect(res.body.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1' })
  })

  it('watch events carry one-row Tables', async () => {
    const list = await api.get(`/api/v1/namespaces/${ns}/pods`, { accept: tableAccept })
    const url = new URL(`/api/v1/namespaces/${ns}/pods`, server.url)
    url.searchParams.set('watch', 'true')
    url.searchParams.set('resourceVersion', list.body.metadata.resourceVersion)
    const watch = await openWatch(url, { accept: tableAccept })
    try {
      await api.create(`/api/v1/namespaces/${ns}/pods`, pod('d'))
      const event = await watch.next()
      expect(event.type).toBe('ADDED')
      expect(event.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' })
      expect(event.object.columnDefinitions).toHaveLength(9)
      expect(event.object.rows).toHaveLength(1)
      expect(event.object.rows[0].cells.slice(0, 4)).toEqual(['d', '0/1', 'Pending', '0'])
      expect(event.object.rows[0].object.kind).toBe('PartialObjectMetadata')
    } finally {
      watch.close()
    }
  })
})
