// Every built-in resource the apiserver serves. Groups come in upstream's
// discovery order (core first, then apps, events.k8s.io, authorization, ...),
// since the registry lists groups in registration order.
import type { ResourceDefinition } from '../types.ts'
import { selfSubjectAccessReviews } from './authorization/selfsubjectaccessreviews.ts'
import { controllerRevisions } from './apps/controllerrevisions.ts'
import { daemonSets } from './apps/daemonsets.ts'
import { deployments } from './apps/deployments.ts'
import { replicaSets } from './apps/replicasets.ts'
import { statefulSets } from './apps/statefulsets.ts'
import { horizontalPodAutoscalers } from './autoscaling/horizontalpodautoscalers.ts'
import { cronJobs } from './batch/cronjobs.ts'
import { jobs } from './batch/jobs.ts'
import { leases } from './coordination/leases.ts'
import { configMaps } from './core/configmaps.ts'
import { endpoints } from './core/endpoints.ts'
import { events } from './core/events.ts'
import { limitRanges } from './core/limitranges.ts'
import { namespaces } from './core/namespaces.ts'
import { nodes } from './core/nodes.ts'
import { persistentVolumeClaims } from './core/persistentvolumeclaims.ts'
import { persistentVolumes } from './core/persistentvolumes.ts'
import { pods } from './core/pods.ts'
import { replicationControllers } from './core/replicationcontrollers.ts'
import { resourceQuotas } from './core/resourcequotas.ts'
import { secrets } from './core/secrets.ts'
import { serviceAccounts } from './core/serviceaccounts.ts'
import { services } from './core/services.ts'
import { endpointSlices } from './discovery/endpointslices.ts'
import { eventsV1Events } from './events/events.ts'
import { ingressClasses } from './networking/ingressclasses.ts'
import { ingresses } from './networking/ingresses.ts'
import { networkPolicies } from './networking/networkpolicies.ts'
import { podDisruptionBudgets } from './policy/poddisruptionbudgets.ts'
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from './rbac/rbac-resources.ts'
import { priorityClasses } from './scheduling/priorityclasses.ts'
import { storageClasses } from './storage/storageclasses.ts'

export { builtinPriorityClasses } from './scheduling/priorityclasses.ts'

export const builtinResources: ResourceDefinition[] = [
  // core/v1
  configMaps,
  endpoints,
  events,
  limitRanges,
  namespaces,
  nodes,
  persistentVolumeClaims,
  persistentVolumes,
  pods,
  replicationControllers,
  resourceQuotas,
  secrets,
  serviceAccounts,
  services,
  // apps/v1
  controllerRevisions,
  daemonSets,
  deployments,
  replicaSets,
  statefulSets,
  // events.k8s.io/v1
  eventsV1Events,
  // authorization.k8s.io/v1
  selfSubjectAccessReviews,
  // autoscaling/v2
  horizontalPodAutoscalers,
  // batch/v1
  cronJobs,
  jobs,
  // networking.k8s.io/v1
  ingressClasses,
  ingresses,
  networkPolicies,
  // policy/v1
  podDisruptionBudgets,
  // rbac.authorization.k8s.io/v1
  clusterRoleBindings,
  clusterRoles,
  roleBindings,
  roles,
  // storage.k8s.io/v1
  storageClasses,
  // scheduling.k8s.io/v1
  priorityClasses,
  // coordination.k8s.io/v1
  leases,
  // discovery.k8s.io/v1
  endpointSlices,
]
