// `kubectl describe` (v1.32 and v1.35, or $KUBECTL) for pods, deployments,
// replicasets, nodes, services, jobs and namespaces: the layout lines and the
// Events section, fed by core/v1 Events recorded over REST the way
// controllers and kubelets record them. Also `kubectl get events` and `kubectl events`.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type ApiClient, type Json } from '../support/api-client.ts'
import { createReadyNode, podFor, recordEvent, replicaSetFor, runningPodStatus, secondsAgo, writeStatus } from '../support/cluster-state.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { describeEvents, describeField, describeSection, describeValues, rows } from '../support/kubectl-output.ts'
import { deployment } from '../support/manifests.ts'

const age = /^\d+s$/
/** describe's ctime-like timestamps: `Mon, 23 Nov 2026 16:51:03 +0000`. */
const rfc1123z = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/

describe.each(kubectlVersions())('kubectl $name describe', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl
  let ns: string
  let rs: Json
  let pods: Json[]
  let job: Json

  const describeIn = (...args: string[]) => kubectl.ok(['describe', ...args, '-n', ns])

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
    ns = await createNamespace(api, 'describe')
    await api.patch(`/api/v1/namespaces/${ns}`, 'application/merge-patch+json', { metadata: { labels: { team: 'web' } } })

    const node = await createReadyNode(api, 'node-1', '192.168.49.2')
    await api.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') },
    })
    // The kubelet records node events with the node's name as the uid.
    await recordEvent(api, node, { reason: 'Starting', message: 'Starting kubelet.', component: 'kubelet', uid: 'node-1' })

    const deploy = await api.create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', { replicas: 2 }))
    await writeStatus(api, `/apis/apps/v1/namespaces/${ns}/deployments/web`, {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: secondsAgo(60), lastTransitionTime: secondsAgo(60) },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-5d4f8b9c7" has successfully progressed.', lastUpdateTime: secondsAgo(60), lastTransitionTime: secondsAgo(90) },
      ],
    })
    await recordEvent(api, deploy, { reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-5d4f8b9c7 from 0 to 2', component: 'deployment-controller', firstSecondsAgo: 130 })

    rs = await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, replicaSetFor(deploy, '5d4f8b9c7'))
    await writeStatus(api, `/apis/apps/v1/namespaces/${ns}/replicasets/${rs.metadata.name}`, { observedGeneration: 1, replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 })
    pods = []
    for (const [suffix, ip, createdAgo] of [
      ['abcde', '10.244.0.5', 125],
      ['fghij', '10.244.0.6', 124],
    ] as const) {
      const created = await api.create(`/api/v1/namespaces/${ns}/pods`, podFor(rs, suffix, 'node-1'))
      pods.push(await writeStatus(api, `/api/v1/namespaces/${ns}/pods/${created.metadata.name}`, runningPodStatus(created, ip, '192.168.49.2')))
      await recordEvent(api, rs, { reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name}`, component: 'replicaset-controller', firstSecondsAgo: createdAgo })
    }
    const [first] = pods
    await recordEvent(api, first, { reason: 'Scheduled', message: `Successfully assigned ${ns}/${first.metadata.name} to node-1`, component: 'default-scheduler', firstSecondsAgo: 120 })
    await recordEvent(api, first, { reason: 'Pulled', message: 'Container image "nginx:1.27" already present on machine', component: 'kubelet', count: 3, firstSecondsAgo: 120, lastSecondsAgo: 60 })
    await recordEvent(api, first, { reason: 'Unhealthy', message: 'Readiness probe failed: connection refused', type: 'Warning', component: 'kubelet', firstSecondsAgo: 10 })

    const svc = await api.create(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { clusterIP: '10.96.0.20', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    })
    await api.create(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-x7k2p', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: pods.map((p) => ({ addresses: [p.status.podIP], conditions: { ready: true }, nodeName: 'node-1' })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    })
    await recordEvent(api, svc, { reason: 'ClusterIPNotAllocated', message: 'Cluster IP [IPv4]:10.96.0.20 is not allocated; repairing', type: 'Warning', component: 'ipallocator-repair-controller', firstSecondsAgo: 30 })

    job = await api.create(`/apis/batch/v1/namespaces/${ns}/jobs`, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:1.36', command: ['sh', '-c', 'echo done'] }] } } },
    })
    job = await writeStatus(api, `/apis/batch/v1/namespaces/${ns}/jobs/migrate`, {
      startTime: secondsAgo(90),
      completionTime: secondsAgo(30),
      succeeded: 1,
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: secondsAgo(30), lastTransitionTime: secondsAgo(30) },
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: secondsAgo(30), lastTransitionTime: secondsAgo(30) },
      ],
    })
    await recordEvent(api, job, { reason: 'SuccessfulCreate', message: 'Created pod: migrate-q8wz4', component: 'job-controller', firstSecondsAgo: 90 })
    await recordEvent(api, job, { reason: 'Completed', message: 'Job completed', component: 'job-controller', firstSecondsAgo: 50 })

    await api.create(`/api/v1/namespaces/${ns}/resourcequotas`, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '10' } } })
    await writeStatus(api, `/api/v1/namespaces/${ns}/resourcequotas/compute`, { hard: { pods: '10' }, used: { pods: '2' } })
  })

  afterAll(async () => {
    await server?.cleanup()
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('pod: node, IPs, owner, containers, conditions and its events, oldest first', async () => {
    const [pod] = pods
    const out = await describeIn('pod', pod.metadata.name)
    expect(describeField(out, 'Name')).toBe(pod.metadata.name)
    expect(describeField(out, 'Namespace')).toBe(ns)
    expect(describeField(out, 'Priority')).toBe('0')
    expect(describeField(out, 'Service Account')).toBe('default')
    expect(describeField(out, 'Node')).toBe('node-1/192.168.49.2')
    expect(describeField(out, 'Start Time')).toMatch(rfc1123z)
    expect(describeValues(out, 'Labels')).toEqual(['app=web', 'pod-template-hash=5d4f8b9c7'])
    expect(describeField(out, 'Annotations')).toBe('<none>')
    expect(describeField(out, 'Status')).toBe('Running')
    expect(describeField(out, 'IP')).toBe('10.244.0.5')
    expect(out).toMatch(/^IPs:\n {2}IP:\s+10\.244\.0\.5$/m)
    expect(describeField(out, 'Controlled By')).toBe(`ReplicaSet/${rs.metadata.name}`)
    expect(out).toMatch(/^Containers:\n {2}c:\n {4}Container ID:\s+containerd:\/\/c0000\n {4}Image:\s+nginx:1\.27$/m)
    expect(out).toMatch(/^ {4}State:\s+Running\n {6}Started:\s+\w{3}, /m)
    expect(out).toMatch(/^ {4}Ready:\s+True\n {4}Restart Count:\s+0$/m)
    expect(describeSection(out, 'Conditions')).toEqual([
      ['Type', 'Status'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ])
    expect(describeField(out, 'QoS Class')).toBe('BestEffort')

    const events = describeEvents(out)!
    expect(events.map(([type, reason, , from, message]) => [type, reason, from, message])).toEqual([
      ['Normal', 'Scheduled', 'default-scheduler', `Successfully assigned ${ns}/${pod.metadata.name} to node-1`],
      ['Normal', 'Pulled', 'kubelet', 'Container image "nginx:1.27" already present on machine'],
      ['Warning', 'Unhealthy', 'kubelet', 'Readiness probe failed: connection refused'],
    ])
    expect(events[0][2]).toMatch(/^2m\d*s?$/)
    expect(events[1][2]).toMatch(/^\d+s \(x3 over 2m\d*s?\)$/)
    expect(events[2][2]).toMatch(age)

    const other = await describeIn('pod', pods[1].metadata.name)
    expect(describeEvents(other)).toEqual([])
    expect(other).toMatch(/^Events:\s+<none>$/m)
  })

  it('deployment: replicas, strategy, template, conditions, new ReplicaSet and events', async () => {
    const out = await describeIn('deployment', 'web')
    expect(describeField(out, 'Name')).toBe('web')
    expect(describeField(out, 'Namespace')).toBe(ns)
    expect(describeField(out, 'CreationTimestamp')).toMatch(rfc1123z)
    expect(describeField(out, 'Labels')).toBe('app=web')
    expect(describeField(out, 'Selector')).toBe('app=web')
    expect(describeField(out, 'Replicas')).toBe('2 desired | 2 updated | 2 total | 2 available | 0 unavailable')
    expect(describeField(out, 'StrategyType')).toBe('RollingUpdate')
    expect(describeField(out, 'MinReadySeconds')).toBe('0')
    expect(describeField(out, 'RollingUpdateStrategy')).toBe('25% max unavailable, 25% max surge')
    expect(out).toMatch(/^Pod Template:\n {2}Labels:\s+app=web\n {2}Containers:\n {3}c:\n {4}Image:\s+nginx:1\.27$/m)
    expect(describeSection(out, 'Conditions')).toEqual([
      ['Type', 'Status', 'Reason'],
      ['----', '------', '------'],
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ])
    expect(describeField(out, 'OldReplicaSets')).toBe('<none>')
    expect(describeField(out, 'NewReplicaSet')).toBe(`${rs.metadata.name} (2/2 replicas created)`)
    expect(describeEvents(out)!.map(([type, reason, , from, message]) => [type, reason, from, message])).toEqual([
      ['Normal', 'ScalingReplicaSet', 'deployment-controller', 'Scaled up replica set web-5d4f8b9c7 from 0 to 2'],
    ])
  })

  it('replicaset: owner, replica and pod counts, events', async () => {
    const out = await describeIn('rs', rs.metadata.name)
    expect(describeField(out, 'Name')).toBe(rs.metadata.name)
    expect(describeField(out, 'Namespace')).toBe(ns)
    expect(describeField(out, 'Selector')).toBe('app=web,pod-template-hash=5d4f8b9c7')
    expect(describeValues(out, 'Labels')).toEqual(['app=web', 'pod-template-hash=5d4f8b9c7'])
    expect(describeField(out, 'Annotations')).toBe('deployment.kubernetes.io/revision: 1')
    expect(describeField(out, 'Controlled By')).toBe('Deployment/web')
    expect(describeField(out, 'Replicas')).toBe('2 current / 2 desired')
    expect(describeField(out, 'Pods Status')).toBe('2 Running / 0 Waiting / 0 Succeeded / 0 Failed')
    expect(describeEvents(out)!.map(([type, reason, , from, message]) => [type, reason, from, message])).toEqual(
      pods.map((p) => ['Normal', 'SuccessfulCreate', 'replicaset-controller', `Created pod: ${p.metadata.name}`]),
    )
  })

  it('node: lease, conditions, addresses, capacity, system info, its pods and events', async () => {
    const out = await kubectl.ok(['describe', 'node', 'node-1'])
    expect(describeField(out, 'Name')).toBe('node-1')
    expect(describeField(out, 'Roles')).toBe('<none>')
    expect(describeValues(out, 'Labels')).toEqual(['kubernetes.io/arch=amd64', 'kubernetes.io/hostname=node-1', 'kubernetes.io/os=linux'])
    expect(describeField(out, 'Taints')).toBe('<none>')
    expect(describeField(out, 'Unschedulable')).toBe('false')
    expect(out).toMatch(/^Lease:\n {2}HolderIdentity:\s+node-1\n {2}AcquireTime:\s+<unset>\n {2}RenewTime:\s+\w{3}, /m)
    const conditions = describeSection(out, 'Conditions')
    expect(conditions[0]).toEqual(['Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'])
    expect(conditions.slice(2).map((c) => [c[0], c[1], c[4], c[5]])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ])
    expect(out).toMatch(/^Addresses:\n {2}InternalIP:\s+192\.168\.49\.2\n {2}Hostname:\s+node-1$/m)
    expect(out).toMatch(/^Capacity:\n {2}cpu:\s+2\n {2}ephemeral-storage:\s+20Gi\n {2}memory:\s+4Gi\n {2}pods:\s+110$/m)
    expect(out).toMatch(/^ {2}Kubelet Version:\s+v1\.34\.0$/m)
    expect(describeField(out, 'PodCIDR')).toBe('10.244.0.0/24')
    expect(describeField(out, 'Non-terminated Pods')).toBe('(2 in total)')
    for (const p of pods) expect(out).toMatch(new RegExp(`^ {2}${ns}\\s+${p.metadata.name}\\s+0 \\(0%\\)\\s+0 \\(0%\\)\\s+0 \\(0%\\)\\s+0 \\(0%\\)\\s+\\d+s$`, 'm'))
    expect(out).toMatch(/^ {2}cpu\s+0 \(0%\)\s+0 \(0%\)$/m)
    expect(describeEvents(out)!.map(([type, reason, , from, message]) => [type, reason, from, message])).toEqual([['Normal', 'Starting', 'kubelet', 'Starting kubelet.']])
  })

  it('service: type, IPs, ports, endpoints from its EndpointSlices, events', async () => {
    const out = await describeIn('svc', 'web')
    expect(describeField(out, 'Name')).toBe('web')
    expect(describeField(out, 'Namespace')).toBe(ns)
    expect(describeField(out, 'Labels')).toBe('app=web')
    expect(describeField(out, 'Selector')).toBe('app=web')
    expect(describeField(out, 'Type')).toBe('ClusterIP')
    expect(describeField(out, 'IP Family Policy')).toBe('SingleStack')
    expect(describeField(out, 'IP Families')).toBe('IPv4')
    expect(describeField(out, 'IP')).toBe('10.96.0.20')
    expect(describeField(out, 'IPs')).toBe('10.96.0.20')
    expect(describeField(out, 'Port')).toMatch(/^http\s+80\/TCP$/)
    expect(describeField(out, 'TargetPort')).toBe('8080/TCP')
    expect(describeField(out, 'Endpoints')).toBe('10.244.0.5:8080,10.244.0.6:8080')
    expect(describeField(out, 'Session Affinity')).toBe('None')
    expect(describeEvents(out)!.map(([type, reason, , from, message]) => [type, reason, from, message])).toEqual([
      ['Warning', 'ClusterIPNotAllocated', 'ipallocator-repair-controller', 'Cluster IP [IPv4]:10.96.0.20 is not allocated; repairing'],
    ])
  })

  it('job: selector, completions, times, pod statuses and events', async () => {
    const out = await describeIn('job', 'migrate')
    const uid = job.metadata.uid
    expect(describeField(out, 'Name')).toBe('migrate')
    expect(describeField(out, 'Namespace')).toBe(ns)
    expect(describeField(out, 'Selector')).toBe(`batch.kubernetes.io/controller-uid=${uid}`)
    expect(describeValues(out, 'Labels')).toEqual([`batch.kubernetes.io/controller-uid=${uid}`, 'batch.kubernetes.io/job-name=migrate', `controller-uid=${uid}`, 'job-name=migrate'])
    expect(describeField(out, 'Parallelism')).toBe('1')
    expect(describeField(out, 'Completions')).toBe('1')
    expect(describeField(out, 'Completion Mode')).toBe('NonIndexed')
    expect(describeField(out, 'Suspend')).toBe('false')
    expect(describeField(out, 'Backoff Limit')).toBe('6')
    expect(describeField(out, 'Start Time')).toMatch(rfc1123z)
    expect(describeField(out, 'Completed At')).toMatch(rfc1123z)
    expect(describeField(out, 'Duration')).toBe('60s')
    expect(describeField(out, 'Pods Statuses')).toBe('0 Active (0 Ready) / 1 Succeeded / 0 Failed')
    expect(out).toMatch(/^ {3}migrate:\n {4}Image:\s+busybox:1\.36$/m)
    expect(describeEvents(out)!.map(([type, reason, , from, message]) => [type, reason, from, message])).toEqual([
      ['Normal', 'SuccessfulCreate', 'job-controller', 'Created pod: migrate-q8wz4'],
      ['Normal', 'Completed', 'job-controller', 'Job completed'],
    ])
  })

  it('namespace: labels, status and quotas (upstream prints no events for namespaces)', async () => {
    const out = await kubectl.ok(['describe', 'namespace', ns])
    expect(describeField(out, 'Name')).toBe(ns)
    expect(describeValues(out, 'Labels')).toEqual([`kubernetes.io/metadata.name=${ns}`, 'team=web'])
    expect(describeField(out, 'Annotations')).toBe('<none>')
    expect(describeField(out, 'Status')).toBe('Active')
    expect(out).toMatch(/^Resource Quotas\n {2}Name:\s+compute\n {2}Resource\s+Used\s+Hard\n {2}-+\s+-+\s+-+\n {2}pods\s+2\s+10$/m)
    expect(out).toMatch(/^No LimitRange resource\.$/m)
    expect(describeEvents(out)).toBeUndefined()
  })

  it('get events: one row per event with LAST SEEN TYPE REASON OBJECT MESSAGE, sortable by time', async () => {
    const [header, ...lines] = rows(await kubectl.ok(['get', 'events', '-n', ns, '--sort-by=.lastTimestamp']))
    expect(header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'])
    for (const line of lines) expect(line[0]).toMatch(/^\d+s$|^\d+m\d*s?$/)
    const [pod] = pods
    // Recorded in this order of lastTimestamp, each at least a second apart.
    expect(lines.map((l) => l.slice(1))).toEqual([
      ['Normal', 'ScalingReplicaSet', 'deployment/web', 'Scaled up replica set web-5d4f8b9c7 from 0 to 2'],
      ['Normal', 'SuccessfulCreate', `replicaset/${rs.metadata.name}`, `Created pod: ${pods[0].metadata.name}`],
      ['Normal', 'SuccessfulCreate', `replicaset/${rs.metadata.name}`, `Created pod: ${pods[1].metadata.name}`],
      ['Normal', 'Scheduled', `pod/${pod.metadata.name}`, `Successfully assigned ${ns}/${pod.metadata.name} to node-1`],
      ['Normal', 'SuccessfulCreate', 'job/migrate', 'Created pod: migrate-q8wz4'],
      ['Normal', 'Pulled', `pod/${pod.metadata.name}`, 'Container image "nginx:1.27" already present on machine'],
      ['Normal', 'Completed', 'job/migrate', 'Job completed'],
      ['Warning', 'ClusterIPNotAllocated', 'service/web', 'Cluster IP [IPv4]:10.96.0.20 is not allocated; repairing'],
      ['Warning', 'Unhealthy', `pod/${pod.metadata.name}`, 'Readiness probe failed: connection refused'],
    ])

    const warnings = rows(await kubectl.ok(['get', 'events', '-n', ns, '--field-selector', 'type=Warning,involvedObject.kind=Pod']))
    expect(warnings.slice(1).map((l) => l.slice(1, 4))).toEqual([['Warning', 'Unhealthy', `pod/${pod.metadata.name}`]])

    const forPod = rows(await kubectl.ok(['events', '-n', ns, '--for', `pod/${pod.metadata.name}`]))
    expect(forPod[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'])
    expect(forPod.slice(1).map((l) => l.slice(1, 4))).toEqual([
      ['Normal', 'Scheduled', `Pod/${pod.metadata.name}`],
      ['Normal', 'Pulled', `Pod/${pod.metadata.name}`],
      ['Warning', 'Unhealthy', `Pod/${pod.metadata.name}`],
    ])
  })
})
