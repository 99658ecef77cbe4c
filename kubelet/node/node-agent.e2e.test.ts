// The node agents against a real apiserver process: one node and 50
// simulated nodes register, their Leases renew, a restart re-registers
// without failing or duplicating, and real kubectl shows them Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiserverProcess, type ApiserverProcess } from '../../test/support/apiserver-process.ts'
import { kubectlFor, kubectlVersions } from '../../test/support/kubectl.ts'
import { waitFor } from '../../test/support/wait-for.ts'
import { createClient, userAgentFor, type Client } from '../../shared/client/index.ts'
import type { Node } from '../../shared/core-types.ts'
import type { Lease } from '../../shared/leader-election.ts'
import { NodeAgent } from './node-agent.ts'
import { NodeFleet } from './node-fleet.ts'
import { serverGitVersion } from './register.ts'

const simulated = 50
const machine = { capacity: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '50Gi' } }

describe('node agents against the apiserver', () => {
  let apiserver: ApiserverProcess
  let client: Client
  let version: string
  let agent: NodeAgent
  let fleet: NodeFleet

  const newFleet = () => {
    // A 4 s lease renews every second, so the test sees renewTime move.
    const f = new NodeFleet({ client, nodeLeaseDurationSeconds: 4, nodeStatusUpdateFrequencyMs: 1_000 })
    for (let i = 0; i < simulated; i++) f.add({ nodeName: `sim-${i}`, nodeIP: `10.2.${i >> 8}.${i & 255}`, kubeletVersion: version, roles: ['sim'], ...machine })
    return f
  }

  beforeAll(async () => {
    apiserver = await startApiserverProcess({ storage: 'memory' })
    client = createClient({ server: apiserver.url, userAgent: userAgentFor('kubelet') })
    version = await serverGitVersion(client)
    agent = new NodeAgent({ client, nodeName: 'node-0', nodeIP: '127.0.0.1', kubeletVersion: version, nodeLeaseDurationSeconds: 4 })
    fleet = newFleet()
    await Promise.all([agent.start(), fleet.start()])
  })

  afterAll(async () => {
    await agent?.stop()
    await fleet?.stop()
    await client?.close()
    await apiserver?.cleanup()
  })

  it('registers every Node with its status as created', async () => {
    const list = await client.nodes.list()
    expect(list.items).toHaveLength(simulated + 1)
    const node = (await client.nodes.get('node-0')) as Node
    expect(node.status!.nodeInfo!.kubeletVersion).toBe(version)
    expect(node.status!.conditions!.map((c) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True'])
    expect(node.status!.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-0' }])
    expect(Number(node.status!.capacity!.pods)).toBe(110)
    const sim = (await client.nodes.get('sim-7')) as Node
    expect(sim.status!.capacity).toMatchObject({ cpu: '4', memory: '8Gi' })
    expect(sim.metadata.labels!['node-role.kubernetes.io/sim']).toBe('')
  })

  it('creates and renews a Lease per node, owned by its Node', async () => {
    const leases = client.leases.namespace('kube-node-lease')
    const first = await waitFor('all node leases', async () => {
      const list = await leases.list()
      return list.items.length === simulated + 1 ? list.items : undefined
    })
    const node = (await client.nodes.get('sim-3')) as Node
    const lease = first.find((l) => l.metadata.name === 'sim-3') as Lease
    expect(lease.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'sim-3', uid: node.metadata.uid }])
    expect(lease.spec).toMatchObject({ holderIdentity: 'sim-3', leaseDurationSeconds: 4 })
    expect(lease.spec!.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const before = new Map(first.map((l) => [l.metadata.name, (l as Lease).spec!.renewTime]))
    await waitFor('every lease renewed', async () => {
      const list = await leases.list()
      return list.items.every((l) => (l as Lease).spec!.renewTime !== before.get(l.metadata.name)) || undefined
    }, 10_000)
    // Status is checked every second but unchanged: no patches, so the stored status round-trips exactly.
    expect(fleet.agents.map((a) => a.statusPatches).reduce((a, b) => a + b)).toBe(0)
    // ...and the status arrived with the create, not through nodes/status.
    const managed = ((await client.nodes.get('sim-3')) as Node).metadata.managedFields ?? []
    expect(managed.filter((f) => f.subresource === 'status')).toEqual([])
  })

  it('re-registers after a restart without failing or duplicating', async () => {
    const uid = ((await client.nodes.get('sim-0')) as Node).metadata.uid
    await fleet.stop()
    await agent.stop()
    agent = new NodeAgent({ client, nodeName: 'node-0', nodeIP: '127.0.0.1', kubeletVersion: version, nodeLeaseDurationSeconds: 4 })
    fleet = newFleet()
    await Promise.all([agent.start(), fleet.start()])
    const list = await client.nodes.list()
    expect(list.items).toHaveLength(simulated + 1)
    expect(((await client.nodes.get('sim-0')) as Node).metadata.uid).toBe(uid)
    expect((await client.leases.namespace('kube-node-lease').list()).items).toHaveLength(simulated + 1)
  })

  it('shows Ready nodes with the kubelet version in kubectl get nodes', async () => {
    for (const { name, binary } of kubectlVersions()) {
      const kubectl = kubectlFor(binary, apiserver.url)
      const out = await kubectl.ok(['get', 'nodes'])
      const lines = out.trim().split('\n')
      expect(lines[0], name).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/)
      expect(lines).toHaveLength(simulated + 2)
      expect(out, name).toMatch(new RegExp(`^node-0\\s+Ready\\s+<none>\\s+\\S+\\s+${version.replace(/\./g, '\\.')}$`, 'm'))
      expect(out, name).toMatch(new RegExp(`^sim-12\\s+Ready\\s+sim\\s+\\S+\\s+${version.replace(/\./g, '\\.')}$`, 'm'))
      expect(lines.slice(1).every((l) => /\sReady\s/.test(l)), name).toBe(true)
      const wide = await kubectl.ok(['get', 'node', 'node-0', '-o', 'wide'])
      expect(wide, name).toMatch(/127\.0\.0\.1\s+<none>\s+.+kubeling:\/\//)
    }
  })
})
