// core/v1 Endpoints.
import { defineResource } from '../../types.ts'
import { endpointsStrategy, type Endpoints } from './endpoints-strategy.ts'
import { endpointsPrinter } from '../../../printers/network-printers.ts'

export const endpoints = defineResource<Endpoints>({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  printer: endpointsPrinter,
  strategy: endpointsStrategy,
})
