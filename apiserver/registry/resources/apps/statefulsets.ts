// apps/v1 StatefulSet. Its name becomes part of pod hostnames, hence DNS labels.
import { nameIsDNSLabel } from '../../../validation/resource-names.ts'
import { defineResource } from '../../types.ts'
import { statefulSetStrategy, type StatefulSet } from './statefulset-strategy.ts'
import { statefulSetPrinter } from '../../../printers/workload-printers.ts'

export const statefulSets = defineResource<StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  printer: statefulSetPrinter,
  strategy: statefulSetStrategy,
  subresources: {
    status: true,
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  },
  validateName: nameIsDNSLabel,
})
