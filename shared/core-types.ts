// The parts of core/v1 Pod and Node shapes that the apiserver's defaults and
// validation and the components read. Every interface keeps an index
// signature: objects must round-trip fields we do not model, and every field
// is optional because the apiserver reads them before validating.
import type { KubeObject, ObjectMeta } from './api-types.ts'

type Open = { [field: string]: unknown }

export interface ContainerPort extends Open {
  name?: string
  containerPort?: number
  hostPort?: number
  hostIP?: string
  protocol?: string
}

export interface EnvVar extends Open {
  name?: string
  value?: string
  valueFrom?: {
    fieldRef?: { apiVersion?: string; fieldPath?: string }
    resourceFieldRef?: { containerName?: string; resource?: string; divisor?: unknown }
    configMapKeyRef?: { name?: string; key?: string; optional?: boolean }
    secretKeyRef?: { name?: string; key?: string; optional?: boolean }
    [field: string]: unknown
  }
}

export interface EnvFromSource extends Open {
  prefix?: string
  configMapRef?: { name?: string; optional?: boolean }
  secretRef?: { name?: string; optional?: boolean }
}

export interface HTTPGetAction extends Open {
  path?: string
  port?: number | string
  host?: string
  scheme?: string
  httpHeaders?: Array<{ name?: string; value?: string }>
}

/** A probe or lifecycle handler: exactly one action. */
export interface Handler extends Open {
  exec?: { command?: string[] }
  httpGet?: HTTPGetAction
  tcpSocket?: { port?: number | string; host?: string }
  grpc?: { port?: number; service?: string }
  sleep?: { seconds?: number }
}

export interface Probe extends Handler {
  initialDelaySeconds?: number
  timeoutSeconds?: number
  periodSeconds?: number
  successThreshold?: number
  failureThreshold?: number
  terminationGracePeriodSeconds?: number
}

export interface ResourceRequirements extends Open {
  limits?: Record<string, string | number>
  requests?: Record<string, string | number>
}

export interface VolumeMount extends Open {
  name?: string
  mountPath?: string
  subPath?: string
  subPathExpr?: string
  readOnly?: boolean
}

export interface Container extends Open {
  name?: string
  image?: string
  command?: string[]
  args?: string[]
  ports?: ContainerPort[]
  env?: EnvVar[]
  envFrom?: EnvFromSource[]
  resources?: ResourceRequirements
  volumeMounts?: VolumeMount[]
  livenessProbe?: Probe
  readinessProbe?: Probe
  startupProbe?: Probe
  lifecycle?: { postStart?: Handler; preStop?: Handler; [field: string]: unknown }
  terminationMessagePath?: string
  terminationMessagePolicy?: string
  imagePullPolicy?: string
  restartPolicy?: string
}

export interface Toleration extends Open {
  key?: string
  operator?: string
  value?: string
  effect?: string
  tolerationSeconds?: number
}

export interface Taint extends Open {
  key?: string
  value?: string
  effect?: string
  timeAdded?: string
}

export interface LabelSelectorRequirementObject extends Open {
  key?: string
  operator?: string
  values?: string[]
}

export interface NodeSelectorTerm extends Open {
  matchExpressions?: LabelSelectorRequirementObject[]
  matchFields?: LabelSelectorRequirementObject[]
}

export interface NodeAffinity extends Open {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] }
  preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight?: number; preference?: NodeSelectorTerm }>
}

export interface PodAffinityTerm extends Open {
  labelSelector?: { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirementObject[] } | null
  namespaces?: string[]
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirementObject[] } | null
  topologyKey?: string
  matchLabelKeys?: string[]
  mismatchLabelKeys?: string[]
}

export interface WeightedPodAffinityTerm extends Open {
  weight?: number
  podAffinityTerm?: PodAffinityTerm
}

/** podAffinity and podAntiAffinity share this shape. */
export interface PodAffinity extends Open {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[]
}

export interface Affinity extends Open {
  nodeAffinity?: NodeAffinity
  podAffinity?: PodAffinity
  podAntiAffinity?: PodAffinity
}

export interface Volume extends Open {
  name?: string
}

export interface PodSecurityContext extends Open {
  runAsUser?: number
  runAsGroup?: number
  fsGroup?: number
  supplementalGroups?: number[]
}

export interface PodSpec extends Open {
  volumes?: Volume[]
  initContainers?: Container[]
  containers?: Container[]
  ephemeralContainers?: Container[]
  restartPolicy?: string
  terminationGracePeriodSeconds?: number
  activeDeadlineSeconds?: number
  dnsPolicy?: string
  nodeSelector?: Record<string, string>
  serviceAccountName?: string
  serviceAccount?: string
  nodeName?: string
  hostNetwork?: boolean
  securityContext?: PodSecurityContext
  hostname?: string
  subdomain?: string
  affinity?: Affinity
  schedulerName?: string
  tolerations?: Toleration[]
  priorityClassName?: string
  priority?: number
  preemptionPolicy?: string
  enableServiceLinks?: boolean
  schedulingGates?: Array<{ name?: string }>
  overhead?: Record<string, string | number>
}

/** A pod or node condition. */
export interface Condition extends Open {
  type?: string
  status?: string
  reason?: string
  message?: string
  lastProbeTime?: string | null
  lastTransitionTime?: string | null
  lastHeartbeatTime?: string | null
}

export interface PodStatus extends Open {
  phase?: string
  reason?: string
  message?: string
  startTime?: string
  hostIP?: string
  hostIPs?: Array<{ ip?: string }>
  qosClass?: string
  podIP?: string
  podIPs?: Array<{ ip?: string }>
  nominatedNodeName?: string
  conditions?: Condition[]
  containerStatuses?: Open[]
  observedGeneration?: number
}

export interface Pod extends KubeObject {
  spec?: PodSpec
  status?: PodStatus
}

export interface PodTemplateSpec extends Open {
  metadata?: ObjectMeta
  spec?: PodSpec
}

export interface NodeSpec extends Open {
  unschedulable?: boolean
  taints?: Taint[]
  podCIDR?: string
  podCIDRs?: string[]
  providerID?: string
}

export interface NodeAddress extends Open {
  type?: string
  address?: string
}

export interface NodeStatus extends Open {
  capacity?: Record<string, string | number>
  allocatable?: Record<string, string | number>
  conditions?: Condition[]
  addresses?: NodeAddress[]
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } }
  nodeInfo?: Record<string, string>
}

export interface Node extends KubeObject {
  spec?: NodeSpec
  status?: NodeStatus
}
