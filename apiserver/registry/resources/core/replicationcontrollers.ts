// core/v1 ReplicationController.
import { defineResource } from '../../types.ts'
import { replicationControllerStrategy, type ReplicationController } from './replicationcontroller-strategy.ts'
import { replicationControllerPrinter } from '../../../printers/workload-printers.ts'

export const replicationControllers = defineResource<ReplicationController>({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  shortNames: ['rc'],
  categories: ['all'],
  namespaced: true,
  printer: replicationControllerPrinter,
  strategy: replicationControllerStrategy,
  subresources: {
    status: true,
    // The selector is a plain label map here, not a LabelSelector object.
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  },
  fieldSelectors: {
    'status.replicas': (rc) => String(rc.status?.replicas ?? 0),
  },
})
