// The namespace-level bookkeeping kinds as `kubectl get` shows them:
// ConfigMaps and Secrets (DATA counts), ServiceAccounts, Namespaces, Leases,
// ResourceQuotas and PriorityClasses.
import type { KubeObject } from '../../shared/api-types.ts'
import { since } from './cell-formats.ts'
import { ageColumn, column, definePrinter, nameColumn } from './printer.ts'
import { quantityString } from './quantity-string.ts'

interface ConfigMap extends KubeObject {
  data?: Record<string, string>
  binaryData?: Record<string, string>
}

interface Secret extends KubeObject {
  type?: string
  data?: Record<string, string>
}

interface ServiceAccount extends KubeObject {
  secrets?: unknown[]
}

interface Namespace extends KubeObject {
  status?: { phase?: string }
}

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string }
}

interface ResourceQuota extends KubeObject {
  status?: { hard?: Record<string, unknown>; used?: Record<string, unknown> }
}

interface PriorityClass extends KubeObject {
  value?: number
  globalDefault?: boolean
  preemptionPolicy?: string
}

const count = (map: object | null | undefined) => Object.keys(map ?? {}).length

export const configMapPrinter = definePrinter<ConfigMap>({
  columns: [nameColumn, column('Data', 'string', 'core.ConfigMap.data'), ageColumn],
  cells: (cm, now) => [cm.metadata.name ?? '', count(cm.data) + count(cm.binaryData), since(cm.metadata.creationTimestamp, now)],
})

export const secretPrinter = definePrinter<Secret>({
  columns: [nameColumn, column('Type', 'string', 'core.Secret.type'), column('Data', 'string', 'core.Secret.data'), ageColumn],
  cells: (s, now) => [s.metadata.name ?? '', s.type ?? '', count(s.data), since(s.metadata.creationTimestamp, now)],
})

export const serviceAccountPrinter = definePrinter<ServiceAccount>({
  columns: [nameColumn, column('Secrets', 'string', 'core.ServiceAccount.secrets'), ageColumn],
  cells: (sa, now) => [sa.metadata.name ?? '', (sa.secrets ?? []).length, since(sa.metadata.creationTimestamp, now)],
})

export const namespacePrinter = definePrinter<Namespace>({
  columns: [nameColumn, column('Status', 'string', { text: 'The status of the namespace' }), ageColumn],
  cells: (ns, now) => [ns.metadata.name ?? '', ns.status?.phase ?? '', since(ns.metadata.creationTimestamp, now)],
})

export const leasePrinter = definePrinter<Lease>({
  columns: [nameColumn, column('Holder', 'string', 'coordination.LeaseSpec.holderIdentity'), ageColumn],
  cells: (lease, now) => [lease.metadata.name ?? '', lease.spec?.holderIdentity ?? '', since(lease.metadata.creationTimestamp, now)],
})

/** REQUEST and LIMIT: `resource: used/hard` for each hard limit, sorted; `limits.*` go to LIMIT. */
function quotaColumns(quota: ResourceQuota): [string, string] {
  const hard = quota.status?.hard ?? {}
  const used = quota.status?.used ?? {}
  const requests: string[] = []
  const limits: string[] = []
  for (const resource of Object.keys(hard).sort()) {
    const pieces = resource.split('.')
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests
    target.push(`${resource}: ${quantityString(used[resource])}/${quantityString(hard[resource])}`)
  }
  return [requests.join(', '), limits.join(', ')]
}

export const resourceQuotaPrinter = definePrinter<ResourceQuota>({
  columns: [
    nameColumn,
    column('Request', 'string', { text: 'Request represents a minimum amount of cpu/memory that a container may consume.' }),
    column('Limit', 'string', { text: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.' }),
    ageColumn,
  ],
  cells: (quota, now) => [quota.metadata.name ?? '', ...quotaColumns(quota), since(quota.metadata.creationTimestamp, now)],
})

export const priorityClassPrinter = definePrinter<PriorityClass>({
  columns: [
    nameColumn,
    column('Value', 'integer', 'scheduling.PriorityClass.value'),
    column('Global-Default', 'boolean', 'scheduling.PriorityClass.globalDefault'),
    ageColumn,
    // Upstream gives it no priority: `kubectl get priorityclasses` shows it by default.
    column('PreemptionPolicy', 'string', 'scheduling.PriorityClass.preemptionPolicy'),
  ],
  cells: (pc, now) => [pc.metadata.name ?? '', pc.value ?? 0, pc.globalDefault ?? false, since(pc.metadata.creationTimestamp, now), pc.preemptionPolicy ?? ''],
})
