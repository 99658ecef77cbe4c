// apps/v1 DaemonSet.
import { defineResource } from '../../types.ts'
import { daemonSetStrategy, type DaemonSet } from './daemonset-strategy.ts'
import { daemonSetPrinter } from '../../../printers/workload-printers.ts'

export const daemonSets = defineResource<DaemonSet>({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  printer: daemonSetPrinter,
  strategy: daemonSetStrategy,
  subresources: { status: true },
})
