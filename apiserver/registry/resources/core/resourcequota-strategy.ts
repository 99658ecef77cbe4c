// ResourceQuota: hard limits per namespace; the quota controller reports
// usage in status.
import type { KubeObject } from '../../../../shared/api-types.ts'
import { isQualifiedName } from '../../../../shared/name-validation.ts'
import { fieldErrors, type FieldError } from '../../../validation/field-error.ts'
import { semanticEqual } from '../../../validation/object-diff.ts'
import { parseQuantity, quantityFormatMessage } from '../../../../shared/quantity.ts'
import type { Strategy } from '../../types.ts'
import { keepStatus, resetStatus } from '../spec-and-status.ts'

export interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string>; scopes?: string[]; scopeSelector?: unknown; [field: string]: unknown }
  status?: { hard?: Record<string, string>; used?: Record<string, string>; [field: string]: unknown }
}

const standardQuotaResources = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
])
// Object counts cannot be fractional.
const integerResources = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers'])
const scopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass']
const conflictingScopes = [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']]

export function validateQuotaResources(list: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const [name, quantity] of Object.entries(list ?? {})) {
    const entryPath = `${path}[${name}]`
    const msgs = isQualifiedName(name)
    for (const msg of msgs) errs.push(fieldErrors.invalid(entryPath, name, msg))
    if (msgs.length === 0 && !name.includes('/') && !standardQuotaResources.has(name) && !/^(requests|limits)?\.?hugepages-/.test(name)) {
      errs.push(fieldErrors.invalid(entryPath, name, 'must be a standard resource for quota'))
    }
    const value = parseQuantity(quantity)
    if (value === undefined) errs.push(fieldErrors.invalid(entryPath, quantity, quantityFormatMessage))
    else if (value < 0) errs.push(fieldErrors.invalid(entryPath, quantity, 'must be greater than or equal to 0'))
    else if ((integerResources.has(name) || name.startsWith('count/')) && !Number.isInteger(value)) errs.push(fieldErrors.invalid(entryPath, quantity, 'must be an integer'))
  }
  return errs
}

function validateQuota(quota: ResourceQuota): FieldError[] {
  const errs = validateQuotaResources(quota.spec?.hard, 'spec.hard')
  const given = quota.spec?.scopes ?? []
  for (const scope of given) if (!scopes.includes(scope)) errs.push(fieldErrors.invalid('spec.scopes', given, 'unsupported scope'))
  for (const pair of conflictingScopes) if (pair.every((s) => given.includes(s))) errs.push(fieldErrors.invalid('spec.scopes', given, 'conflicting scopes'))
  return errs
}

export const resourceQuotaStrategy: Strategy<ResourceQuota> = {
  prepareForCreate: (quota) => resetStatus(quota),
  prepareForUpdate: keepStatus,
  validate: validateQuota,
  validateUpdate(next, prev) {
    const errs = validateQuota(next)
    const sorted = (list: string[] | undefined) => [...new Set(list ?? [])].sort()
    if (!semanticEqual(sorted(next.spec?.scopes), sorted(prev.spec?.scopes))) errs.push(fieldErrors.invalid('spec.scopes', next.spec?.scopes ?? [], 'field is immutable'))
    return errs
  },
  validateStatusUpdate: (next) => [...validateQuotaResources(next.status?.hard, 'status.hard'), ...validateQuotaResources(next.status?.used, 'status.used')],
}
