// The Node a kubelet registers (upstream initialNode in
// kubelet_node_status.go): labels, annotations and taints it owns, and the
// machine facts its status setters report. `resolveNodeConfig` reads the host
// once; a thousand simulated nodes share that reading and differ by name.
import { createHash } from 'node:crypto'
import { readFileSync, statfsSync } from 'node:fs'
import { availableParallelism, release, totalmem, type as osType } from 'node:os'
import { kubelingVersion } from '../../shared/client/index.ts'
import type { Node, Taint } from '../../shared/core-types.ts'
import { parseQuantity } from '../../shared/quantity.ts'
import { setNodeStatus, type ContainerImage, type NodeHealth } from './node-status.ts'

export type ResourceList = Record<string, string>

export interface NodeOptions {
  nodeName: string
  /** kubernetes.io/hostname and the Hostname address. @default nodeName */
  hostname?: string
  /** The InternalIP address. */
  nodeIP: string
  /** nodeInfo.kubeletVersion: the apiserver's gitVersion (see serverGitVersion). */
  kubeletVersion: string
  /** --node-labels, already validated (parseNodeLabels). */
  labels?: Record<string, string>
  /** node-role.kubernetes.io/<role> labels. Upstream's --node-labels refuses them (kubeadm adds them later); kubeling sets them at registration. */
  roles?: string[]
  /** --register-with-taints (parseRegisterWithTaints). */
  taints?: Taint[]
  /** --register-schedulable=false registers cordoned, with the unschedulable taint. @default true */
  registerSchedulable?: boolean
  /** Overrides of the machine's capacity (cpu, memory, ephemeral-storage, hugepages-*). @default read from this host */
  capacity?: ResourceList
  /** --kube-reserved plus --system-reserved, subtracted from allocatable. @default none */
  reserved?: ResourceList
  /** --max-pods. @default 110 */
  maxPods?: number
  /** daemonEndpoints.kubeletEndpoint.Port. @default 10250 */
  kubeletPort?: number
  /** nodeInfo overrides (osImage, kernelVersion, machineID, systemUUID, bootID, ...). */
  nodeInfo?: Record<string, string>
  /** The image list (a runtime's), largest first, as upstream's image manager returns it. */
  images?: () => ContainerImage[]
}

/** Everything the status setters need, resolved once per node. */
export interface NodeConfig {
  readonly nodeName: string
  readonly hostname: string
  readonly nodeIP: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly taints: readonly Taint[]
  readonly unschedulable: boolean
  readonly capacity: Readonly<ResourceList>
  readonly allocatable: Readonly<ResourceList>
  readonly nodeInfo: Readonly<Record<string, string>>
  readonly kubeletPort: number
  readonly images?: () => ContainerImage[]
}

/** Go's runtime.GOARCH for this process. */
export function goArch(arch: string = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch
}

export const controllerManagedAttachAnnotation = 'volumes.kubernetes.io/controller-managed-attach-detach'
export const roleLabelPrefix = 'node-role.kubernetes.io/'
/** The labels upstream's updateDefaultLabels brings back to what the kubelet computes when it re-registers. */
export const kubeletDefaultLabels: readonly string[] = [
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]
const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }

/** The kubelet's default --eviction-hard thresholds, which allocatable keeps free. */
const evictionHardMemoryBytes = 100 * 1024 * 1024
const evictionHardNodefsFraction = 0.1

interface HostInfo {
  osImage: string
  kernelVersion: string
  cpu: string
  memory: string
  ephemeralStorage: string
}

let cachedHost: HostInfo | undefined

/** Reads this machine once: what cadvisor would report to a real kubelet. */
export function hostInfo(): HostInfo {
  if (cachedHost) return cachedHost
  let osImage = osType()
  try {
    const pretty = /^PRETTY_NAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
    if (pretty) osImage = pretty.replace(/^["']|["']$/g, '')
  } catch {
    // no os-release (macOS, minimal containers): the OS name will do
  }
  let storageBytes = 0
  try {
    const fs = statfsSync('/')
    storageBytes = fs.bsize * fs.blocks
  } catch {
    // statfs unsupported: report none, as cadvisor does without a root fs
  }
  cachedHost = {
    osImage,
    kernelVersion: release(),
    cpu: String(availableParallelism()),
    memory: formatBinary(totalmem()),
    ephemeralStorage: formatBinary(Math.floor(storageBytes / 1024) * 1024),
  }
  return cachedHost
}

/** A BinarySI quantity in canonical form: the largest exact 1024-power suffix ('16384000Ki', '1Gi', '1000'). */
export function formatBinary(bytes: number): string {
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']
  let n = Math.max(0, Math.floor(bytes))
  let i = 0
  while (n !== 0 && n % 1024 === 0 && i < suffixes.length - 1) {
    n /= 1024
    i++
  }
  return `${n}${suffixes[i]}`
}

/** Stable per node name, so a restarted kubelet reports the same machine (a changed bootID means a reboot upstream). */
function stableId(nodeName: string, purpose: string, uuid: boolean): string {
  const hex = createHash('sha256').update(`kubeling/${purpose}/${nodeName}`).digest('hex').slice(0, 32)
  return uuid ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : hex
}

/**
 * Allocatable as upstream's MachineInfo setter computes it: capacity minus
 * reservations and hard-eviction thresholds, never negative, and memory less
 * any hugepages.
 */
export function allocatableOf(capacity: ResourceList, reserved: ResourceList = {}): ResourceList {
  const out: ResourceList = {}
  for (const [name, quantity] of Object.entries(capacity)) {
    const value = parseQuantity(quantity) ?? 0
    let minus = parseQuantity(reserved[name]) ?? 0
    if (name === 'memory') minus += evictionHardMemoryBytes
    if (name === 'ephemeral-storage') minus += Math.trunc(value * evictionHardNodefsFraction)
    out[name] = minus === 0 ? quantity : formatAmount(name, Math.max(0, value - minus))
  }
  let hugepages = 0
  for (const [name, quantity] of Object.entries(capacity)) if (name.startsWith('hugepages-')) hugepages += parseQuantity(quantity) ?? 0
  if (hugepages > 0 && out.memory) out.memory = formatAmount('memory', Math.max(0, (parseQuantity(out.memory) ?? 0) - hugepages))
  return out
}

function formatAmount(name: string, value: number): string {
  if (name === 'cpu') return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`
  if (name === 'pods') return String(Math.trunc(value))
  return formatBinary(value)
}

export function resolveNodeConfig(options: NodeOptions): NodeConfig {
  const host = options.capacity?.cpu && options.capacity.memory && options.capacity['ephemeral-storage'] && options.nodeInfo?.osImage && options.nodeInfo.kernelVersion ? undefined : hostInfo()
  const hostname = (options.hostname ?? options.nodeName).toLowerCase()
  const arch = goArch()
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': hostname,
    'kubernetes.io/os': 'linux',
  }
  // --node-labels win over the defaults, as upstream (with a warning there).
  Object.assign(labels, options.labels)
  for (const role of options.roles ?? []) labels[`${roleLabelPrefix}${role}`] = ''

  const unschedulable = options.registerSchedulable === false
  const taints = [...(options.taints ?? [])]
  // A cordoned node is tainted at birth, so no pod lands before the taint controller runs (kubernetes#63897).
  if (unschedulable && !taints.some((t) => t.key === unschedulableTaint.key && t.effect === unschedulableTaint.effect)) taints.push({ ...unschedulableTaint })

  const capacity: ResourceList = {
    cpu: host?.cpu ?? '0',
    'ephemeral-storage': host?.ephemeralStorage ?? '0',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: host?.memory ?? '0',
    pods: String(options.maxPods ?? 110),
    ...options.capacity,
  }
  const nodeInfo: Record<string, string> = {
    machineID: stableId(options.nodeName, 'machine-id', false),
    systemUUID: stableId(options.nodeName, 'system-uuid', true),
    bootID: stableId(options.nodeName, 'boot-id', true),
    kernelVersion: host?.kernelVersion ?? '',
    osImage: host?.osImage ?? '',
    containerRuntimeVersion: `kubeling://${kubelingVersion}`,
    kubeletVersion: options.kubeletVersion,
    // Upstream's Go struct has no omitempty here: the field is sent empty (KEP-4004, DisableNodeKubeProxyVersion).
    kubeProxyVersion: '',
    operatingSystem: 'linux',
    architecture: arch,
    ...options.nodeInfo,
  }
  return {
    nodeName: options.nodeName,
    hostname,
    nodeIP: options.nodeIP,
    labels,
    annotations: { [controllerManagedAttachAnnotation]: 'true' },
    taints,
    unschedulable,
    capacity,
    allocatable: allocatableOf(capacity, options.reserved),
    nodeInfo,
    kubeletPort: options.kubeletPort ?? 10250,
    images: options.images,
  }
}

/** The Node to create: metadata and spec the kubelet owns plus a full status, conditions stamped `now`. */
export function buildNode(config: NodeConfig, now: number, health?: NodeHealth): Node {
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: config.nodeName, labels: { ...config.labels }, annotations: { ...config.annotations } },
    spec: {},
    status: {},
  }
  if (config.unschedulable) node.spec!.unschedulable = true
  if (config.taints.length > 0) node.spec!.taints = config.taints.map((t) => ({ ...t }))
  setNodeStatus(node, config, now, health)
  return node
}
