// What the controllers and kubelets would write, written over REST instead:
// tests that run the apiserver alone use these to give kubectl a cluster that
// looks alive (owned ReplicaSets and pods, node and pod status, Events).
import { merge, type ApiClient, type Json } from './api-client.ts'

/** An RFC 3339 time `s` seconds ago, at second precision as metav1.Time is. */
export const secondsAgo = (s: number): string => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Writes `status` through the /status subresource (a merge patch), as a controller or kubelet does. */
export async function writeStatus(api: ApiClient, path: string, status: Json): Promise<Json> {
  const res = await api.patch(`${path}/status`, merge, { status })
  if (res.status !== 200) throw new Error(`PATCH ${path}/status: expected 200, got ${res.status}: ${res.text}`)
  return res.body
}

const controllerRef = (owner: Json) => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
})

/**
 * A ReplicaSet as the deployment controller makes one from a stored
 * Deployment: its template plus the pod-template-hash label, a controller
 * ownerReference and the revision annotation (rollout history and describe read both).
 */
export function replicaSetFor(deployment: Json, hash: string, revision = 1): Json {
  const name = deployment.metadata.name
  const template = structuredClone(deployment.spec.template)
  template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash }
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-${hash}`,
      labels: template.metadata.labels,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [controllerRef(deployment)],
    },
    spec: {
      replicas: deployment.spec.replicas ?? 1,
      selector: { matchLabels: { ...deployment.spec.selector.matchLabels, 'pod-template-hash': hash } },
      template,
    },
  }
}

/** A pod as a ReplicaSet (or Job, DaemonSet…) controller makes one from a stored owner, bound to `nodeName`. */
export function podFor(owner: Json, suffix: string, nodeName?: string): Json {
  const template = owner.spec.template
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${owner.metadata.name}-${suffix}`, labels: template.metadata.labels, ownerReferences: [controllerRef(owner)] },
    spec: { ...structuredClone(template.spec), ...(nodeName ? { nodeName } : {}) },
  }
}

/** The status a kubelet reports for a pod whose containers all run and are ready. */
export function runningPodStatus(pod: Json, podIP: string, hostIP: string, startedSecondsAgo = 60): Json {
  const started = secondsAgo(startedSecondsAgo)
  const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: started })
  return {
    phase: 'Running',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: started,
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
    containerStatuses: pod.spec.containers.map((c: Json) => ({
      name: c.name,
      image: c.image,
      imageID: `docker.io/library/${c.image}@sha256:0000`,
      containerID: `containerd://${c.name}0000`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: started } },
    })),
  }
}

/** A Node with the status a Ready kubelet reports: capacity, conditions, addresses and system info. */
export async function createReadyNode(api: ApiClient, name: string, internalIP: string): Promise<Json> {
  await api.create('/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
  })
  const since = secondsAgo(600)
  const resources = { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' }
  return writeStatus(api, `/api/v1/nodes/${name}`, {
    capacity: resources,
    allocatable: resources,
    conditions: [
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: since, lastTransitionTime: since },
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: since, lastTransitionTime: since },
    ],
    addresses: [
      { type: 'InternalIP', address: internalIP },
      { type: 'Hostname', address: name },
    ],
    nodeInfo: {
      machineID: 'm-1',
      systemUUID: 'u-1',
      bootID: 'b-1',
      kernelVersion: '6.1.0-18-amd64',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.13',
      kubeletVersion: 'v1.34.0',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  })
}

export interface EventOptions {
  reason: string
  message: string
  /** @default 'Normal' */
  type?: 'Normal' | 'Warning'
  /** @default 'kubeling-e2e' */
  component?: string
  /** How often it happened; describe prints `(xN over …)` for more than one. @default 1 */
  count?: number
  /** @default 30 */
  firstSecondsAgo?: number
  /** @default firstSecondsAgo */
  lastSecondsAgo?: number
  /** The `involvedObject.uid`; node events historically carry the node's name. @default object's uid */
  uid?: string
}

let events = 0

/** A core/v1 Event about a stored object, as controllers and kubelets record them (in `default` for cluster-scoped objects). */
export function eventFor(object: Json, options: EventOptions): Json {
  const { name, namespace, uid } = object.metadata
  const first = options.firstSecondsAgo ?? 30
  events += 1
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${events.toString(16).padStart(16, '0')}`, namespace: namespace ?? 'default' },
    involvedObject: { apiVersion: object.apiVersion, kind: object.kind, name, uid: options.uid ?? uid, ...(namespace ? { namespace } : {}) },
    reason: options.reason,
    message: options.message,
    type: options.type ?? 'Normal',
    source: { component: options.component ?? 'kubeling-e2e' },
    count: options.count ?? 1,
    firstTimestamp: secondsAgo(first),
    lastTimestamp: secondsAgo(options.lastSecondsAgo ?? first),
    reportingComponent: '',
    reportingInstance: '',
  }
}

/** Records an Event about `object` over REST. */
export async function recordEvent(api: ApiClient, object: Json, options: EventOptions): Promise<Json> {
  const event = eventFor(object, options)
  return api.create(`/api/v1/namespaces/${event.metadata.namespace}/events`, event)
}
