// Cluster objects for the scheduler and kubelet benchmarks: nodes with a
// status and pending pods in owner groups, created through the API by many
// clients at once.
import type { Pool } from 'undici'
import { nowMs } from './common.ts'

/** Pods come in groups of this many with one controller owner, like ReplicaSets, so default spreading does real work. */
export const replicasPerOwner = 100

export function nodeJson(name: string): { node: string; status: Record<string, unknown> } {
  const zone = `zone-${name.charCodeAt(name.length - 1) % 3}`
  const allocatable = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '100Gi' }
  return {
    node: JSON.stringify({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'topology.kubernetes.io/zone': zone } },
    }),
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
  }
}

export function benchPodJson(name: string, owner: number): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default',
      labels: { app: `web-${owner}`, 'pod-template-hash': '7d4b9c8f6d' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${owner}`, uid: `00000000-0000-4000-8000-${String(owner).padStart(12, '0')}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [{ name: 'web', image: 'registry.k8s.io/nginx-slim:1.27.3', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
  })
}

export async function send(pool: Pool, method: 'POST' | 'PUT', path: string, body: string): Promise<number> {
  const res = await pool.request({ method, path, body, headers: { 'content-type': 'application/json' } })
  await res.body.dump()
  return res.statusCode
}

export async function parallel(count: number, concurrency: number, op: (i: number) => Promise<void>): Promise<number> {
  const t0 = nowMs()
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await op(next++)
  }))
  return nowMs() - t0
}

export async function createNodes(pool: Pool, nodeCount: number): Promise<number> {
  return parallel(nodeCount, 32, async (i) => {
    const name = `sim-${String(i).padStart(4, '0')}`
    const { node, status } = nodeJson(name)
    const created = await pool.request({ method: 'POST', path: '/api/v1/nodes', body: node, headers: { 'content-type': 'application/json' } })
    const stored = (await created.body.json()) as Record<string, unknown>
    if (created.statusCode !== 201) throw new Error(`create node ${name}: HTTP ${created.statusCode}`)
    const code = await send(pool, 'PUT', `/api/v1/nodes/${name}/status`, JSON.stringify({ ...stored, status }))
    if (code !== 200) throw new Error(`node ${name} status: HTTP ${code}`)
  })
}

export async function createPods(pool: Pool, prefix: string, count: number): Promise<number> {
  return parallel(count, 64, async (i) => {
    const code = await send(pool, 'POST', '/api/v1/namespaces/default/pods', benchPodJson(`${prefix}${i}`, Math.floor(i / replicasPerOwner)))
    if (code !== 201) throw new Error(`create pod ${prefix}${i}: HTTP ${code}`)
  })
}

