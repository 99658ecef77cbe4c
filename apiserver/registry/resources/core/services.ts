// core/v1 Service. Cluster IP and node port allocation are this server's
// state, not the strategy's: registry/service-allocation/ installs them as
// write hooks (write-hooks.ts); the strategy only defaults and validates.
import { nameIsDNS1035Label } from '../../../validation/resource-names.ts'
import { defineResource } from '../../types.ts'
import { serviceStrategy, type Service } from './service-strategy.ts'
import { servicePrinter } from '../../../printers/network-printers.ts'

export const services = defineResource<Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  printer: servicePrinter,
  strategy: serviceStrategy,
  subresources: { status: true },
  validateName: nameIsDNS1035Label,
  fieldSelectors: {
    'spec.clusterIP': (svc) => svc.spec?.clusterIP ?? '',
    'spec.type': (svc) => svc.spec?.type ?? '',
  },
})
