// `kubectl get` (v1.32 and v1.35, or $KUBECTL) over several kinds at once and
// with its output options: deploy,rs,po; all; -o wide for the workload kinds;
// -o custom-columns; -o jsonpath; --show-labels; -L; --sort-by. Pod columns
// on their own are covered by kubectl-get-printing.test.ts.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type ApiClient, type Json } from '../support/api-client.ts'
import { podFor, replicaSetFor, runningPodStatus, secondsAgo, writeStatus } from '../support/cluster-state.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { columns, lines, rows, sections } from '../support/kubectl-output.ts'
import { pod } from '../support/manifests.ts'

const age = /^\d+s$/

const workload = (name: string, labels: Record<string, string>, image: string) => ({
  metadata: { name, labels },
  spec: {
    selector: { matchLabels: { app: labels.app } },
    template: { metadata: { labels: { app: labels.app } }, spec: { containers: [{ name: labels.app, image }] } },
  },
})

describe.each(kubectlVersions())('kubectl $name get output options', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let kubectl: Kubectl
  let ns: string
  let rs: Json
  let apiPods: Json[]

  const get = (...args: string[]) => kubectl.ok(['get', ...args, '-n', ns])

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
    ns = await createNamespace(api, 'output')
    const apps = `/apis/apps/v1/namespaces/${ns}`

    const deployments: Json[] = []
    for (const [name, replicas, labels, image] of [
      ['api', 3, { app: 'api', tier: 'backend' }, 'registry.local/api:2.1'],
      ['web', 2, { app: 'web', tier: 'frontend' }, 'nginx:1.27'],
      ['worker', 1, { app: 'worker' }, 'busybox:1.36'],
    ] as const) {
      const d = workload(name, labels, image)
      deployments.push(await api.create(`${apps}/deployments`, { apiVersion: 'apps/v1', kind: 'Deployment', ...d, spec: { ...d.spec, replicas } }))
      const ready = name === 'web' ? 1 : replicas
      await writeStatus(api, `${apps}/deployments/${name}`, { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: ready, availableReplicas: ready })
    }

    rs = await api.create(`${apps}/replicasets`, replicaSetFor(deployments[0], '6b7c9d8f4'))
    await writeStatus(api, `${apps}/replicasets/${rs.metadata.name}`, { observedGeneration: 1, replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3 })
    // IPs out of name order, for --sort-by.
    apiPods = []
    for (const [suffix, ip] of [
      ['aaaaa', '10.244.0.12'],
      ['bbbbb', '10.244.0.10'],
      ['ccccc', '10.244.0.11'],
    ]) {
      const created = await api.create(`/api/v1/namespaces/${ns}/pods`, podFor(rs, suffix, 'node-1'))
      apiPods.push(await writeStatus(api, `/api/v1/namespaces/${ns}/pods/${created.metadata.name}`, runningPodStatus(created, ip, '192.168.49.2')))
    }
    await api.create(`/api/v1/namespaces/${ns}/pods`, pod('debug', { labels: { app: 'debug' } }))

    await api.create(`${apps}/daemonsets`, { apiVersion: 'apps/v1', kind: 'DaemonSet', ...workload('agent', { app: 'agent' }, 'fluent-bit:3.0') })
    await writeStatus(api, `${apps}/daemonsets/agent`, { observedGeneration: 1, desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0 })
    const db = workload('db', { app: 'db' }, 'postgres:16')
    await api.create(`${apps}/statefulsets`, { apiVersion: 'apps/v1', kind: 'StatefulSet', ...db, spec: { ...db.spec, serviceName: 'db', replicas: 1 } })
    await writeStatus(api, `${apps}/statefulsets/db`, { observedGeneration: 1, replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 1 })

    const batch = `/apis/batch/v1/namespaces/${ns}`
    const jobTemplate = { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'busybox:1.36', command: ['echo', 'report'] }] } } } }
    const job = await api.create(`${batch}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report' }, ...jobTemplate })
    await writeStatus(api, `${batch}/jobs/report`, {
      startTime: secondsAgo(100),
      completionTime: secondsAgo(40),
      succeeded: 1,
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      conditions: ['SuccessCriteriaMet', 'Complete'].map((type) => ({ type, status: 'True', reason: 'CompletionsReached', lastProbeTime: secondsAgo(40), lastTransitionTime: secondsAgo(40) })),
    })
    expect(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid)
    await api.create(`${batch}/cronjobs`, { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate } })

    await api.create(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api' },
      spec: { clusterIP: '10.96.0.30', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
    })
  })

  afterAll(async () => {
    await server?.cleanup()
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('get deploy,rs,po prints one table per kind, names prefixed by kind', async () => {
    const [deploy, replicaSets, pods] = sections(await get('deploy,rs,po'))
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'])
    expect(deploy.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['deployment.apps/api', '3/3', '3', '3'],
      ['deployment.apps/web', '1/2', '2', '1'],
      ['deployment.apps/worker', '1/1', '1', '1'],
    ])
    expect(replicaSets[0]).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'])
    expect(replicaSets.slice(1).map((r) => r.slice(0, 4))).toEqual([[`replicaset.apps/${rs.metadata.name}`, '3', '3', '3']])
    expect(pods[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'])
    expect(pods.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ...apiPods.map((p) => [`pod/${p.metadata.name}`, '1/1', 'Running', '0']),
      ['pod/debug', '0/1', 'Pending', '0'],
    ])
    for (const r of [...deploy.slice(1), ...replicaSets.slice(1), ...pods.slice(1)]) expect(r.at(-1)).toMatch(age)
  })

  it('get all lists every kind in the all category, in discovery order, with its own columns', async () => {
    const found = sections(await get('all'))
    expect(found.map((s) => [s[1][0].split('/')[0], s[0]])).toEqual([
      ['pod', ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']],
      ['service', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']],
      ['daemonset.apps', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']],
      ['deployment.apps', ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']],
      ['replicaset.apps', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']],
      ['statefulset.apps', ['NAME', 'READY', 'AGE']],
      ['cronjob.batch', ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']],
      ['job.batch', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']],
    ])
    const [, services, daemonSets, , , statefulSets, cronJobs, jobs] = found
    expect(services[1].slice(0, 5)).toEqual(['service/api', 'ClusterIP', '10.96.0.30', '<none>', '80/TCP'])
    expect(daemonSets[1].slice(0, 7)).toEqual(['daemonset.apps/agent', '1', '1', '1', '1', '1', '<none>'])
    expect(statefulSets[1].slice(0, 2)).toEqual(['statefulset.apps/db', '1/1'])
    expect(cronJobs[1].slice(0, 6)).toEqual(['cronjob.batch/nightly', '0 3 * * *', '<none>', 'False', '0', '<none>'])
    expect(jobs[1].slice(0, 4)).toEqual(['job.batch/report', 'Complete', '1/1', '60s'])
  })

  it('-o wide adds the containers, images and selector of each workload kind', async () => {
    const wide = async (kind: string) => {
      const [header, row] = rows(await get(kind, '-o', 'wide'))
      return [header.slice(-3), row.slice(-3)]
    }
    expect(await wide('rs')).toEqual([
      ['CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['api', 'registry.local/api:2.1', 'app=api,pod-template-hash=6b7c9d8f4'],
    ])
    expect(await wide('ds')).toEqual([
      ['CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['agent', 'fluent-bit:3.0', 'app=agent'],
    ])
    expect(await wide('sts')).toEqual([
      ['AGE', 'CONTAINERS', 'IMAGES'],
      [expect.stringMatching(age), 'db', 'postgres:16'],
    ])
    const [jobHeader, jobRow] = await wide('jobs')
    expect(jobHeader).toEqual(['CONTAINERS', 'IMAGES', 'SELECTOR'])
    expect(jobRow).toEqual(['report', 'busybox:1.36', expect.stringMatching(/^batch\.kubernetes\.io\/controller-uid=[0-9a-f-]{36}$/)])
    expect(await wide('cronjobs')).toEqual([
      ['CONTAINERS', 'IMAGES', 'SELECTOR'],
      ['report', 'busybox:1.36', '<none>'],
    ])
  })

  it('-o custom-columns reads fields from full objects; an absent field prints <none>', async () => {
    expect(rows(await get('pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image'))).toEqual([
      ['NAME', 'IMAGE'],
      ...apiPods.map((p) => [p.metadata.name, 'registry.local/api:2.1']),
      ['debug', 'nginx:1.27'],
    ])
    expect(rows(await get('pods', '-o', 'custom-columns=NAME:.metadata.name,IP:.status.podIP,OWNER:.metadata.ownerReferences[0].name'))).toEqual([
      ['NAME', 'IP', 'OWNER'],
      ...apiPods.map((p) => [p.metadata.name, p.status.podIP, rs.metadata.name]),
      ['debug', '<none>', '<none>'],
    ])
  })

  it('-o jsonpath on lists and single objects, with range and filters', async () => {
    expect(await get('deploy', '-o', 'jsonpath={.items[*].metadata.name}')).toBe('api web worker')
    expect(await get('deploy', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.replicas}{"\\n"}{end}')).toBe('api=3\nweb=2\nworker=1\n')
    expect(await get('deploy', '-o', 'jsonpath={.items[?(@.metadata.labels.tier=="frontend")].metadata.name}')).toBe('web')
    expect(await get('pod', apiPods[0].metadata.name, '-o', 'jsonpath={.status.podIP} {.spec.nodeName} {.metadata.ownerReferences[0].kind}')).toBe('10.244.0.12 node-1 ReplicaSet')
    expect(await get('job', 'report', '-o', 'jsonpath={.status.conditions[?(@.type=="Complete")].status}')).toBe('True')
  })

  it('--show-labels and -L add label columns; an absent label is an empty cell', async () => {
    const shown = columns(await get('deploy', '--show-labels'))
    expect(shown[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'LABELS'])
    expect(shown.slice(1).map((r) => [r[0], r[5]])).toEqual([
      ['api', 'app=api,tier=backend'],
      ['web', 'app=web,tier=frontend'],
      ['worker', 'app=worker'],
    ])
    const labelled = columns(await get('deploy', '-L', 'tier', '-L', 'app'))
    expect(labelled[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'TIER', 'APP'])
    expect(labelled.slice(1).map((r) => [r[0], r[5], r[6]])).toEqual([
      ['api', 'backend', 'api'],
      ['web', 'frontend', 'web'],
      ['worker', '', 'worker'],
    ])
    const mixed = sections(await get('deploy,rs', '-L', 'pod-template-hash', '--show-labels'))
    expect(mixed[1][0].slice(-2)).toEqual(['POD-TEMPLATE-HASH', 'LABELS'])
    expect(mixed[1][1].slice(-2)).toEqual(['6b7c9d8f4', 'app=api,pod-template-hash=6b7c9d8f4'])
  })

  it('--sort-by orders rows by a field of the full object', async () => {
    const byIP = rows(await get('pods', '-l', 'app=api', '--sort-by=.status.podIP', '-o', 'wide'))
    expect(byIP.slice(1).map((r) => [r[0], r[5]])).toEqual([
      [apiPods[1].metadata.name, '10.244.0.10'],
      [apiPods[2].metadata.name, '10.244.0.11'],
      [apiPods[0].metadata.name, '10.244.0.12'],
    ])
    expect(lines(await get('deploy', '--sort-by=.spec.replicas', '-o', 'name'))).toEqual(['deployment.apps/worker', 'deployment.apps/web', 'deployment.apps/api'])
    const byImage = rows(await get('deploy', '--sort-by={.spec.template.spec.containers[0].image}', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image'))
    expect(byImage.slice(1)).toEqual([
      ['worker', 'busybox:1.36'],
      ['web', 'nginx:1.27'],
      ['api', 'registry.local/api:2.1'],
    ])
  })
})
