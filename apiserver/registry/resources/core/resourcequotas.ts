// core/v1 ResourceQuota.
import { defineResource } from '../../types.ts'
import { resourceQuotaStrategy, type ResourceQuota } from './resourcequota-strategy.ts'
import { resourceQuotaPrinter } from '../../../printers/config-printers.ts'

export const resourceQuotas = defineResource<ResourceQuota>({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  namespaced: true,
  printer: resourceQuotaPrinter,
  strategy: resourceQuotaStrategy,
  subresources: { status: true },
})
