// core/v1 Secret.
import { defineResource } from '../../types.ts'
import { secretStrategy, type Secret } from './secret-strategy.ts'

export const secrets = defineResource<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  strategy: secretStrategy,
  fieldSelectors: {
    type: (secret) => secret.type ?? '',
  },
})
