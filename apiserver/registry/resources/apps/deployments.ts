// apps/v1 Deployment.
import { defineResource } from '../../types.ts'
import { deploymentStrategy, type Deployment } from './deployment-strategy.ts'
import { deploymentPrinter } from '../../../printers/workload-printers.ts'

export const deployments = defineResource<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  printer: deploymentPrinter,
  strategy: deploymentStrategy,
  subresources: {
    status: true,
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  },
})
