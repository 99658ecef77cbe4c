// core/v1 Namespace. No deletecollection: upstream serves none for namespaces.
import { nameIsDNSLabel } from '../../../validation/resource-names.ts'
import { defineResource } from '../../types.ts'
import { namespaceStrategy, type Namespace } from './namespace-strategy.ts'
import { namespacePrinter } from '../../../printers/config-printers.ts'

export const namespaces = defineResource<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  printer: namespacePrinter,
  strategy: namespaceStrategy,
  subresources: { status: true },
  validateName: nameIsDNSLabel,
  fieldSelectors: {
    'status.phase': (ns) => ns.status?.phase ?? '',
  },
})
