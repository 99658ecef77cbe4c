// The ReplicaSet controller as part of a real cluster: apiserver, scheduler,
// a sim kubelet hosting 3 nodes and the controller-manager, each a process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { startControllerManagerProcess, type ControllerManagerProcess } from '../support/controller-manager-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

const ns = 'default'

function replicaSet(name: string, replicas: number): Json {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  }
}

describe('ReplicaSet controller in the controller-manager process', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  let kubelet: KubeletProcess
  let controllerManager: ControllerManagerProcess
  let api: ApiClient
  let kubectl: Kubectl

  async function podsOf(name: string): Promise<Json[]> {
    const list = await api.read(`/api/v1/namespaces/${ns}/pods?labelSelector=app=${name}`)
    return (list.items as Json[]).filter((p) => !p.metadata.deletionTimestamp)
  }

  async function readyReplicas(name: string, n: number): Promise<Json> {
    return waitFor(`${name} to have ${n} ready replicas`, async () => {
      const rs = await api.read(`/apis/apps/v1/namespaces/${ns}/replicasets/${name}`)
      const pods = await podsOf(name)
      return rs.status?.readyReplicas === n && rs.status.replicas === n && pods.length === n ? rs : undefined
    }, 30_000)
  }

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    kubelet = await startKubeletProcess(apiserver.url, { runtime: 'sim', args: ['--nodes', '3', '--node-name-prefix', 'rs-node-'], nodeIP: '127.0.81.1', logLevel: 'warn' })
    controllerManager = await startControllerManagerProcess(apiserver.url)
    kubectl = kubectlFor(kubectlVersions()[0].binary, apiserver.url)
  }, 90_000)

  afterAll(async () => {
    await controllerManager?.stop()
    await kubelet?.cleanup()
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('creates the pods of a ReplicaSet, owned by it, and reports them ready', async () => {
    await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, replicaSet('web', 3))
    const rs = await readyReplicas('web', 3)
    const pods = await podsOf('web')
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }])
    }
    expect(rs.status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 })
    const out = await kubectl.ok(['get', 'rs', 'web', '--no-headers'])
    expect(out.trim().split(/\s+/).slice(0, 4)).toEqual(['web', '3', '3', '3'])
    const describe = await waitFor('SuccessfulCreate events', async () => {
      const text = await kubectl.ok(['describe', 'rs', 'web'])
      return (text.match(/SuccessfulCreate/g) ?? []).length === 3 ? text : undefined
    })
    expect(describe).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-\w{5}/)
  })

  it('scales up and down with kubectl scale, deleting the pods to go first', async () => {
    await kubectl.ok(['scale', 'rs', 'web', '--replicas=5'])
    await readyReplicas('web', 5)
    await kubectl.ok(['scale', 'rs', 'web', '--replicas=2'])
    await readyReplicas('web', 2)
  })

  it('replaces a deleted pod', async () => {
    const [victim] = await podsOf('web')
    await kubectl.ok(['delete', 'pod', victim.metadata.name, '--wait=false'])
    const pods = await waitFor('a replacement', async () => {
      const current = await podsOf('web')
      return current.length === 2 && !current.some((p) => p.metadata.uid === victim.metadata.uid) ? current : undefined
    })
    expect(pods).toHaveLength(2)
  })

  it('adopts a matching orphan instead of creating another pod', async () => {
    await kubectl.ok(['scale', 'rs', 'web', '--replicas=3'])
    await readyReplicas('web', 3)
    await api.create(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'orphan', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } })
    const rs = await api.read(`/apis/apps/v1/namespaces/${ns}/replicasets/web`)
    // Adopted, then one too many: the ReplicaSet deletes one (the orphan, or another not yet ready).
    await waitFor('the orphan adopted or removed, 3 pods left', async () => {
      const pods = await podsOf('web')
      const orphan = pods.find((p) => p.metadata.name === 'orphan')
      const adopted = !orphan || orphan.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid
      return adopted && pods.length === 3 || undefined
    })
  })

  it('a controller-manager killed in the middle of a 50-replica scale-up ends with exactly 50 pods', async () => {
    await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, replicaSet('big', 50))
    await waitFor('the scale-up to be under way', async () => ((await podsOf('big')).length >= 5 ? true : undefined))
    await controllerManager.kill()
    controllerManager = await startControllerManagerProcess(apiserver.url)
    await readyReplicas('big', 50)
    // Nothing more is created once it has converged.
    const all = (await api.read(`/api/v1/namespaces/${ns}/pods?labelSelector=app=big`)).items as Json[]
    expect(all).toHaveLength(50)
  }, 60_000)
})
