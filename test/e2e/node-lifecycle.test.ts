// Node IPAM, node lifecycle and taint eviction against real processes: an
// apiserver (default not-ready/unreachable tolerations of 2 s), the
// scheduler, one sim kubelet process per node (so one can be frozen), and the
// three controllers plus the ReplicaSet controller running in this process.
// A frozen kubelet's node goes Unknown and gets the unreachable taints, its
// pod is marked not Ready and evicted after 2 s, the ReplicaSet replaces it
// on the other nodes; once the kubelet resumes the node is Ready, untainted,
// the old pod's deletion is confirmed and nothing moves back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type Client } from '../../shared/client/index.ts'
import { realClock } from '../../shared/clock.ts'
import type { Node, Pod } from '../../shared/core-types.ts'
import { SharedInformerFactory } from '../../shared/informer/index.ts'
import { createLogger } from '../../shared/logger.ts'
import { createControllerContext, type OwnedControllerContext } from '../../controller-manager/controller-context.ts'
import { createNodeIpamController } from '../../controller-manager/controllers/nodeipam/node-ipam-controller.ts'
import { createNodeLifecycleController } from '../../controller-manager/controllers/nodelifecycle/node-lifecycle-controller.ts'
import { replicaSetController } from '../../controller-manager/controllers/replicaset/replicaset-controller.ts'
import { createTaintEvictionController } from '../../controller-manager/controllers/tainteviction/taint-eviction-controller.ts'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { startApiserverProcess, type ApiserverProcess } from '../support/apiserver-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { startKubeletProcess, type KubeletProcess } from '../support/kubelet-process.ts'
import { startSchedulerProcess, type SchedulerProcess } from '../support/scheduler-process.ts'
import { waitFor } from '../support/wait-for.ts'

const ns = 'default'
const nodeNames = ['nl-node-0', 'nl-node-1', 'nl-node-2']

describe('node lifecycle: a node whose kubelet stops', () => {
  let apiserver: ApiserverProcess
  let scheduler: SchedulerProcess
  const kubelets = new Map<string, KubeletProcess>()
  const frozen = new Set<string>()
  let api: ApiClient
  let client: Client
  let informers: SharedInformerFactory
  let ctx: OwnedControllerContext | undefined
  const running = new AbortController()
  let runs: Promise<unknown> | undefined
  let kubectl: Kubectl

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory', args: ['--default-unreachable-toleration-seconds', '2', '--default-not-ready-toleration-seconds', '2'] })
    api = apiClient(apiserver.url)
    scheduler = await startSchedulerProcess(apiserver.url, { args: ['--leader-elect=false'], logLevel: 'warn' })
    await Promise.all(nodeNames.map(async (nodeName, i) => {
      kubelets.set(nodeName, await startKubeletProcess(apiserver.url, {
        runtime: 'sim', nodeName, nodeIP: `127.0.83.${i + 1}`, logLevel: 'warn',
        // --node-status-report-frequency 1s: this kubelet diffs status against its own last write, not the
        // live Node, so after the controller set Ready Unknown it re-posts Ready only on the report period.
        args: ['--node-lease-duration-seconds', '4', '--node-status-update-frequency', '1s', '--node-status-report-frequency', '1s'],
      }))
    }))

    client = createClient({ server: apiserver.url, userAgent: 'node-lifecycle-e2e', connections: 32 })
    const log = createLogger('node-lifecycle-e2e', 'warn')
    informers = new SharedInformerFactory({ client, logger: log })
    ctx = createControllerContext({ client, informers, clock: realClock, log, workers: () => 2 })
    const controllers = [
      createNodeIpamController({ clusterCIDR: '10.244.0.0/16', nodeCIDRMaskSize: 24 }),
      createNodeLifecycleController({ monitorGracePeriodMs: 3000, monitorPeriodMs: 500, startupGracePeriodMs: 10_000 }),
      createTaintEvictionController(),
      replicaSetController,
    ]
    const runners = controllers.map((c) => c.init(ctx!))
    informers.start()
    await informers.whenSynced()
    runs = Promise.all(runners.map((run) => run(running.signal)))
    kubectl = kubectlFor(kubectlVersions()[0].binary, apiserver.url)
  }, 120_000)

  afterAll(async () => {
    running.abort()
    await runs
    await ctx?.flushRecorders()
    await informers?.stop()
    await client?.close()
    for (const [name, kubelet] of kubelets) {
      // A stopped process cannot handle SIGTERM: let it run again first.
      if (frozen.has(name) && kubelet.process.pid) process.kill(kubelet.process.pid, 'SIGCONT')
      await kubelet.cleanup()
    }
    await scheduler?.stop()
    await apiserver?.cleanup()
  }, 60_000)

  const node = (name: string): Promise<Node> => api.read(`/api/v1/nodes/${name}`)
  const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')
  const taintsOf = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort()
  async function livePods(): Promise<Pod[]> {
    const list = await api.read(`/api/v1/namespaces/${ns}/pods?labelSelector=app=web`)
    return list.items as Pod[]
  }
  const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

  it('gives each node a podCIDR from the cluster CIDR', async () => {
    const cidrs = await waitFor('every node to have a podCIDR', async () => {
      const all = await Promise.all(nodeNames.map(node))
      return all.every((n) => n.spec?.podCIDR) ? all.map((n) => [n.spec!.podCIDR, n.spec!.podCIDRs]) : undefined
    }, 20_000)
    expect(cidrs.map(([c]) => c).sort()).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24'])
    for (const [cidr, list] of cidrs) expect(list).toEqual([cidr])
  }, 30_000)

  it('evicts the pod of a frozen node, replaces it elsewhere, and lets the node come back', async () => {
    await api.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'nginx:1.25' }],
            affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] } },
          },
        },
      },
    } satisfies Json)
    const spread = await waitFor('3 ready pods, one per node', async () => {
      const pods = await livePods()
      const nodes = new Set(pods.map((p) => p.spec?.nodeName))
      return pods.length === 3 && pods.every(isReady) && nodes.size === 3 ? pods : undefined
    }, 30_000)
    // The admission default (apiserver flags) gives every pod 2 s of tolerance.
    expect(spread[0].spec?.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 })

    const victim = spread[0]
    const victimNode = victim.spec!.nodeName!
    const kubelet = kubelets.get(victimNode)!
    frozen.add(victimNode)
    process.kill(kubelet.process.pid!, 'SIGSTOP')

    const unknown = await waitFor(`${victimNode} Ready Unknown`, async () => {
      const n = await node(victimNode)
      return ready(n)?.status === 'Unknown' ? n : undefined
    }, 20_000)
    expect(ready(unknown)).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' })
    const gotNodes = await kubectl.ok(['get', 'nodes'])
    expect(gotNodes).toMatch(new RegExp(`${victimNode}\\s+NotReady`))

    await waitFor(`${victimNode} to carry the unreachable taints`, async () => {
      const taints = taintsOf(await node(victimNode))
      return taints.includes('node.kubernetes.io/unreachable:NoExecute') && taints.includes('node.kubernetes.io/unreachable:NoSchedule') ? taints : undefined
    }, 20_000)
    const described = await kubectl.ok(['describe', 'node', victimNode])
    expect(described).toMatch(/Taints:\s+node\.kubernetes\.io\/unreachable:NoExecute/)

    const evicted = await waitFor(`${victim.metadata.name} to be terminating`, async () => {
      const p: Pod = await api.read(`/api/v1/namespaces/${ns}/pods/${victim.metadata.name}`)
      return p.metadata.deletionTimestamp ? p : undefined
    }, 20_000)
    expect(evicted.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False')
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' })
    const events = await api.read(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name=${victim.metadata.name}`)
    expect((events.items as Json[]).map((e) => e.reason)).toEqual(expect.arrayContaining(['NodeNotReady', 'TaintManagerEviction']))

    const replaced = await waitFor('3 ready replacements on the other nodes', async () => {
      const pods = (await livePods()).filter((p) => !p.metadata.deletionTimestamp)
      return pods.length === 3 && pods.every(isReady) && pods.every((p) => p.spec?.nodeName !== victimNode) ? pods : undefined
    }, 30_000)

    process.kill(kubelet.process.pid!, 'SIGCONT')
    frozen.delete(victimNode)
    await waitFor(`${victimNode} Ready again without taints`, async () => {
      const n = await node(victimNode)
      return ready(n)?.status === 'True' && taintsOf(n).length === 0 ? n : undefined
    }, 30_000)
    await waitFor(`kubectl get nodes to show ${victimNode} Ready`, async () => new RegExp(`${victimNode}\\s+Ready`).test(await kubectl.ok(['get', 'nodes'])) || undefined, 15_000)
    await waitFor(`${victim.metadata.name} to be gone`, async () => {
      const res = await api.get(`/api/v1/namespaces/${ns}/pods/${victim.metadata.name}`)
      return res.status === 404 || undefined
    }, 30_000)
    const after = await livePods()
    expect(after.map((p) => p.metadata.name).sort()).toEqual(replaced.map((p) => p.metadata.name).sort())
    expect(after.every((p) => p.spec?.nodeName !== victimNode)).toBe(true)
  }, 150_000)
})
