// apps/v1 ReplicaSet.
import { defineResource } from '../../types.ts'
import { replicaSetStrategy, type ReplicaSet } from './replicaset-strategy.ts'
import { replicaSetPrinter } from '../../../printers/workload-printers.ts'

export const replicaSets = defineResource<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  printer: replicaSetPrinter,
  strategy: replicaSetStrategy,
  subresources: {
    status: true,
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  },
  fieldSelectors: {
    'status.replicas': (rs) => String(rs.status?.replicas ?? 0),
  },
})
