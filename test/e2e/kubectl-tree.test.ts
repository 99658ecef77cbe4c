// The kubectl-tree plugin (bin/kubectl-tree) through real kubectl, on a
// cluster from startCluster(): a Deployment after a rollout, and a Job.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../../bin/launcher/cluster.ts'
import { repoRoot } from '../support/component-process.ts'
import { kubectlFor, kubectlVersions, type Kubectl } from '../support/kubectl.ts'
import { waitFor } from '../support/wait-for.ts'

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

  it('shows a Deployment, both ReplicaSets after a rollout, and the new pods under the new one', async () => {
    await kubectl.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
    await kubectl.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.26'])
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
    const newRs = (await kubectl.ok(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={range .items[?(@.spec.replicas==2)]}{.metadata.name}{end}'])).trim()
    for (const { binary } of kubectlVersions()) {
      const out = await waitFor('the old pods gone from the tree', async () => {
        const text = await kubectlFor(binary, cluster.url).ok(['tree', 'deployment', 'web'], { env })
        return (text.match(/Pod\//g) ?? []).length === 2 ? text : undefined
      }, 30_000)
      const lines = out.trimEnd().split('\n')
      expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+REASON\s+AGE$/)
      expect(lines[1]).toMatch(/^default\s+Deployment\/web\s+-\s+\d+s$/)
      expect(lines.filter((l) => /[├└]─ReplicaSet\/web-/.test(l))).toHaveLength(2)
      const newAt = lines.findIndex((l) => l.includes(`ReplicaSet/${newRs}`))
      const pods = lines.filter((l) => l.includes('Pod/'))
      expect(pods.every((l) => l.includes(`Pod/${newRs}-`) && /\sTrue\s/.test(l))).toBe(true)
      expect(lines.indexOf(pods[0])).toBeGreaterThan(newAt)
    }
  }, 120_000)

  it('shows a Job and its pod, and says so when the object does not exist', async () => {
    await kubectl.ok(['create', 'job', 'once', '--image=busybox', '--', 'sh', '-c', 'true'])
    const out = await waitFor('the job pod in the tree', async () => {
      const text = await kubectl.ok(['tree', 'job', 'once'], { env })
      return text.includes('Pod/once-') ? text : undefined
    })
    expect(out).toMatch(/default\s+Job\/once/)
    expect(out).toMatch(/└─Pod\/once-\w+/)
    const missing = await kubectl(['tree', 'deploy', 'nope'], { env })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('Error: deployments.apps "nope" not found')
  }, 60_000)
})
