// The kubectl-tree plugin (bin/kubectl-tree) through real kubectl, on a
// cluster from startCluster(): a Deployment after a rollout, a Job, the
// bootstrap kube-proxy DaemonSet, and the errors.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../../bin/launcher/cluster.ts'
import { repoRoot } from '../support/component-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

// kubectl finds plugins on the PATH; the repo's bin/ goes first.
const env = { PATH: `${join(repoRoot, 'bin')}:${process.env.PATH}` }

describe('kubectl tree', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-tree-'))
  let cluster: Cluster
  let kubectl: Kubectl

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, runtime: 'sim', port: 0, dataDir, fresh: true, nodeIPPrefix: '127.0.95.' })
    kubectl = kubectlFor(kubectlVersions()[0].binary, cluster.url)
  }, 90_000)

  afterAll(async () => {
    await cluster?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('shows a Deployment, both ReplicaSets after a rollout, and the new pods Ready under the new one', async () => {
    await kubectl.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
    await kubectl.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.26'])
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
    const newRs = (await kubectl.ok(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={range .items[?(@.spec.replicas==2)]}{.metadata.name}{end}'])).trim()
    expect(newRs).toMatch(/^web-\w+$/)
    for (const { name, binary } of kubectlVersions()) {
      const versioned = kubectlFor(binary, cluster.url)
      // The old pods may still be terminating right after the rollout.
      const out = await waitFor(`kubectl ${name} tree: only the 2 new pods, both Ready`, async () => {
        const text = await versioned.ok(['tree', 'deployment', 'web'], { env })
        const pods = text.split('\n').filter((l) => l.includes('Pod/'))
        return pods.length === 2 && pods.every((l) => /\sTrue\s/.test(l)) ? text : undefined
      }, 30_000)
      const lines = out.trimEnd().split('\n')
      expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+REASON\s+AGE$/)
      expect(lines[1]).toMatch(/^default\s+Deployment\/web\s+-\s+\d+s$/)
      const replicaSets = lines.filter((l) => /^default\s+[├└]─ReplicaSet\/web-\w+\s+-\s+\d+s$/.test(l))
      expect(replicaSets).toHaveLength(2)
      // ReplicaSets sort by name; the pods sit right under the new one, drawn one level deeper.
      const newAt = lines.findIndex((l) => l.includes(`─ReplicaSet/${newRs} `))
      const newIsLast = lines[newAt].includes('└─')
      for (const pod of lines.slice(newAt + 1, newAt + 3)) {
        expect(pod).toMatch(new RegExp(`^default\\s+${newIsLast ? '  ' : '│ '}[├└]─Pod/${newRs}-\\w+\\s+True\\s+\\d+s$`))
      }
      expect(lines[newAt + 2]).toContain('└─Pod/')
      // KIND/NAME and a qualified kind name the same tree.
      expect(await versioned.ok(['tree', 'deployments.v1.apps/web'], { env })).toMatch(/\ndefault\s+Deployment\/web\s/)
    }
  }, 150_000)

  it('shows a Job and its pod', async () => {
    await kubectl.ok(['create', 'job', 'once', '--image=busybox', '--', 'sh', '-c', 'true'])
    const out = await waitFor('the job pod in the tree', async () => {
      const text = await kubectl.ok(['tree', 'job', 'once'], { env })
      return text.includes('Pod/once-') ? text : undefined
    })
    const lines = out.trimEnd().split('\n')
    expect(lines[1]).toMatch(/^default\s+Job\/once\s+-\s+\d+s$/)
    expect(lines[2]).toMatch(/^default\s+└─Pod\/once-\w+\s/)
  }, 60_000)

  it('shows a DaemonSet in another namespace with its ControllerRevision and a pod per node', async () => {
    const out = await waitFor('a kube-proxy pod on each node', async () => {
      const text = await kubectl.ok(['tree', 'ds', 'kube-proxy', '-n', 'kube-system'], { env })
      return (text.match(/Pod\/kube-proxy-/g) ?? []).length === 2 ? text : undefined
    }, 30_000)
    const names = out.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[1])
    expect(names[0]).toBe('DaemonSet/kube-proxy')
    expect(names[1]).toMatch(/^├─ControllerRevision\/kube-proxy-\w+$/)
    expect(names.slice(2).map((n) => n.replace(/kube-proxy-\w+$/, ''))).toEqual(['├─Pod/', '└─Pod/'])
  }, 60_000)

  it('says what is wrong as kubectl does, with exit code 1', async () => {
    const missing = await kubectl(['tree', 'deploy', 'nope'], { env })
    expect(missing).toMatchObject({ code: 1, stdout: '' })
    expect(missing.stderr).toBe('Error: deployments.apps "nope" not found\n')
    const unknown = await kubectl(['tree', 'widgets', 'x'], { env })
    expect(unknown).toMatchObject({ code: 1, stderr: 'Error: the server doesn\'t have a resource type "widgets"\n' })
    const lonely = await kubectl.ok(['tree', 'namespace', 'kube-public'], { env })
    expect(lonely).toBe('No resources are owned by this object through ownerReferences.\n')
  }, 30_000)
})
