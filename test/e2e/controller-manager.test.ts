// The controllers as users meet them: a real cluster of processes
// (apiserver, scheduler, a sim kubelet hosting 3 nodes, the
// controller-manager) driven by real kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { startControllerManagerProcess, type ControllerManagerProcess } from '../support/controller-manager-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

const ns = 'default'

describe('controller-manager with real kubectl', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  const kubelets: KubeletProcess[] = []
  let controllerManager: ControllerManagerProcess
  let api: ApiClient
  let kubectl: Kubectl

  const deploymentPath = (name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`

  async function rolledOut(name: string, replicas: number): Promise<Json> {
    return waitFor(`deployment ${name} rolled out with ${replicas} replicas`, async () => {
      const d = await api.read(deploymentPath(name))
      const s = d.status ?? {}
      return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.readyReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas ? d : undefined
    }, 60_000)
  }

  async function podsOf(selector: string): Promise<Json[]> {
    const list = await api.read(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`)
    return (list.items as Json[]).filter((p) => !p.metadata.deletionTimestamp)
  }

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    kubelets.push(await startKubeletProcess(apiserver.url, { runtime: 'sim', args: ['--nodes', '3', '--node-name-prefix', 'cm-node-'], nodeIP: '127.0.82.1', logLevel: 'warn' }))
    // The CronJob controller runs in its own process below, with a clock brought close to a minute boundary.
    controllerManager = await startControllerManagerProcess(apiserver.url, { args: ['--controllers', '*,-cronjob', '--job-pod-failure-backoff', '1s'] })
    kubectl = kubectlFor(kubectlVersions()[0].binary, apiserver.url)
  }, 90_000)

  afterAll(async () => {
    await controllerManager?.stop()
    for (const k of kubelets) await k.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('kubectl create deployment: ReplicaSet <deployment>-<hash>, pods <rs>-<5>, and describe tells the story', async () => {
    await kubectl.ok(['create', 'deployment', 'nginx-deployment', '--image=nginx:1.25', '--replicas=2'])
    await rolledOut('nginx-deployment', 2)
    const sets = (await api.read(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app=nginx-deployment`)).items as Json[]
    expect(sets).toHaveLength(1)
    const rs = sets[0]
    const hash = rs.metadata.labels['pod-template-hash']
    expect(rs.metadata.name).toBe(`nginx-deployment-${hash}`)
    for (const pod of await podsOf('app=nginx-deployment')) expect(pod.metadata.name).toMatch(new RegExp(`^nginx-deployment-${hash}-[a-z0-9]{5}$`))
    const describeDeploy = await waitFor('the ScalingReplicaSet event', async () => {
      const out = await kubectl.ok(['describe', 'deployment', 'nginx-deployment'])
      return out.includes('ScalingReplicaSet') ? out : undefined
    })
    expect(describeDeploy).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set nginx-deployment-${hash} (to 2|from 0 to 2)`))
    const describeRs = await kubectl.ok(['describe', 'rs', rs.metadata.name])
    expect(describeRs).toMatch(/Controlled By:\s+Deployment\/nginx-deployment/)
    expect((await kubectl.ok(['rollout', 'status', 'deployment/nginx-deployment'])).trim()).toBe('deployment "nginx-deployment" successfully rolled out')
  })

  it('scales 2 → 5 → 3 through kubectl apply of edited YAML', async () => {
    const live = await api.read(deploymentPath('nginx-deployment'))
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx-deployment', labels: live.metadata.labels }, spec: { ...live.spec } }
    delete manifest.spec.strategy
    for (const replicas of [5, 3]) {
      manifest.spec.replicas = replicas
      await kubectl.ok(['apply', '-f', '-'], { input: stringify(manifest) })
      await rolledOut('nginx-deployment', replicas)
      expect(await podsOf('app=nginx-deployment')).toHaveLength(replicas)
    }
  })

  it('rolls out a new image with maxUnavailable 0 without ever dropping below the desired ready replicas; undo and history work', async () => {
    await kubectl.ok(['patch', 'deployment', 'nginx-deployment', '-p', JSON.stringify({ spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } } })])
    await rolledOut('nginx-deployment', 3)
    // A watcher on the Deployment's status: readyReplicas must never fall below 3.
    const watcher = kubectl.start(['get', 'deployment', 'nginx-deployment', '-w', '-o', 'jsonpath={.status.readyReplicas}{"\\n"}'])
    try {
      await kubectl.ok(['set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:1.26'])
      const d = await waitFor('the new template rolled out', async () => {
        const current = await rolledOut('nginx-deployment', 3)
        return current.spec.template.spec.containers[0].image === 'nginx:1.26' && current.metadata.annotations['deployment.kubernetes.io/revision'] === '2' ? current : undefined
      }, 60_000)
      expect(d.status.conditions.find((c: Json) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' })
    } finally {
      watcher.kill()
    }
    const seen = watcher.stdout.split('\n').filter(Boolean).map(Number)
    expect(seen.length).toBeGreaterThan(0)
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(3)

    const history = await kubectl.ok(['rollout', 'history', 'deployment/nginx-deployment'])
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/)
    await kubectl.ok(['rollout', 'undo', 'deployment/nginx-deployment'])
    await waitFor('the previous image back', async () => {
      const current = await rolledOut('nginx-deployment', 3)
      return current.spec.template.spec.containers[0].image === 'nginx:1.25' ? current : undefined
    }, 60_000)
  }, 120_000)

  it('a DaemonSet puts one pod on each of the 3 nodes, and kubectl get ds says so', async () => {
    await kubectl.ok(['apply', '-f', '-'], { input: stringify({
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox', command: ['sleep', '3600'] }] } } },
    }) })
    const pods = await waitFor('3 agent pods running', async () => {
      const list = await podsOf('app=agent')
      return list.length === 3 && list.every((p) => p.status?.phase === 'Running') ? list : undefined
    }, 30_000)
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3)
    const row = await waitFor('kubectl get ds 3 3 3 3 3', async () => {
      const out = (await kubectl.ok(['get', 'ds', 'agent', '--no-headers'])).trim().split(/\s+/)
      return out.slice(1, 6).join(' ') === '3 3 3 3 3' ? out : undefined
    })
    expect(row[0]).toBe('agent')
  })

  it('a Job with completions 6 and parallelism 2 ends 6/6 Complete; a failing one ends Failed with BackoffLimitExceeded', async () => {
    await kubectl.ok(['apply', '-f', '-'], { input: stringify({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'six' },
      spec: { completions: 6, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'echo done'] }] } } },
    }) })
    await kubectl.ok(['apply', '-f', '-'], { input: stringify({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'fails' },
      spec: { backoffLimit: 2, template: { metadata: { annotations: { 'sim.kubeling.io/exit-code': '1' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] } } },
    }) })
    const six = await waitFor('job six complete', async () => {
      const job = await api.read(`/apis/batch/v1/namespaces/${ns}/jobs/six`)
      return job.status?.succeeded === 6 && job.status.conditions?.some((c: Json) => c.type === 'Complete' && c.status === 'True') ? job : undefined
    }, 60_000)
    expect(six.status.failed ?? 0).toBe(0)
    const row = (await kubectl.ok(['get', 'job', 'six', '--no-headers'])).trim().split(/\s+/)
    expect(row.slice(1, 3)).toEqual(['Complete', '6/6'])
    const failed = await waitFor('job fails failed', async () => {
      const job = await api.read(`/apis/batch/v1/namespaces/${ns}/jobs/fails`)
      return job.status?.conditions?.find((c: Json) => c.type === 'Failed' && c.status === 'True')
    }, 60_000)
    expect(failed.reason).toBe('BackoffLimitExceeded')
    const attempts = (await api.read(`/api/v1/namespaces/${ns}/pods?labelSelector=job-name=fails`)).items as Json[]
    expect(attempts).toHaveLength(3)
  }, 120_000)

  it('a Job with restartPolicy OnFailure keeps one pod whose restarts grow', async () => {
    await kubectl.ok(['apply', '-f', '-'], { input: stringify({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'flaky' },
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { annotations: { 'sim.kubeling.io/exit-code': '1', 'sim.kubeling.io/run-seconds': '0.2' } },
          spec: { restartPolicy: 'OnFailure', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] },
        },
      },
    }) })
    const pod = await waitFor('the pod restarted twice', async () => {
      const pods = (await api.read(`/api/v1/namespaces/${ns}/pods?labelSelector=job-name=flaky`)).items as Json[]
      return pods.length === 1 && pods[0].status?.containerStatuses?.[0]?.restartCount >= 2 ? pods[0] : undefined
    }, 30_000)
    expect(pod.spec.restartPolicy).toBe('OnFailure')
    const [, , restarts] = (await kubectl.ok(['get', 'pod', pod.metadata.name, '--no-headers'])).trim().split(/\s{2,}/).slice(1)
    expect(Number(restarts.split(' ')[0])).toBeGreaterThanOrEqual(2)
    await kubectl.ok(['delete', 'job', 'flaky'])
  })

  it('a StatefulSet creates web-0, web-1, web-2 in order', async () => {
    await kubectl.ok(['apply', '-f', '-'], { input: stringify({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
      spec: { serviceName: 'web', replicas: 3, selector: { matchLabels: { app: 'web-sts' } }, template: { metadata: { labels: { app: 'web-sts' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    }) })
    const pods = await waitFor('3 ready stateful pods', async () => {
      const list = await podsOf('app=web-sts')
      return list.length === 3 && list.every((p) => p.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True')) ? list : undefined
    }, 30_000)
    const byCreation = [...pods].sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp) || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    expect(byCreation.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2'])
  })

  it('a CronJob every minute creates a Job (its controller\'s clock brought close to the minute)', async () => {
    // Put the controller's clock 6 s before a minute boundary (always ahead of the real one): time to start it and create the CronJob.
    const toNextMinute = 60_000 - (Date.now() % 60_000)
    const offsetSeconds = Math.round((((toNextMinute - 6000) % 60_000) + 60_000) % 60_000 / 1000)
    const cron = await startControllerManagerProcess(apiserver.url, { args: ['--controllers', 'cronjob', '--clock-offset', `${offsetSeconds}s`] })
    try {
      await kubectl.ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/1 * * * *', '--', 'sh', '-c', 'date'])
      const job = await waitFor('a Job from the CronJob', async () => {
        const jobs = (await api.read(`/apis/batch/v1/namespaces/${ns}/jobs`)).items as Json[]
        return jobs.find((j) => j.metadata.ownerReferences?.[0]?.name === 'tick')
      }, 30_000)
      expect(job.metadata.name).toMatch(/^tick-\d+$/)
    } finally {
      await cron.stop()
    }
  })

  it('cascading deletes: orphan keeps the ReplicaSet, background removes everything; deleting a namespace empties it', async () => {
    await kubectl.ok(['create', 'deployment', 'keep', '--image=nginx', '--replicas=1'])
    await rolledOut('keep', 1)
    await kubectl.ok(['delete', 'deployment', 'keep', '--cascade=orphan'])
    const orphaned = await waitFor('the orphaned ReplicaSet', async () => {
      const sets = (await api.read(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app=keep`)).items as Json[]
      return sets.length === 1 && !sets[0].metadata.ownerReferences?.length ? sets[0] : undefined
    })
    expect(orphaned.metadata.name).toMatch(/^keep-/)

    await kubectl.ok(['create', 'namespace', 'doomed'])
    await waitFor('the default ServiceAccount in doomed', async () => (await api.get('/api/v1/namespaces/doomed/serviceaccounts/default')).status === 200 || undefined)
    await kubectl.ok(['create', 'deployment', 'inside', '--image=nginx', '--replicas=2', '-n', 'doomed'])
    await waitFor('pods in doomed', async () => ((await api.read('/api/v1/namespaces/doomed/pods')).items.length === 2 ? true : undefined), 30_000)
    await kubectl.ok(['delete', 'namespace', 'doomed'])
    await waitFor('namespace doomed gone', async () => (await api.get('/api/v1/namespaces/doomed')).status === 404 || undefined, 60_000)
  }, 90_000)

  it('kubectl delete deployment removes its ReplicaSets and pods', async () => {
    await kubectl.ok(['delete', 'deployment', 'nginx-deployment'])
    await waitFor('ReplicaSets and pods gone', async () => {
      const sets = (await api.read(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app=nginx-deployment`)).items as Json[]
      const pods = (await api.read(`/api/v1/namespaces/${ns}/pods?labelSelector=app=nginx-deployment`)).items as Json[]
      return sets.length === 0 && pods.length === 0 || undefined
    }, 30_000)
  })
})
