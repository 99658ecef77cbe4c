// The Deployment controller against a real apiserver process, driven by real
// kubectl (v1.32 and v1.35, or $KUBECTL): create, describe, set image,
// rollout status / history / undo / restart / pause / resume, and scaling
// with kubectl apply. The controller runs in this test process with the
// ControllerContext the controller-manager would give it. No pods run here:
// a stand-in for the ReplicaSet controller (fakeReplicaSetStatus) reports
// every ReplicaSet as fully ready, so rollouts can progress.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commonResources, createClient, isConflict, isNotFound, type Client } from '../../shared/client/index.ts'
import { realClock } from '../../shared/clock.ts'
import { SharedInformerFactory } from '../../shared/informer/index.ts'
import { createLogger } from '../../shared/logger.ts'
import { runWorkers, WorkQueue } from '../../shared/work-queue.ts'
import { createControllerContext } from '../../controller-manager/controller-context.ts'
import { deploymentController } from '../../controller-manager/controllers/deployment/deployment-controller.ts'
import type { Deployment, ReplicaSet } from '../../controller-manager/controllers/deployment/deployment-types.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { apiClient, createNamespace, type ApiClient } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

/**
 * TEST STAND-IN for the ReplicaSet controller: no pods, just status. Every
 * ReplicaSet is reported with spec.replicas pods, all ready and available,
 * at its current generation.
 */
function fakeReplicaSetStatus(client: Client, informers: SharedInformerFactory, signal: AbortSignal): Promise<void> {
  const sets = informers.informerFor<ReplicaSet>(commonResources.replicaSets)
  const queue = new WorkQueue({ name: 'fake-replicaset-status' })
  const enqueue = (rs: ReplicaSet) => queue.add(`${rs.metadata.namespace}/${rs.metadata.name}`)
  sets.addEventHandler({ onAdd: enqueue, onUpdate: (_, rs) => enqueue(rs) })
  signal.addEventListener('abort', () => queue.shutDown(), { once: true })
  return runWorkers(queue, 2, async (key) => {
    const rs = sets.get(key)
    if (!rs) return
    const n = rs.spec.replicas ?? 1
    const status = { replicas: n, fullyLabeledReplicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: rs.metadata.generation }
    if (JSON.stringify(rs.status) === JSON.stringify(status)) return
    try {
      await client.replicaSets.namespace(rs.metadata.namespace ?? '').updateStatus({ ...rs, status })
    } catch (err) {
      // A newer version is on its way through the informer; it is handled then.
      if (!isConflict(err) && !isNotFound(err)) throw err
    }
  })
}

describe.each(kubectlVersions())('deployment controller with kubectl $name', ({ binary }) => {
  let server: ApiserverProcess
  let api: ApiClient
  let client: Client
  let informers: SharedInformerFactory
  let kubectl: Kubectl
  let ns: string
  let dir: string
  const stop = new AbortController()
  let running: Promise<unknown> | undefined

  const k = (...args: string[]) => kubectl.ok(['-n', ns, ...args])
  const getDeployment = (name: string) => api.read(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`) as Promise<Deployment>
  const replicaSets = async (owner: string): Promise<ReplicaSet[]> => {
    const d = await getDeployment(owner)
    const list = await api.read(`/apis/apps/v1/namespaces/${ns}/replicasets`)
    return (list.items as ReplicaSet[]).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller))
  }
  const revisionOf = (rs: ReplicaSet) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']
  const imageOf = (obj: Deployment | ReplicaSet) => obj.spec.template?.spec?.containers?.[0]?.image
  const rolledOut = async (name: string) => {
    const out = await k('rollout', 'status', `deployment/${name}`, '--timeout=30s')
    expect(out).toContain(`deployment "${name}" successfully rolled out`)
  }

  beforeAll(async () => {
    server = await startApiserverProcess({ storage: 'memory' })
    api = apiClient(server.url)
    kubectl = kubectlFor(binary, server.url)
    ns = await createNamespace(api, 'deploy')
    dir = mkdtempSync(join(tmpdir(), 'kubeling-deployment-'))

    client = createClient({ server: server.url, userAgent: 'kubeling-controller-manager/test' })
    informers = new SharedInformerFactory({ client })
    // Conflicts on a stale cache are retried and logged at error level; failures show up in the assertions instead.
    const log = createLogger('controller-manager', 'silent')
    const ctx = createControllerContext({ client, informers, clock: realClock, log, workers: () => 2 })
    const run = deploymentController.init(ctx)
    const fake = fakeReplicaSetStatus(client, informers, stop.signal)
    informers.start()
    running = Promise.all([run(stop.signal), fake])
  })

  afterAll(async () => {
    stop.abort()
    await running
    await informers?.stop()
    await client?.close()
    await server?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('kubectl create deployment makes <name>-<pod-template-hash> and rolls out', async () => {
    await k('create', 'deployment', 'nginx-deployment', '--image=nginx:1.25', '--replicas=2')
    await rolledOut('nginx-deployment')

    const [rs] = await replicaSets('nginx-deployment')
    const hash = rs.metadata.labels?.['pod-template-hash']
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
    expect(rs.metadata.name).toBe(`nginx-deployment-${hash}`)
    expect(rs.spec.selector?.matchLabels).toEqual({ app: 'nginx-deployment', 'pod-template-hash': hash })
    expect(rs.spec.template?.metadata?.labels).toEqual({ app: 'nginx-deployment', 'pod-template-hash': hash })
    expect(rs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'nginx-deployment', controller: true, blockOwnerDeletion: true })])
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3',
    })

    const d = await getDeployment('nginx-deployment')
    expect(d.status).toMatchObject({ observedGeneration: d.metadata.generation, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })
    const reasons = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, [c.status, c.reason, c.message]]))
    expect(reasons).toEqual({
      Available: ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      Progressing: ['True', 'NewReplicaSetAvailable', `ReplicaSet "${rs.metadata.name}" has successfully progressed.`],
    })

    const described = await waitFor('the ScalingReplicaSet event in describe', async () => {
      const out = await k('describe', 'deployment', 'nginx-deployment')
      return out.includes(`Scaled up replica set ${rs.metadata.name} to 2`) ? out : undefined
    })
    expect(described).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rs.metadata.name} to 2`))
    expect(described).toMatch(new RegExp(`NewReplicaSet:\\s+${rs.metadata.name} \\(2/2 replicas created\\)`))
  })

  it('kubectl set image rolls out a second ReplicaSet and scales the first to 0', async () => {
    const [first] = await replicaSets('nginx-deployment')
    await k('set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:1.26')
    await rolledOut('nginx-deployment')

    const sets = await replicaSets('nginx-deployment')
    expect(sets).toHaveLength(2)
    const second = sets.find((rs) => rs.metadata.uid !== first.metadata.uid)!
    expect(imageOf(second)).toBe('nginx:1.26')
    expect(revisionOf(second)).toBe('2')
    expect(second.spec.replicas).toBe(2)
    expect(sets.find((rs) => rs.metadata.uid === first.metadata.uid)!.spec.replicas).toBe(0)

    const events = await waitFor('the scale-down event', async () => {
      const list = await api.read(`/api/v1/namespaces/${ns}/events`)
      const messages = (list.items as { message: string }[]).map((e) => e.message)
      return messages.some((m) => m.startsWith(`Scaled down replica set ${first.metadata.name} to 0 from`)) ? messages : undefined
    })
    expect(events).toContain(`Scaled up replica set ${second.metadata.name} to 1`)
  })

  it('kubectl rollout history lists the revisions; rollout undo restores the previous template', async () => {
    const history = await k('rollout', 'history', 'deployment/nginx-deployment')
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/)

    const out = await k('rollout', 'undo', 'deployment/nginx-deployment')
    expect(out).toContain('deployment.apps/nginx-deployment rolled back')
    await rolledOut('nginx-deployment')

    const d = await getDeployment('nginx-deployment')
    expect(imageOf(d)).toBe('nginx:1.25')
    const sets = await replicaSets('nginx-deployment')
    expect(sets).toHaveLength(2)
    const current = sets.find((rs) => imageOf(rs) === 'nginx:1.25')!
    // The first ReplicaSet is the new one again, with the next revision and its old one kept.
    expect(revisionOf(current)).toBe('3')
    expect(current.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1')
    expect(current.spec.replicas).toBe(2)
    expect(await k('rollout', 'history', 'deployment/nginx-deployment')).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/)
  })

  it('kubectl rollout restart makes a new ReplicaSet with the restartedAt annotation', async () => {
    const before = await replicaSets('nginx-deployment')
    await k('rollout', 'restart', 'deployment/nginx-deployment')
    await rolledOut('nginx-deployment')
    const sets = await replicaSets('nginx-deployment')
    expect(sets).toHaveLength(before.length + 1)
    const restarted = sets.find((rs) => !before.some((b) => b.metadata.uid === rs.metadata.uid))!
    expect(restarted.spec.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeTruthy()
    expect(revisionOf(restarted)).toBe('4')
    expect(sets.filter((rs) => rs.spec.replicas !== 0)).toEqual([restarted])
  })

  it('kubectl rollout pause holds template changes until resume', async () => {
    expect(await k('rollout', 'pause', 'deployment/nginx-deployment')).toContain('deployment.apps/nginx-deployment paused')
    await waitFor('the DeploymentPaused condition', async () => {
      const d = await getDeployment('nginx-deployment')
      const c = d.status?.conditions?.find((c) => c.type === 'Progressing')
      return c?.reason === 'DeploymentPaused' && c.status === 'Unknown' && c.message === 'Deployment is paused' ? c : undefined
    })
    const before = await replicaSets('nginx-deployment')
    await k('set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:1.27')
    await waitFor('the paused template change to be observed', async () => {
      const d = await getDeployment('nginx-deployment')
      return d.status?.observedGeneration === d.metadata.generation ? d : undefined
    })
    expect(await replicaSets('nginx-deployment')).toHaveLength(before.length)

    expect(await k('rollout', 'resume', 'deployment/nginx-deployment')).toContain('deployment.apps/nginx-deployment resumed')
    await rolledOut('nginx-deployment')
    const sets = await replicaSets('nginx-deployment')
    expect(sets).toHaveLength(before.length + 1)
    expect(sets.filter((rs) => rs.spec.replicas !== 0).map(imageOf)).toEqual(['nginx:1.27'])
  })

  it('kubectl apply scales 2 → 5 → 3 through the one ReplicaSet', async () => {
    const manifest = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
`
    const file = join(dir, 'web.yaml')
    const apply = async (replicas: number) => {
      writeFileSync(file, manifest(replicas))
      await k('apply', '-f', file)
      await rolledOut('web')
      const d = await getDeployment('web')
      expect(d.status).toMatchObject({ replicas, updatedReplicas: replicas, availableReplicas: replicas })
      const sets = await replicaSets('web')
      expect(sets).toHaveLength(1)
      expect(sets[0].spec.replicas).toBe(replicas)
      expect(sets[0].metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe(String(replicas))
      return sets[0].metadata.name
    }
    await apply(2)
    await apply(5)
    const name = await apply(3)
    const messages = await waitFor('the scaling events', async () => {
      const list = await api.read(`/api/v1/namespaces/${ns}/events`)
      const m = (list.items as { message: string }[]).map((e) => e.message)
      return m.includes(`Scaled down replica set ${name} to 3 from 5`) ? m : undefined
    })
    expect(messages).toContain(`Scaled up replica set ${name} to 2`)
    expect(messages).toContain(`Scaled up replica set ${name} to 5 from 2`)
  })
})
