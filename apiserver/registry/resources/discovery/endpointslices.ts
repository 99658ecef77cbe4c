// discovery.k8s.io/v1 EndpointSlice.
import { defineResource } from '../../types.ts'
import { endpointSliceStrategy, type EndpointSlice } from './endpointslice-strategy.ts'
import { endpointSlicePrinter } from '../../../printers/network-printers.ts'

export const endpointSlices = defineResource<EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  printer: endpointSlicePrinter,
  strategy: endpointSliceStrategy,
})
