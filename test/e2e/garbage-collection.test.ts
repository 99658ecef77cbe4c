// The garbage collector, namespace, serviceaccount and pod GC controllers
// against a real apiserver process (--namespace-lifecycle controller, so the
// apiserver leaves terminating namespaces to us), run in this process with a
// ControllerContext built here, and driven by real kubectl.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject, OwnerReference } from '../../shared/api-types.ts'
import { createClient, isNotFound, type Client } from '../../shared/client/index.ts'
import { realClock } from '../../shared/clock.ts'
import { SharedInformerFactory } from '../../shared/informer/index.ts'
import { createLogger } from '../../shared/logger.ts'
import { createControllerContext, type OwnedControllerContext } from '../../controller-manager/controller-context.ts'
import { createGarbageCollectorController } from '../../controller-manager/controllers/garbage-collector/garbage-collector-controller.ts'
import { createNamespaceController } from '../../controller-manager/controllers/namespace/namespace-controller.ts'
import { createPodGCController } from '../../controller-manager/controllers/podgc/pod-gc-controller.ts'
import { serviceAccountsController } from '../../controller-manager/controllers/serviceaccount/serviceaccounts-controller.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

let server: ApiserverProcess
let client: Client
let informers: SharedInformerFactory
const stopControllers = new AbortController()
let running: Promise<unknown> | undefined
let ctx: OwnedControllerContext | undefined

beforeAll(async () => {
  server = await startApiserverProcess({ storage: 'memory', args: ['--namespace-lifecycle', 'controller'] })
  // One watch per resource holds one connection each: leave room for them all.
  client = createClient({ server: server.url, userAgent: 'kubeling-gc-e2e', connections: 128 })
  const log = createLogger('controller-manager', 'warn')
  informers = new SharedInformerFactory({ client, logger: log })
  ctx = createControllerContext({ client, informers, clock: realClock, log, workers: () => 4 })
  const controllers = [
    createGarbageCollectorController(),
    createNamespaceController({ deletionGracePeriodMs: 0 }),
    serviceAccountsController,
    createPodGCController({ quarantineMs: 300, checkPeriodMs: 200 }),
  ]
  const runs = controllers.map((c) => c.init(ctx!))
  informers.start()
  running = Promise.all(runs.map((run) => run(stopControllers.signal)))
})

afterAll(async () => {
  stopControllers.abort()
  await running
  await ctx?.flushRecorders()
  await informers?.stop()
  await client?.close()
  await server?.cleanup()
})

const gone = (get: () => Promise<unknown>) => async () => {
  try {
    await get()
    return undefined
  } catch (err) {
    if (isNotFound(err)) return true
    throw err
  }
}

async function createNamespace(name: string): Promise<void> {
  await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
}

function refTo(owner: KubeObject, block = true): OwnerReference {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: block }
}

/** A Deployment owning a ReplicaSet owning two pods, made by hand (no workload controllers run here). */
async function ownerChain(ns: string, name: string) {
  const labels = { app: name }
  const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } }
  const deploy = await client.deployments.create({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns },
    spec: { replicas: 2, selector: { matchLabels: labels }, template },
  })
  const rs = await client.replicaSets.create({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${name}-rs`, namespace: ns, labels, ownerReferences: [refTo({ ...deploy, apiVersion: 'apps/v1', kind: 'Deployment' })] },
    spec: { replicas: 2, selector: { matchLabels: labels }, template },
  })
  const rsRef = refTo({ ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' })
  const pods = await Promise.all([0, 1].map((i) => client.pods.create({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-pod-${i}`, namespace: ns, labels, ownerReferences: [rsRef] },
    spec: template.spec,
  })))
  return { deploy, rs, pods }
}

describe.each(kubectlVersions())('garbage collection with kubectl $name', ({ name: version, binary }) => {
  let kubectl: Kubectl
  const ns = `gc-${version.replace(/\W/g, '-').toLowerCase()}`
  const rsGet = (name: string) => client.replicaSets.namespace(ns).get(name)
  const podGet = (name: string) => client.pods.namespace(ns).get(name)

  beforeAll(async () => {
    kubectl = kubectlFor(binary, server.url)
    await createNamespace(ns)
  })
  afterAll(() => {
    if (kubectl) rmSync(kubectl.home, { recursive: true, force: true })
  })

  it('kubectl delete deployment (background) removes its ReplicaSet and pods', async () => {
    const { rs, pods } = await ownerChain(ns, 'bg')
    await kubectl.ok(['-n', ns, 'delete', 'deployment', 'bg'])
    await waitFor('the ReplicaSet to be collected', gone(() => rsGet(rs.metadata.name!)))
    for (const pod of pods) await waitFor(`pod ${pod.metadata.name} to be collected`, gone(() => podGet(pod.metadata.name!)))
  })

  it('kubectl delete --cascade=foreground returns once the dependents are gone', async () => {
    const { rs, pods } = await ownerChain(ns, 'fg')
    await kubectl.ok(['-n', ns, 'delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=45s'], { timeoutMs: 50_000 })
    // kubectl waited for the Deployment, which the collector let go only after its blocking dependents.
    await expect(rsGet(rs.metadata.name!)).rejects.toSatisfy(isNotFound)
    for (const pod of pods) await expect(podGet(pod.metadata.name!)).rejects.toSatisfy(isNotFound)
    await expect(client.deployments.namespace(ns).get('fg')).rejects.toSatisfy(isNotFound)
  })

  it('kubectl delete --cascade=orphan leaves the ReplicaSet without ownerReferences', async () => {
    const { rs, pods } = await ownerChain(ns, 'orphan')
    await kubectl.ok(['-n', ns, 'delete', 'deployment', 'orphan', '--cascade=orphan', '--timeout=45s'], { timeoutMs: 50_000 })
    const left = await rsGet(rs.metadata.name!)
    expect(left.metadata.uid).toBe(rs.metadata.uid)
    expect(left.metadata.ownerReferences ?? []).toEqual([])
    // The pods still belong to the ReplicaSet, which still exists.
    for (const pod of pods) expect((await podGet(pod.metadata.name!)).metadata.ownerReferences?.[0]?.uid).toBe(rs.metadata.uid)
    const out = await kubectl.ok(['-n', ns, 'get', 'replicaset', rs.metadata.name!, '-o', 'jsonpath={.metadata.ownerReferences}'])
    expect(out).toBe('')
  })
})

describe('namespace controller', () => {
  it('empties a deleted namespace, keeps it Terminating while content remains, then removes it', async () => {
    const kubectl = kubectlFor(kubectlVersions()[0]!.binary, server.url)
    try {
      const ns = 'doomed'
      await createNamespace(ns)
      await ownerChain(ns, 'app')
      await client.configMaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: ns }, data: { a: 'b' } })
      // Held by a finalizer nobody serves, so the namespace must wait for it.
      await client.configMaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] } })

      await kubectl.ok(['delete', 'namespace', ns, '--wait=false'])
      const terminating = await waitFor('the namespace to report the held content', async () => {
        const got = await client.namespaces.get(ns) as KubeObject & { status?: { phase?: string; conditions?: Array<{ type: string; status: string; message?: string }> } }
        const c = got.status?.conditions?.find((x) => x.type === 'NamespaceFinalizersRemaining')
        return c?.status === 'True' ? got : undefined
      }, 30_000)
      expect(terminating.status?.phase).toBe('Terminating')
      expect(terminating.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining')?.message)
        .toBe('Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances')
      expect(await kubectl.ok(['get', 'namespace', ns, '-o', 'jsonpath={.status.phase}'])).toBe('Terminating')
      // Everything without a finalizer is already gone.
      expect((await client.pods.namespace(ns).list()).items).toEqual([])
      expect((await client.replicaSets.namespace(ns).list()).items).toEqual([])
      expect((await client.deployments.namespace(ns).list()).items).toEqual([])
      expect((await client.configMaps.namespace(ns).list()).items.map((c) => c.metadata.name)).toEqual(['held'])

      await client.configMaps.namespace(ns).patch('held', { metadata: { finalizers: null } }, 'merge')
      await waitFor('the namespace to be removed', gone(() => client.namespaces.get(ns)), 40_000).catch(async (err) => {
        throw new Error(`${err}; namespace: ${JSON.stringify(await client.namespaces.get(ns))}`)
      })
    } finally {
      rmSync(kubectl.home, { recursive: true, force: true })
    }
  }, 90_000)
})

describe('serviceaccount controller', () => {
  it('gives a new namespace a default ServiceAccount and makes it again when deleted', async () => {
    const kubectl = kubectlFor(kubectlVersions()[0]!.binary, server.url)
    try {
      await kubectl.ok(['create', 'namespace', 'accounts'])
      const first = await waitFor('the default ServiceAccount', () => client.serviceAccounts.namespace('accounts').get('default'))
      await kubectl.ok(['-n', 'accounts', 'delete', 'serviceaccount', 'default'])
      const second = await waitFor('the default ServiceAccount to be made again', async () => {
        const sa = await client.serviceAccounts.namespace('accounts').get('default')
        return sa.metadata.uid !== first.metadata.uid ? sa : undefined
      })
      expect(second.metadata.name).toBe('default')
      expect(await kubectl.ok(['-n', 'accounts', 'get', 'serviceaccount', 'default', '-o', 'name'])).toBe('serviceaccount/default\n')
    } finally {
      rmSync(kubectl.home, { recursive: true, force: true })
    }
  })
})

describe('pod garbage collector', () => {
  it('force-deletes a pod bound to a node that does not exist, after the quarantine', async () => {
    await createNamespace('orphans')
    const pod = await client.pods.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stranded', namespace: 'orphans' },
      spec: { nodeName: 'no-such-node', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
    })
    expect(pod.metadata.uid).toBeTruthy()
    await waitFor('the stranded pod to be force-deleted', gone(() => client.pods.namespace('orphans').get('stranded')))
  })
})
