// Strategic-merge metadata of the kinds the apiserver serves: which lists
// merge by key, which primitive lists merge as sets, which maps are replaced
// whole. Upstream reads it from Go struct tags (`patchStrategy:"merge"
// patchMergeKey:"name"`); here the same facts form a small type graph that
// lists only tagged fields and the fields leading to them.
//
// Source: k8s.io/api v0.35.7 (core/v1, apps/v1, batch/v1, policy/v1,
// autoscaling/v2, storage/v1, networking/v1 types.go) and k8s.io/apimachinery
// v0.35.7 meta/v1 ObjectMeta. Untagged upstream, hence replaced as a whole:
// tolerations, taints, envFrom, containerStatuses, Endpoints subsets,
// Namespace spec.finalizers, every updateStrategy but Deployment's.

export interface FieldPatchMeta {
  /**
   * `merge`: a list of maps merges item by item on `mergeKey`; a primitive
   * list merges as a set. `replace`: a map is replaced whole. Without a
   * strategy maps merge and lists are replaced.
   */
  readonly strategy?: 'merge' | 'replace'
  readonly mergeKey?: string
  /** The patch strategy also names retainKeys: clients send `$retainKeys` for this union. */
  readonly retainKeys?: boolean
  /** The value's type (a list's item type) when tagged fields lie below it. */
  readonly type?: PatchSchema
}

export interface PatchSchema {
  /** The upstream Go type name, for messages and tests. */
  readonly name: string
  readonly fields: Readonly<Record<string, FieldPatchMeta>>
}

const noMeta: FieldPatchMeta = {}

/** How `field` of a value of type `schema` patches; unknown fields have no metadata. */
export function fieldPatchMeta(schema: PatchSchema | undefined, field: string): FieldPatchMeta {
  return (schema && Object.hasOwn(schema.fields, field) && schema.fields[field]) || noMeta
}

function type(name: string, fields: Record<string, FieldPatchMeta>): PatchSchema {
  return { name, fields }
}
function field(type: PatchSchema): FieldPatchMeta {
  return { type }
}
function mergeBy(mergeKey: string, type?: PatchSchema): FieldPatchMeta {
  return type ? { strategy: 'merge', mergeKey, type } : { strategy: 'merge', mergeKey }
}
function mergeByRetainingKeys(mergeKey: string): FieldPatchMeta {
  return { strategy: 'merge', mergeKey, retainKeys: true }
}
const primitiveSet: FieldPatchMeta = { strategy: 'merge' }

const ObjectMeta = type('ObjectMeta', { finalizers: primitiveSet, ownerReferences: mergeBy('uid') })

/** Every served kind has ObjectMeta at `metadata`; `kind` is the Go type of the object. */
function object(kind: string, fields: Record<string, FieldPatchMeta>): PatchSchema {
  return type(kind, { metadata: field(ObjectMeta), ...fields })
}
function conditionsByType(name: string): PatchSchema {
  return type(name, { conditions: mergeBy('type') })
}

// EphemeralContainer inlines EphemeralContainerCommon, which repeats Container's tags.
const containerFields = {
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
}
const Container = type('Container', containerFields)
const EphemeralContainer = type('EphemeralContainer', containerFields)

const PodSpec = type('PodSpec', {
  volumes: mergeByRetainingKeys('name'),
  initContainers: mergeBy('name', Container),
  containers: mergeBy('name', Container),
  ephemeralContainers: mergeBy('name', EphemeralContainer),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeByRetainingKeys('name'),
})
const PodStatus = type('PodStatus', {
  conditions: mergeBy('type'),
  hostIPs: mergeBy('ip'),
  podIPs: mergeBy('ip'),
  resourceClaimStatuses: mergeByRetainingKeys('name'),
})
const PodTemplateSpec = type('PodTemplateSpec', { metadata: field(ObjectMeta), spec: field(PodSpec) })
const JobSpec = type('JobSpec', { template: field(PodTemplateSpec) })

/** A controller with a pod template at spec.template and conditions in its status. */
function podTemplateOwner(kind: string, specFields: Record<string, FieldPatchMeta> = {}): PatchSchema {
  return object(kind, {
    spec: field(type(`${kind}Spec`, { template: field(PodTemplateSpec), ...specFields })),
    status: field(conditionsByType(`${kind}Status`)),
  })
}

/** Objects of kinds without tagged fields of their own (ConfigMap, Secret, custom resources). */
export const genericObjectSchema: PatchSchema = object('Object', {})

const schemasByGroupKind: ReadonlyMap<string, PatchSchema> = new Map([
  ['/Pod', object('Pod', { spec: field(PodSpec), status: field(PodStatus) })],
  ['/PodTemplate', object('PodTemplate', { template: field(PodTemplateSpec) })],
  ['/ReplicationController', podTemplateOwner('ReplicationController')],
  ['/Service', object('Service', { spec: field(type('ServiceSpec', { ports: mergeBy('port') })), status: field(conditionsByType('ServiceStatus')) })],
  ['/Node', object('Node', {
    spec: field(type('NodeSpec', { podCIDRs: primitiveSet })),
    status: field(type('NodeStatus', { conditions: mergeBy('type'), addresses: mergeBy('type') })),
  })],
  ['/Namespace', object('Namespace', { status: field(conditionsByType('NamespaceStatus')) })],
  ['/PersistentVolumeClaim', object('PersistentVolumeClaim', { status: field(conditionsByType('PersistentVolumeClaimStatus')) })],
  ['/ServiceAccount', object('ServiceAccount', { secrets: mergeBy('name') })],
  ['/ComponentStatus', object('ComponentStatus', { conditions: mergeBy('type') })],
  ['apps/Deployment', podTemplateOwner('Deployment', { strategy: { retainKeys: true } })],
  ['apps/ReplicaSet', podTemplateOwner('ReplicaSet')],
  ['apps/DaemonSet', podTemplateOwner('DaemonSet')],
  ['apps/StatefulSet', podTemplateOwner('StatefulSet')],
  ['batch/Job', object('Job', { spec: field(JobSpec), status: field(conditionsByType('JobStatus')) })],
  ['batch/CronJob', object('CronJob', {
    spec: field(type('CronJobSpec', { jobTemplate: field(type('JobTemplateSpec', { metadata: field(ObjectMeta), spec: field(JobSpec) })) })),
  })],
  ['policy/PodDisruptionBudget', object('PodDisruptionBudget', {
    spec: field(type('PodDisruptionBudgetSpec', { selector: { strategy: 'replace' } })),
    status: field(conditionsByType('PodDisruptionBudgetStatus')),
  })],
  ['autoscaling/HorizontalPodAutoscaler', object('HorizontalPodAutoscaler', { status: field(conditionsByType('HorizontalPodAutoscalerStatus')) })],
  ['storage.k8s.io/CSINode', object('CSINode', { spec: field(type('CSINodeSpec', { drivers: mergeBy('name') })) })],
  ['networking.k8s.io/ServiceCIDR', object('ServiceCIDR', { status: field(conditionsByType('ServiceCIDRStatus')) })],
])

/**
 * The root type of `group`/`kind` (core group: `''`). Kinds without tagged
 * fields get genericObjectSchema: only metadata's finalizers and
 * ownerReferences merge, every other list is replaced.
 */
export function schemaFor(group: string, kind: string): PatchSchema {
  return schemasByGroupKind.get(`${group}/${kind}`) ?? genericObjectSchema
}
