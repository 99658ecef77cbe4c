// core/v1 ServiceAccount: nothing beyond metadata to check, so the strategy
// is empty and lives with the declaration.
import { defineResource } from '../../types.ts'
import { serviceAccountPrinter } from '../../../printers/config-printers.ts'

export const serviceAccounts = defineResource({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  printer: serviceAccountPrinter,
  strategy: {},
})
