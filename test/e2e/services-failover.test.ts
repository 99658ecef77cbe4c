// The two stories of issue 8 on a whole cluster started with startCluster()
// (the launcher's code): exposing an app through a LoadBalancer Service that
// curl reaches at every node's IP, and a node switched off and back on.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../../bin/launcher/cluster.ts'
import { apiClient, type ApiClient, type Json } from '../support/api-client.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

const nodeIPs = ['127.0.90.1', '127.0.90.2', '127.0.90.3']

async function page(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
    return res.ok ? await res.text() : undefined
  } catch {
    return undefined
  }
}

function isReady(obj: Json): boolean {
  return obj.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True') ?? false
}

describe('services and failover on a 3-node cluster', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-svc-'))
  let cluster: Cluster
  let api: ApiClient
  let kubectl: Kubectl

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3, port: 0, dataDir, fresh: true, nodeIPPrefix: '127.0.90.',
      nodeMonitorGracePeriodSeconds: 4, defaultUnreachableTolerationSeconds: 2, defaultNotReadyTolerationSeconds: 2,
      loadBalancerIPRange: '127.0.91.0/24',
    })
    api = apiClient(cluster.url)
    kubectl = kubectlFor(kubectlVersions()[0].binary, cluster.url)
  }, 90_000)

  afterAll(async () => {
    await cluster?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('kube-proxy runs as a DaemonSet in kube-system with one ready pod per node', async () => {
    const row = await waitFor('kube-proxy 3 3 3 3 3', async () => {
      const out = (await kubectl.ok(['get', 'daemonset', '-n', 'kube-system', '--no-headers'])).trim().split(/\s+/)
      return out[0] === 'kube-proxy' && out.slice(1, 6).join(' ') === '3 3 3 3 3' ? out : undefined
    }, 60_000)
    expect(row[0]).toBe('kube-proxy')
  })

  it('exposes a deployment as a LoadBalancer: ClusterIP, node port on every node, an external IP from the allocator', async () => {
    await kubectl.ok(['create', 'deployment', 'yunpan-dp', '--image=nginx'])
    await kubectl.ok(['rollout', 'status', 'deployment/yunpan-dp', '--timeout=60s'])
    await kubectl.ok(['expose', 'deployment', 'yunpan-dp', '--type=LoadBalancer', '--port', '8085', '--target-port', '80'])
    const svc = await api.read('/api/v1/namespaces/default/services/yunpan-dp')
    const nodePort = svc.spec.ports[0].nodePort
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./)
    expect(nodePort).toBeGreaterThanOrEqual(30000)
    const row = await waitFor('an external IP', async () => {
      const out = (await kubectl.ok(['get', 'services', 'yunpan-dp', '--no-headers'])).trim().split(/\s+/)
      return out[3] !== '<pending>' ? out : undefined
    })
    expect(row.slice(0, 2)).toEqual(['yunpan-dp', 'LoadBalancer'])
    expect(row[2]).toBe(svc.spec.clusterIP)
    expect(row[3]).toMatch(/^127\.0\.91\.\d+$/)
    expect(row[4]).toBe(`8085:${nodePort}/TCP`)
    for (const ip of nodeIPs) {
      const text = await waitFor(`the nginx page at ${ip}:${nodePort}`, () => page(`http://${ip}:${nodePort}/`), 20_000)
      expect(text).toContain('Welcome to nginx!')
    }
    expect(await waitFor('the page at the external IP', () => page(`http://${row[3]}:8085/`), 20_000)).toContain('Welcome to nginx!')
  })

  it('endpoints and endpointslices list the pod IPs and follow scaling', async () => {
    await kubectl.ok(['scale', 'deployment', 'yunpan-dp', '--replicas=3'])
    await kubectl.ok(['rollout', 'status', 'deployment/yunpan-dp', '--timeout=60s'])
    const pods = (await api.read('/api/v1/namespaces/default/pods?labelSelector=app=yunpan-dp')).items as Json[]
    const ips = pods.map((p) => p.status.podIP).sort()
    const endpoints = await waitFor('3 endpoint addresses', async () => {
      const ep = await api.read('/api/v1/namespaces/default/endpoints/yunpan-dp')
      const addresses = (ep.subsets?.[0]?.addresses ?? []).map((a: Json) => a.ip).sort()
      return addresses.length === 3 ? addresses : undefined
    })
    expect(endpoints).toEqual(ips)
    const printed = await kubectl.ok(['get', 'endpoints', 'yunpan-dp', '--no-headers'])
    for (const ip of ips) expect(printed).toContain(`${ip}:80`)
    const slices = await kubectl.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=yunpan-dp', '--no-headers'])
    expect(slices).toMatch(/IPv4\s+80\s+/)
  })

  it('a node switched off is noticed, its pod replaced elsewhere; back on, nothing moves back', async () => {
    await kubectl.ok(['create', 'deployment', 'spread', '--image=nginx', '--replicas=3'])
    await kubectl.ok(['rollout', 'status', 'deployment/spread', '--timeout=60s'])
    const before = (await api.read('/api/v1/namespaces/default/pods?labelSelector=app=spread')).items as Json[]
    const victimNode = before[0].spec.nodeName as string
    const onVictim = before.filter((p) => p.spec.nodeName === victimNode).map((p) => p.metadata.name)
    const kubelet = cluster.components.find((c) => c.spec.name === `kubelet ${victimNode}`)!
    process.kill(kubelet.pid!, 'SIGSTOP')
    try {
      await waitFor(`${victimNode} NotReady`, async () => {
        const node = await api.read(`/api/v1/nodes/${victimNode}`)
        return node.status.conditions.find((c: Json) => c.type === 'Ready')?.status === 'Unknown' || undefined
      }, 30_000)
      const nodes = await kubectl.ok(['get', 'nodes', victimNode, '--no-headers'])
      expect(nodes).toMatch(/NotReady/)
      await waitFor('3 available replicas again, none on the stopped node', async () => {
        const d = await api.read('/apis/apps/v1/namespaces/default/deployments/spread')
        const pods = ((await api.read('/api/v1/namespaces/default/pods?labelSelector=app=spread')).items as Json[]).filter((p) => !p.metadata.deletionTimestamp)
        return d.status?.availableReplicas === 3 && pods.filter(isReady).length === 3 && pods.every((p) => p.spec.nodeName !== victimNode) || undefined
      }, 60_000)
    } finally {
      process.kill(kubelet.pid!, 'SIGCONT')
    }
    await waitFor(`${victimNode} Ready again without taints`, async () => {
      const node = await api.read(`/api/v1/nodes/${victimNode}`)
      return isReady(node) && !(node.spec.taints ?? []).some((t: Json) => t.key === 'node.kubernetes.io/unreachable') || undefined
    }, 30_000)
    await waitFor('the evicted pods gone for good', async () => {
      for (const name of onVictim) if ((await api.get(`/api/v1/namespaces/default/pods/${name}`)).status !== 404) return undefined
      return true
    }, 30_000)
    const after = ((await api.read('/api/v1/namespaces/default/pods?labelSelector=app=spread')).items as Json[]).filter((p) => !p.metadata.deletionTimestamp)
    expect(after).toHaveLength(3)
    expect(after.some((p) => p.spec.nodeName === victimNode)).toBe(false)
  }, 150_000)

  it('kubectl drain empties a node while a PodDisruptionBudget of minAvailable 2 holds', async () => {
    await kubectl.ok(['create', 'poddisruptionbudget', 'spread-pdb', '--selector=app=spread', '--min-available=2'])
    await waitFor('the budget counted', async () => {
      const pdb = await api.read('/apis/policy/v1/namespaces/default/poddisruptionbudgets/spread-pdb')
      return pdb.status?.currentHealthy === 3 ? pdb : undefined
    })
    const target = 'node-2'
    const drained = await kubectl(['drain', target, '--ignore-daemonsets', '--timeout=90s'], { timeoutMs: 100_000 })
    expect(drained.code, drained.stderr).toBe(0)
    expect(drained.stdout).toContain(`node/${target} drained`)
    const pods = ((await api.read('/api/v1/namespaces/default/pods')).items as Json[]).filter((p) => !p.metadata.deletionTimestamp && p.spec.nodeName === target)
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet')).toBe(true)
    await kubectl.ok(['uncordon', target])
  }, 120_000)
})
