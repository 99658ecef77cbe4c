// policy/v1 PodDisruptionBudget.
import { defineResource } from '../../types.ts'
import { podDisruptionBudgetStrategy, type PodDisruptionBudget } from './poddisruptionbudget-strategy.ts'

export const podDisruptionBudgets = defineResource<PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  strategy: podDisruptionBudgetStrategy,
  subresources: { status: true },
})
