// core/v1 ConfigMap.
import { defineResource } from '../../types.ts'
import { configMapStrategy, type ConfigMap } from './configmap-strategy.ts'
import { configMapPrinter } from '../../../printers/config-printers.ts'

export const configMaps = defineResource<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  printer: configMapPrinter,
  strategy: configMapStrategy,
})
