// Real kubectl against apiserver + scheduler processes: what a user sees of
// scheduling. `kubectl run` gets a node, `describe` tells the scheduler's
// story, `cordon` keeps new pods away, and an impossible pod stays Pending
// with the scheduler's reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

async function createNode(api: ApiClient, name: string): Promise<void> {
  const node = await api.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } })
  const allocatable = { cpu: '2', memory: '4Gi', pods: '110' }
  expect((await api.put(`/api/v1/nodes/${name}/status`, { ...node, status: { capacity: allocatable, allocatable } })).status).toBe(200)
}

async function boundNode(api: ApiClient, name: string): Promise<string> {
  return waitFor(`pod ${name} bound`, async () => (await api.read(`/api/v1/namespaces/default/pods/${name}`)).spec.nodeName || undefined)
}

describe.each(kubectlVersions())('kubectl $name with the scheduler', ({ binary }) => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  let api: ApiClient
  let kubectl: Kubectl

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(apiserver.url)
    for (const name of ['node-1', 'node-2']) await createNode(api, name)
    scheduler = await startSchedulerProcess(apiserver.url)
    kubectl = kubectlFor(binary, apiserver.url)
  }, 60_000)

  afterAll(async () => {
    await scheduler?.stop()
    await apiserver?.cleanup()
  })

  it('kubectl run gets a node, and describe shows the Scheduled event from default-scheduler', async () => {
    await kubectl.ok(['run', 'web', '--image=nginx:1.25'])
    const node = await boundNode(api, 'web')
    const describe = await waitFor('the Scheduled event in describe', async () => {
      const out = await kubectl.ok(['describe', 'pod', 'web'])
      return out.includes('Successfully assigned') ? out : undefined
    })
    expect(describe).toMatch(new RegExp(`Node:\\s+${node}/`))
    expect(describe).toMatch(new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/web to ${node}`))
    expect(describe).toMatch(/PodScheduled\s+True/)
  })

  it('kubectl cordon keeps new pods off the node; uncordon lets them back', async () => {
    expect((await kubectl.ok(['cordon', 'node-1'])).trim()).toBe('node/node-1 cordoned')
    for (const name of ['after-cordon-1', 'after-cordon-2', 'after-cordon-3']) {
      await kubectl.ok(['run', name, '--image=nginx:1.25'])
      expect(await boundNode(api, name)).toBe('node-2')
    }
    expect((await kubectl.ok(['uncordon', 'node-1'])).trim()).toBe('node/node-1 uncordoned')
  })

  it('a pod that fits nowhere stays Pending, and describe and get events say why', async () => {
    await kubectl.ok(['run', 'huge', '--image=nginx:1.25', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'huge', image: 'nginx:1.25', resources: { requests: { memory: '64Gi' } } }] } })])
    const expected = '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.'
    const describe = await waitFor('FailedScheduling in describe', async () => {
      const out = await kubectl.ok(['describe', 'pod', 'huge'])
      return out.includes('FailedScheduling') ? out : undefined
    })
    expect(describe).toMatch(/Status:\s+Pending/)
    expect(describe).toMatch(/PodScheduled\s+False/)
    expect(describe).toMatch(/Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/2 nodes are available: 2 Insufficient memory\./)
    const events = await kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=huge', '-o', 'json'])
    const messages = (JSON.parse(events).items as Json[]).map((e) => e.message)
    expect(messages).toContain(expected)
    const wide = await kubectl.ok(['get', 'pod', 'huge', '-o', 'wide'])
    expect(wide).toMatch(/huge\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>/)
  })
})
