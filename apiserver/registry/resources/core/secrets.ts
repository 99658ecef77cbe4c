// core/v1 Secret.
import { defineResource } from '../../types.ts'
import { secretStrategy, type Secret } from './secret-strategy.ts'
import { secretPrinter } from '../../../printers/config-printers.ts'

export const secrets = defineResource<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  printer: secretPrinter,
  strategy: secretStrategy,
  fieldSelectors: {
    type: (secret) => secret.type ?? '',
  },
})
