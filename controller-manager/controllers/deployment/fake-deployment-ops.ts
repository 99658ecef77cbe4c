// An in-memory DeploymentOps for unit tests: ReplicaSets in a map, every
// write recorded, Events collected as text. Not used outside tests.
import { ClientStatusError } from '../../../shared/client/index.ts'
import type { Deployment, ReplicaSet } from './deployment-types.ts'
import type { DeploymentOps } from './sync.ts'

export class FakeDeploymentOps implements DeploymentOps {
  readonly replicaSets = new Map<string, ReplicaSet>()
  readonly events: string[] = []
  readonly statusWrites: Deployment[] = []
  readonly deploymentWrites: Deployment[] = []
  readonly deleted: string[] = []
  time: number
  #uid = 0

  constructor(time = Date.parse('2026-01-01T00:00:00Z')) {
    this.time = time
  }

  now(): number {
    return this.time
  }

  async createReplicaSet(rs: ReplicaSet): Promise<ReplicaSet> {
    const name = rs.metadata.name ?? ''
    if (this.replicaSets.has(name)) throw new ClientStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'AlreadyExists', code: 409, message: `replicasets.apps "${name}" already exists` })
    const stored = structuredClone(rs)
    stored.metadata.uid = `rs-uid-${++this.#uid}`
    stored.metadata.creationTimestamp = new Date(this.time + this.#uid * 1000).toISOString()
    stored.metadata.generation = 1
    this.replicaSets.set(name, stored)
    return structuredClone(stored)
  }

  async updateReplicaSet(rs: ReplicaSet): Promise<ReplicaSet> {
    const stored = structuredClone(rs)
    stored.metadata.generation = (stored.metadata.generation ?? 1) + 1
    this.replicaSets.set(rs.metadata.name ?? '', stored)
    return structuredClone(stored)
  }

  async deleteReplicaSet(rs: ReplicaSet): Promise<void> {
    this.replicaSets.delete(rs.metadata.name ?? '')
    this.deleted.push(rs.metadata.name ?? '')
  }

  async updateDeploymentStatus(d: Deployment): Promise<Deployment> {
    this.statusWrites.push(structuredClone(d))
    return structuredClone(d)
  }

  async updateDeployment(d: Deployment): Promise<Deployment> {
    this.deploymentWrites.push(structuredClone(d))
    return structuredClone(d)
  }

  cachedReplicaSet(_namespace: string, name: string): ReplicaSet | undefined {
    const rs = this.replicaSets.get(name)
    return rs && structuredClone(rs)
  }

  event(_d: Deployment, type: string, reason: string, message: string): void {
    this.events.push(`${type} ${reason} ${message}`)
  }

  /** Stand-in for the ReplicaSet controller: every pod exists and is available. */
  settle(): void {
    for (const rs of this.replicaSets.values()) {
      const n = rs.spec.replicas ?? 1
      rs.status = { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: rs.metadata.generation }
    }
  }

  list(): ReplicaSet[] {
    return [...this.replicaSets.values()].map((rs) => structuredClone(rs))
  }
}

export function deploymentFixture(overrides: { replicas?: number; image?: string; maxSurge?: number | string; maxUnavailable?: number | string; type?: string } = {}): Deployment {
  const type = overrides.type ?? 'RollingUpdate'
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1 },
    spec: {
      replicas: overrides.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: overrides.image ?? 'nginx:1.25' }] } },
      strategy: type === 'RollingUpdate'
        ? { type, rollingUpdate: { maxSurge: overrides.maxSurge ?? '25%', maxUnavailable: overrides.maxUnavailable ?? '25%' } }
        : { type },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  }
}

export function replicaSetFixture(name: string, replicas: number, options: { available?: number; revision?: number; createdSecond?: number; desired?: number; max?: number; image?: string } = {}): ReplicaSet {
  const annotations: Record<string, string> = {}
  if (options.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(options.revision)
  if (options.desired !== undefined) annotations['deployment.kubernetes.io/desired-replicas'] = String(options.desired)
  if (options.max !== undefined) annotations['deployment.kubernetes.io/max-replicas'] = String(options.max)
  const available = options.available ?? replicas
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, generation: 1, annotations,
      creationTimestamp: new Date(Date.parse('2026-01-01T00:00:00Z') + (options.createdSecond ?? 0) * 1000).toISOString(),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': name } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: options.image ?? `image-of-${name}` }] } },
    },
    status: { replicas, readyReplicas: available, availableReplicas: available, observedGeneration: 1 },
  }
}
