// The apps/v1 controllers (and core ReplicationController) as `kubectl get`
// shows them: replica counts, then the template's containers, images and
// selector under -o wide.
import type { KubeObject } from '../../shared/api-types.ts'
import type { LabelSelectorObject } from '../../shared/label-selector.ts'
import { describeLabelSelector } from '../../shared/label-selector.ts'
import { containerCells, formatLabels, selectorString, since, type NamedImage } from './cell-formats.ts'
import { ageColumn, column, containersColumn, definePrinter, imagesColumn, nameColumn } from './printer.ts'

interface Template {
  spec?: { containers?: NamedImage[]; nodeSelector?: Record<string, string> }
}

interface Workload extends KubeObject {
  spec?: { replicas?: number; selector?: LabelSelectorObject; template?: Template }
  status?: {
    replicas?: number
    readyReplicas?: number
    updatedReplicas?: number
    availableReplicas?: number
    desiredNumberScheduled?: number
    currentNumberScheduled?: number
    numberReady?: number
    updatedNumberScheduled?: number
    numberAvailable?: number
  }
}

interface ReplicationController extends KubeObject {
  spec?: { replicas?: number; selector?: Record<string, string>; template?: Template }
  status?: { replicas?: number; readyReplicas?: number }
}

interface ControllerRevision extends KubeObject {
  revision?: number
}

export const deploymentPrinter = definePrinter<Workload>({
  columns: [
    nameColumn,
    column('Ready', 'string', { text: 'Number of the pod with ready state' }),
    column('Up-to-date', 'string', 'apps.DeploymentStatus.updatedReplicas'),
    column('Available', 'string', 'apps.DeploymentStatus.availableReplicas'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'apps.DeploymentSpec.selector', { priority: 1 }),
  ],
  cells: (d, now) => [
    d.metadata.name ?? '',
    `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
    d.status?.updatedReplicas ?? 0,
    d.status?.availableReplicas ?? 0,
    since(d.metadata.creationTimestamp, now),
    ...containerCells(d.spec?.template?.spec?.containers),
    selectorString(d.spec?.selector),
  ],
})

export const replicaSetPrinter = definePrinter<Workload>({
  columns: [
    nameColumn,
    column('Desired', 'integer', 'apps.ReplicaSetSpec.replicas'),
    column('Current', 'integer', 'apps.ReplicaSetStatus.replicas'),
    column('Ready', 'integer', 'apps.ReplicaSetStatus.readyReplicas'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'apps.ReplicaSetSpec.selector', { priority: 1 }),
  ],
  cells: (rs, now) => [
    rs.metadata.name ?? '',
    rs.spec?.replicas ?? 0,
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    since(rs.metadata.creationTimestamp, now),
    ...containerCells(rs.spec?.template?.spec?.containers),
    describeLabelSelector(rs.spec?.selector),
  ],
})

export const replicationControllerPrinter = definePrinter<ReplicationController>({
  columns: [
    nameColumn,
    column('Desired', 'integer', 'core.ReplicationControllerSpec.replicas'),
    column('Current', 'integer', 'core.ReplicationControllerStatus.replicas'),
    column('Ready', 'integer', 'core.ReplicationControllerStatus.readyReplicas'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'core.ReplicationControllerSpec.selector', { priority: 1 }),
  ],
  cells: (rc, now) => [
    rc.metadata.name ?? '',
    rc.spec?.replicas ?? 0,
    rc.status?.replicas ?? 0,
    rc.status?.readyReplicas ?? 0,
    since(rc.metadata.creationTimestamp, now),
    ...containerCells(rc.spec?.template?.spec?.containers),
    formatLabels(rc.spec?.selector),
  ],
})

export const daemonSetPrinter = definePrinter<Workload>({
  columns: [
    nameColumn,
    column('Desired', 'integer', 'apps.DaemonSetStatus.desiredNumberScheduled'),
    column('Current', 'integer', 'apps.DaemonSetStatus.currentNumberScheduled'),
    column('Ready', 'integer', 'apps.DaemonSetStatus.numberReady'),
    column('Up-to-date', 'integer', 'apps.DaemonSetStatus.updatedNumberScheduled'),
    column('Available', 'integer', 'apps.DaemonSetStatus.numberAvailable'),
    column('Node Selector', 'string', 'core.PodSpec.nodeSelector'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'apps.DaemonSetSpec.selector', { priority: 1 }),
  ],
  cells: (ds, now) => [
    ds.metadata.name ?? '',
    ds.status?.desiredNumberScheduled ?? 0,
    ds.status?.currentNumberScheduled ?? 0,
    ds.status?.numberReady ?? 0,
    ds.status?.updatedNumberScheduled ?? 0,
    ds.status?.numberAvailable ?? 0,
    formatLabels(ds.spec?.template?.spec?.nodeSelector),
    since(ds.metadata.creationTimestamp, now),
    ...containerCells(ds.spec?.template?.spec?.containers),
    describeLabelSelector(ds.spec?.selector),
  ],
})

export const statefulSetPrinter = definePrinter<Workload>({
  columns: [nameColumn, column('Ready', 'string', { text: 'Number of the pod with ready state' }), ageColumn, containersColumn, imagesColumn],
  cells: (sts, now) => [
    sts.metadata.name ?? '',
    `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`,
    since(sts.metadata.creationTimestamp, now),
    ...containerCells(sts.spec?.template?.spec?.containers),
  ],
})

/** formatResourceName with its kind: `daemonset.apps/web`, `statefulset.apps/db`. */
function controllerName(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true)
  if (!ref) return '<none>'
  const slash = ref.apiVersion.indexOf('/')
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash)
  const kind = group ? `${ref.kind}.${group}` : ref.kind
  return kind ? `${kind.toLowerCase()}/${ref.name}` : ref.name
}

export const controllerRevisionPrinter = definePrinter<ControllerRevision>({
  columns: [nameColumn, column('Controller', 'string', { text: 'Controller of the object' }), column('Revision', 'string', 'apps.ControllerRevision.revision'), ageColumn],
  cells: (cr, now) => [cr.metadata.name ?? '', controllerName(cr), cr.revision ?? 0, since(cr.metadata.creationTimestamp, now)],
})

interface PodDisruptionBudget extends KubeObject {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string }
  status?: { disruptionsAllowed?: number }
}

// IntOrString.String(): the number or the percentage as written; N/A when unset.
const intOrString = (value: number | string | undefined | null) => (value === undefined || value === null ? 'N/A' : String(value))

export const podDisruptionBudgetPrinter = definePrinter<PodDisruptionBudget>({
  columns: [
    nameColumn,
    column('Min Available', 'string', { text: 'The minimum number of pods that must be available.' }),
    column('Max Unavailable', 'string', { text: 'The maximum number of pods that may be unavailable.' }),
    column('Allowed Disruptions', 'integer', { text: 'Calculated number of pods that may be disrupted at this time.' }),
    ageColumn,
  ],
  cells: (pdb, now) => [
    pdb.metadata.name ?? '',
    intOrString(pdb.spec?.minAvailable),
    intOrString(pdb.spec?.maxUnavailable),
    pdb.status?.disruptionsAllowed ?? 0,
    since(pdb.metadata.creationTimestamp, now),
  ],
})
