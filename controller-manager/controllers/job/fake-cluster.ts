// An in-memory stand-in for the apiserver and informer caches, for the
// controllers' unit tests: just the verbs they call, no watch. Tests change
// objects directly and call sync themselves.
import type { KubeObject } from '../../../shared/api-types.ts'
import type { Client } from '../../../shared/client/index.ts'
import { ClientStatusError } from '../../../shared/client/index.ts'
import { createLogger } from '../../../shared/logger.ts'
import { jobTrackingFinalizer } from './job-types.ts'

function notFound(name: string): Error {
  return new ClientStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `"${name}" not found` })
}

function alreadyExists(name: string): Error {
  return new ClientStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'AlreadyExists', code: 409, message: `"${name}" already exists` })
}

export interface RecordedEvent {
  object: string
  type: string
  reason: string
  message: string
}

export class FakeStore<T extends KubeObject> {
  readonly objects = new Map<string, T>()
  readonly #cluster: FakeCluster
  constructor(cluster: FakeCluster) {
    this.#cluster = cluster
  }

  get(key: string): T | undefined {
    return this.objects.get(key)
  }

  list(): T[] {
    return [...this.objects.values()]
  }

  byIndex(name: string, value: string): T[] {
    if (name === 'namespace') return this.list().filter((o) => o.metadata.namespace === value)
    if (name === 'ownerUid') return this.list().filter((o) => o.metadata.ownerReferences?.find((r) => r.controller)?.uid === value)
    throw new Error(`no index ${name}`)
  }

  /** Stores obj as the server would: name, uid, resourceVersion, creationTimestamp. */
  put(obj: T): T {
    const meta = obj.metadata
    meta.name ??= `${meta.generateName ?? 'x-'}${this.#cluster.nextId()}`
    meta.namespace ??= 'default'
    meta.uid ??= `uid-${this.#cluster.nextId()}`
    meta.creationTimestamp ??= new Date(this.#cluster.clockNow()).toISOString()
    meta.resourceVersion = String(this.#cluster.nextId())
    this.objects.set(`${meta.namespace}/${meta.name}`, obj)
    return obj
  }

  client(namespace: string) {
    const key = (name: string) => `${namespace}/${name}`
    return {
      get: async (name: string) => {
        const o = this.objects.get(key(name))
        if (!o) throw notFound(name)
        return structuredClone(o)
      },
      create: async (obj: T) => {
        this.#cluster.calls.push(`create ${obj.metadata.name ?? obj.metadata.generateName}`)
        if (obj.metadata.name && this.objects.has(key(obj.metadata.name))) throw alreadyExists(obj.metadata.name)
        return structuredClone(this.put(structuredClone({ ...obj, metadata: { ...obj.metadata, namespace } })))
      },
      updateStatus: async (obj: T) => {
        const cur = this.objects.get(key(obj.metadata.name ?? ''))
        if (!cur) throw notFound(obj.metadata.name ?? '')
        this.#cluster.calls.push(`updateStatus ${obj.metadata.name}`)
        return structuredClone(this.put({ ...cur, status: structuredClone(obj.status) }))
      },
      patch: async (name: string, body: { metadata?: Record<string, unknown> }) => {
        const cur = this.objects.get(key(name))
        if (!cur) throw notFound(name)
        this.#cluster.calls.push(`patch ${name}`)
        const remove = body.metadata?.['$deleteFromPrimitiveList/finalizers'] as string[] | undefined
        if (remove) cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => !remove.includes(f))
        this.put(cur)
        if (cur.metadata.deletionTimestamp && (cur.metadata.finalizers ?? []).length === 0) this.objects.delete(key(name))
        return structuredClone(cur)
      },
      delete: async (name: string) => {
        const cur = this.objects.get(key(name))
        if (!cur) throw notFound(name)
        this.#cluster.calls.push(`delete ${name}`)
        if ((cur.metadata.finalizers ?? []).length > 0) {
          cur.metadata.deletionTimestamp = new Date(this.#cluster.clockNow()).toISOString()
          this.put(cur)
        } else {
          this.objects.delete(key(name))
        }
        return structuredClone(cur)
      },
    }
  }
}

export class FakeCluster {
  #id = 1
  readonly calls: string[] = []
  readonly events: RecordedEvent[] = []
  readonly pods = new FakeStore<KubeObject>(this)
  readonly jobs = new FakeStore<KubeObject>(this)
  readonly cronJobs = new FakeStore<KubeObject>(this)
  readonly log = createLogger('test', 'silent')
  readonly clockNow: () => number

  constructor(now: () => number) {
    this.clockNow = now
  }

  nextId(): number {
    return this.#id++
  }

  readonly recorder = {
    event: (object: KubeObject, type: string, reason: string, message: string) => {
      this.events.push({ object: `${object.kind}/${object.metadata.name}`, type, reason, message })
    },
  }

  get client(): Client {
    const handle = (store: FakeStore<KubeObject>) => ({ namespace: (ns: string) => store.client(ns) })
    return { pods: handle(this.pods), jobs: handle(this.jobs), cronJobs: handle(this.cronJobs) } as unknown as Client
  }

  /** Marks a pod finished as a kubelet would: phase, terminated container, Ready False. */
  finishPod(name: string, exitCode: number, at = this.clockNow(), namespace = 'default'): void {
    const pod = this.pods.get(`${namespace}/${name}`)!
    const time = new Date(at).toISOString()
    pod.status = {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: time }],
      containerStatuses: [{ name: 'work', restartCount: 0, state: { terminated: { exitCode, finishedAt: time } } }],
    }
    this.pods.put(pod)
  }

  podNames(): string[] {
    return this.pods.list().map((p) => p.metadata.name ?? '')
  }

  /** Pods still carrying the Job tracking finalizer. */
  trackedPods(): string[] {
    return this.pods.list().filter((p) => p.metadata.finalizers?.includes(jobTrackingFinalizer)).map((p) => p.metadata.name ?? '')
  }
}
